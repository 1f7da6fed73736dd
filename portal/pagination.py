"""Counting and slicing a query into pages; bad page numbers fall back to the first page."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import Select, func, select

from portal.extensions import db

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of results and what a pager needs to link the others."""

    items: list[T]
    number: int
    size: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def parse_page_number(raw: str | None) -> int:
    """A page number from the query string; anything malformed or out of range means page 1."""
    try:
        number = int(raw or 1)
    except ValueError:
        return 1
    return number if 1 <= number <= 100_000 else 1


def paginate(query: Select, number: int, size: int, total: int | None = None) -> Page:
    """Run `query` for one page, with a separate count of all matching rows (unless the caller
    already knows it, as the inbox does from its counts per state)."""
    if total is None:
        total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    pages = max(1, -(-total // size))
    number = min(number, pages)
    items = list(db.session.scalars(query.limit(size).offset((number - 1) * size)))
    return Page(items=items, number=number, size=size, total=total)


def ids_in_two_walks(first: Select, second: Select, first_total: int, total: int, number: int,
                     size: int) -> tuple[list, int]:
    """The ids of one page of `first`'s rows followed by `second`'s (each an ordered SELECT of ids;
    `first_total` of the `total` rows are first's), read as two index walks instead of one sort of
    both; and the page number settled on."""
    number = min(number, max(1, -(-total // size)))
    start = (number - 1) * size
    ids = list(db.session.scalars(first.offset(start).limit(size))) if start < first_total else []
    if len(ids) < size:
        ids += db.session.scalars(second.offset(max(0, start - first_total)).limit(size - len(ids)))
    return ids, number

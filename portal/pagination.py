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

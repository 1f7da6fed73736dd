"""Pages of search results whose count stops at a cap: "more than 1,000" instead of counting
tens of thousands of rows nobody will page through."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, literal, select

from portal.extensions import db
from portal.pagination import Page

COUNT_CAP = 1000


@dataclass(frozen=True)
class CappedPage(Page):
    """A page whose `total` is exact unless `more` is set: then there are more than `total`."""

    more: bool = False


def paginate_capped(query: Select, number: int, size: int, known: int | None = None) -> CappedPage:
    """Run `query` for one page, counting matches only up to COUNT_CAP (pages beyond it are not
    offered); `known` is the number of matches when the caller already has it."""
    cap = COUNT_CAP
    total = known
    if total is None:
        counted = (query.order_by(None).with_only_columns(literal(1), maintain_column_froms=True)
                   .limit(cap + 1).subquery())
        total = db.session.scalar(select(func.count()).select_from(counted))
    more = total > cap
    total = min(total, cap)
    pages = max(1, -(-total // size))
    number = min(number, pages)
    items = list(db.session.scalars(query.limit(size).offset((number - 1) * size)))
    return CappedPage(items=items, number=number, size=size, total=total, more=more)

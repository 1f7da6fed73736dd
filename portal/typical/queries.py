"""What the public sees of typical cases: the published ones searched and paged, one article in
the reader's language (Chinese where no English was written), and the feed."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, extract, func, or_, select
from sqlalchemy.orm import selectinload

from portal import workflow
from portal.disclosures import queries as disclosures
from portal.disclosures.models import Disclosure
from portal.errors import NotFound
from portal.extensions import db
from portal.pagination import Page, paginate
from portal.text import clean_text
from portal.typical.models import ArticleState, TypicalCase

MAX_ID = workflow.MAX_ID
MAX_QUERY_LENGTH = 100
FEED_SIZE = 50
PUBLIC_STATES = (ArticleState.PUBLISHED, ArticleState.WITHDRAWN)


class CaseNotFound(NotFound, LookupError):
    """No article with that id is public (or none exists: the same answer)."""


@dataclass(frozen=True)
class CaseQuery:
    """What a reader looks for; every part is optional."""

    text: str = ""
    region_prefix: str | None = None
    year: int | None = None

    @classmethod
    def from_input(cls, text: str | None, region_prefix: str | None = None,
                   year: int | None = None) -> "CaseQuery":
        return cls(clean_text(text)[:MAX_QUERY_LENGTH], region_prefix, year)


def _filtered(query: CaseQuery) -> Select:
    stmt = (select(TypicalCase).where(TypicalCase.state == ArticleState.PUBLISHED)
            .options(selectinload(TypicalCase.region)))
    if query.text:
        stmt = stmt.where(or_(TypicalCase.title.contains(query.text, autoescape=True),
                              TypicalCase.title_en.contains(query.text, autoescape=True)))
    if query.region_prefix:
        stmt = stmt.where(TypicalCase.region_code.startswith(query.region_prefix, autoescape=True))
    if query.year:
        stmt = stmt.where(TypicalCase.case_date >= dt.date(query.year, 1, 1),
                          TypicalCase.case_date <= dt.date(query.year, 12, 31))
    return stmt.order_by(TypicalCase.case_date.desc(), TypicalCase.id.desc())


def search(query: CaseQuery, page: int, size: int) -> Page[TypicalCase]:
    """One page of published articles matching the query, newest case first."""
    return paginate(_filtered(query), page, size)


def years() -> list[int]:
    """The years that have published articles, latest first (for the year filter)."""
    year = extract("year", TypicalCase.case_date)
    found = db.session.scalars(select(year).where(TypicalCase.state == ArticleState.PUBLISHED)
                               .group_by(year).order_by(year.desc()))
    return [int(value) for value in found]


def get_public(case_id: int) -> TypicalCase:
    """A published or withdrawn article with its place and links."""
    if not 1 <= case_id <= MAX_ID:
        raise CaseNotFound(case_id)
    case = db.session.scalar(
        select(TypicalCase).where(TypicalCase.id == case_id, TypicalCase.state.in_(PUBLIC_STATES))
        .options(selectinload(TypicalCase.region), selectinload(TypicalCase.disclosures),
                 selectinload(TypicalCase.institutions)))
    if case is None:
        raise CaseNotFound(case_id)
    return case


def visible_disclosure_ids(case: TypicalCase, today: dt.date) -> set[int]:
    """The linked penalty decisions whose public page is still up (within their period)."""
    ids = [d.id for d in case.disclosures]
    if not ids:
        return set()
    return set(db.session.scalars(select(Disclosure.id).where(Disclosure.id.in_(ids),
                                                              disclosures.visible(today))))


def latest(limit: int = FEED_SIZE) -> list[TypicalCase]:
    """The most recently published or withdrawn articles, for the feed."""
    changed = func.coalesce(TypicalCase.withdrawn_at, TypicalCase.published_at)
    return list(db.session.scalars(
        select(TypicalCase).where(TypicalCase.state.in_(PUBLIC_STATES)).options(selectinload(TypicalCase.region))
        .order_by(changed.desc(), TypicalCase.id.desc()).limit(limit)))


@dataclass(frozen=True)
class Shown:
    """An article's words in the reader's language, each with the language it is actually in."""

    title: str
    title_lang: str
    summary: str
    summary_lang: str
    body_html: str
    body_lang: str
    fallback: bool  # an English reader gets (part of) the Chinese text


def shown(case: TypicalCase, locale: str) -> Shown:
    """Chinese for a Chinese reader; English where it was written for an English reader,
    otherwise the Chinese marked as such."""
    if locale == "zh_CN" or not case.title_en:
        return Shown(case.title, "zh-CN", case.summary, "zh-CN", case.body_html, "zh-CN", locale != "zh_CN")
    summary, summary_lang = (case.summary_en, "en") if case.summary_en else (case.summary, "zh-CN")
    body, body_lang = (case.body_en_html, "en") if case.body_en_html else (case.body_html, "zh-CN")
    return Shown(case.title_en, "en", summary, summary_lang, body, body_lang,
                 "zh-CN" in (summary_lang, body_lang))

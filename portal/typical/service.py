"""Typical cases in the back office: drafting in Markdown, review by someone other than the
drafter, publication and withdrawal with a public reason; and the published cases other pages
list beside an institution or a penalty decision.

The allowed steps are one table (`STEPS`: the shared review-and-publish steps of `portal.workflow.review`);
every change writes an audit record (object type "typical_case"). Bodies are stored as written and as
sanitised HTML (`portal.richtext`). Services flush, never commit.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal import clock, richtext, workflow
from portal.accounts import service as accounts
from portal.accounts.models import Role, User
from portal.disclosures.models import Disclosure, DisclosureState
from portal.errors import NotFound
from portal.extensions import db
from portal.identifiers import clean
from portal.institutions.models import Institution
from portal.security import audit
from portal.typical.models import ArticleState, TypicalCase, typical_case_disclosures, typical_case_institutions
from portal.workflow import Workflow
from portal.workflow import review as reviewing

A = ArticleState
MAX_ID = workflow.MAX_ID
MAX_LINKS = 10
DRAFTERS = frozenset({Role.ADMIN, Role.HANDLER})


def _touched(case: TypicalCase, moved: workflow.Moved, actor: User) -> None:
    """An article's history is its audit trail; a step only marks when it last changed."""
    case.updated_at = moved.at


STEPS = Workflow("typical_case", "typical_case", reviewing.review_steps(A, DRAFTERS, {Role.REVIEWER}),
                 authors=reviewing.drafter, history=_touched)


class CaseNotFound(NotFound, LookupError):
    """No such article, or not in the person's jurisdiction: the same answer for both."""


class InvalidDraft(ValueError):
    """A rule across fields does not hold; args[0] names the field."""


class LinkNotFound(LookupError):
    """A linked decision number or institution that cannot be linked; args are the field and
    the text that did not resolve."""


# ---- Finding articles --------------------------------------------------------------------------

def for_staff(user: User, case_id: int) -> TypicalCase:
    """An article inside the user's jurisdiction, its links loaded (else not found)."""
    return workflow.for_staff(TypicalCase, user, case_id, CaseNotFound,
                              selectinload(TypicalCase.disclosures), selectinload(TypicalCase.institutions))


def allowed_steps(case: TypicalCase, user: User) -> list[str]:
    """The steps the article's state and the person allow now; the drafter never sees the review."""
    return STEPS.allowed(user, case)


def in_jurisdiction(user: User, state: ArticleState | None = None):
    """The query for the jurisdiction's articles, newest case first."""
    return workflow.in_jurisdiction(TypicalCase, user, state).order_by(TypicalCase.case_date.desc(),
                                                                       TypicalCase.id.desc())


def counts(user: User) -> dict[ArticleState, int]:
    """How many articles of the jurisdiction are in each state."""
    return workflow.counts(TypicalCase, user, ArticleState)


# ---- Links -------------------------------------------------------------------------------------

def find_disclosure(user: User, decision_number: str) -> Disclosure:
    """A published penalty decision of the user's jurisdiction, by its number."""
    found = db.session.scalar(select(Disclosure).where(Disclosure.decision_number == decision_number.strip(),
                                                       Disclosure.state == DisclosureState.PUBLISHED))
    if found is None or not accounts.covers(user, found.region_code):
        raise LinkNotFound("disclosures", decision_number)
    return found


def find_institution(user: User, text: str) -> Institution:
    """An institution of the user's jurisdiction, by registry number or USCC."""
    code = clean(text)
    if code.isdigit() and len(code) < 18:
        found = db.session.get(Institution, int(code)) if 1 <= int(code) <= MAX_ID else None
    else:
        found = db.session.scalar(select(Institution).where(Institution.uscc == code))
    if found is None or not accounts.covers(user, found.region_code):
        raise LinkNotFound("institutions", text)
    return found


# ---- Drafting ----------------------------------------------------------------------------------

@dataclass
class DraftData:
    """An article as staff write it: Markdown bodies, links by id (already resolved)."""

    region_code: str
    case_date: dt.date
    title: str
    summary: str
    body_source: str
    title_en: str = ""
    summary_en: str = ""
    body_en_source: str = ""
    disclosure_ids: list[int] = field(default_factory=list)
    institution_ids: list[int] = field(default_factory=list)


TEXT_FIELDS = ("region_code", "title", "summary", "body_source", "title_en", "summary_en", "body_en_source")


def _state(case: TypicalCase) -> dict:
    values = {name: getattr(case, name) for name in TEXT_FIELDS}
    values.update(case_date=case.case_date.isoformat(), state=case.state.value,
                  disclosures=",".join(str(d.id) for d in case.disclosures),
                  institutions=",".join(str(i.id) for i in case.institutions))
    return values


def check_draft(actor: User, data: DraftData, today: dt.date) -> None:
    """Raise for what the rules refuse (InvalidDraft names the field)."""
    if not data.title.strip():
        raise InvalidDraft("title")
    if not data.summary.strip():
        raise InvalidDraft("summary")
    if not richtext.render(data.body_source):
        raise InvalidDraft("body")
    if (data.summary_en.strip() or data.body_en_source.strip()) and not data.title_en.strip():
        raise InvalidDraft("title_en")
    if data.case_date > today:
        raise InvalidDraft("case_date")
    if not accounts.covers(actor, data.region_code):
        raise InvalidDraft("region")
    if len(set(data.disclosure_ids)) > MAX_LINKS:
        raise InvalidDraft("disclosures")
    if len(set(data.institution_ids)) > MAX_LINKS:
        raise InvalidDraft("institutions")


def _linked(model, ids: list[int], user: User, where=None) -> list:
    wanted = sorted(set(ids))
    if not wanted:
        return []
    stmt = select(model).where(model.id.in_(wanted))
    found = [row for row in db.session.scalars(stmt if where is None else stmt.where(where))
             if accounts.covers(user, row.region_code)]
    if len(found) != len(wanted):
        raise LinkNotFound("disclosures" if model is Disclosure else "institutions", "")
    return found


def save_draft(actor: User, data: DraftData, case: TypicalCase | None = None,
               now: dt.datetime | None = None) -> TypicalCase:
    """Create a draft, or change one while it is a draft or returned; by a handler or an
    administrator of the jurisdiction. Nothing is stored when a rule refuses."""
    STEPS.check(actor, case, "edit", data.region_code)
    now = now or clock.now()
    check_draft(actor, data, clock.local_date(now))
    disclosures = _linked(Disclosure, data.disclosure_ids, actor, Disclosure.state == DisclosureState.PUBLISHED)
    institutions = _linked(Institution, data.institution_ids, actor)
    before = _state(case) if case is not None else None
    target = case or TypicalCase(drafter_id=actor.id, state=A.DRAFT, created_at=now)
    for name in TEXT_FIELDS:
        setattr(target, name, getattr(data, name).strip())
    target.case_date, target.updated_at = data.case_date, now
    target.body_html = richtext.render(data.body_source)
    target.body_en_html = richtext.render(data.body_en_source) if data.title_en.strip() else ""
    target.disclosures, target.institutions = disclosures, institutions
    db.session.add(target)
    db.session.flush()
    audit.record(f"user:{actor.id}", "typical_case.edited" if before else "typical_case.drafted", "typical_case",
                 target.id, at=now, before=before, after=_state(target))
    return target


# ---- Steps -------------------------------------------------------------------------------------

def submit(case: TypicalCase, actor: User, now: dt.datetime | None = None) -> None:
    """Send a draft (or a returned one) for review."""
    reviewing.submit(STEPS, case, actor, now)


def review(case: TypicalCase, reviewer: User, approve: bool, comment: str = "",
           now: dt.datetime | None = None) -> None:
    """Approve (it is published now) or return to the drafter with comments; by a reviewer of
    the jurisdiction who did not draft it."""
    reviewing.review(STEPS, case, reviewer, approve, comment, now)


def withdraw(case: TypicalCase, actor: User, reason: str, now: dt.datetime | None = None) -> None:
    """Withdraw a published article; its page then shows the reason instead of the text."""
    reviewing.withdraw(STEPS, case, actor, reason, now)


# ---- Published cases beside other records -------------------------------------------------------

def _published_linked(table, column, record_id: int) -> list[TypicalCase]:
    if not 1 <= record_id <= MAX_ID:
        return []
    linked = select(table.c.typical_case_id).where(column == record_id)
    return list(db.session.scalars(
        select(TypicalCase).where(TypicalCase.id.in_(linked), TypicalCase.state == A.PUBLISHED)
        .options(selectinload(TypicalCase.region))
        .order_by(TypicalCase.case_date.desc(), TypicalCase.id.desc())))


def published_for_institution(institution_id: int) -> list[TypicalCase]:
    """The published typical cases that name this institution, newest case first."""
    return _published_linked(typical_case_institutions, typical_case_institutions.c.institution_id,
                             institution_id)


def published_for_disclosure(disclosure_id: int) -> list[TypicalCase]:
    """The published typical cases that cite this penalty decision, newest case first."""
    return _published_linked(typical_case_disclosures, typical_case_disclosures.c.disclosure_id, disclosure_id)

"""The enforcement track of a report of a violation (举报), on the workflow engine.

A handler records a complaint case as a report of a violation (the lead); a certified officer
decides to open an enforcement case (立案, numbered by the office's sequence for the year) or not
(不予立案, with the reason the reporter reads), on a stated day (行政处罚法 art. 54). A named
reporter is told which within 5 working days of that day (SAMR 投诉举报处理暂行办法 art. 31): staff
record the day and how. An opened case is decided within 90 days (行政处罚法 art. 60): staff link
its published penalty decision (the disclosure: same jurisdiction, same institution, decided on or
after 立案), or a certified officer closes it without a penalty, with the reason. Every step is
audited by the engine (`enforcement.<step>`); the clocks are `clocks.py`.
"""
from __future__ import annotations

import datetime as dt
from operator import attrgetter

from sqlalchemy import and_, or_, select

from portal import clock
from portal.accounts.models import Role, User
from portal.casework import mail as case_mail
from portal.casework import service as casework
from portal.casework.models import Complaint, Status
from portal.disclosures.models import Disclosure, DisclosureState
from portal.enforcement import numbering
from portal.enforcement.models import EnforcementCase, EnforcementState, ToldHow
from portal.errors import Invalid
from portal.extensions import db
from portal.institutions.models import Institution
from portal.regions import service as regions
from portal.workflow import Recused, StepNotAllowed, Workflow, step, vetoed

E = EnforcementState
# A report is taken on the track while the complaint is being handled here.
LEAD_FROM = (Status.REGISTERED, Status.ACCEPTED, Status.IN_PROGRESS)
DECIDED = (E.OPENED, E.NOT_OPENED, E.PENALTY, E.CLOSED)
REASON_MAX = 2000


class LeadNotOpen(StepNotAllowed):
    """The case cannot be taken as a report of a violation now: not being handled here, or it is already."""


class DayOutOfRange(Invalid):
    """A day given for a decision or a notice lies before what it follows, or in the future
    (args[0] names the field, `earliest` the first day allowed)."""

    def __init__(self, field: str, earliest: dt.date) -> None:
        super().__init__(field)
        self.earliest = earliest


class NothingToTell(StepNotAllowed):
    """The reporter is anonymous (nobody to tell but the tracking page), or was told already."""


class NotLinkable(Invalid):
    """Not a published decision of the jurisdiction about the reported institution, decided on or
    after 立案 and linked to no other case."""


FLOW = Workflow("enforcement_case", "enforcement", [
    step("record", {E.LEAD}, None, {Role.HANDLER}),  # checked before the record exists
    step("open", {E.LEAD}, E.OPENED, {Role.HANDLER}, certificate=True),
    step("decline", {E.LEAD}, E.NOT_OPENED, {Role.HANDLER}, certificate=True, reason=True),
    step("tell", DECIDED, None, {Role.HANDLER, Role.ADMIN}),
    step("link", {E.OPENED}, E.PENALTY, {Role.HANDLER}),
    step("close", {E.OPENED}, E.CLOSED, {Role.HANDLER}, certificate=True, reason=True),
], region=attrgetter("office_code"))


def for_complaint(complaint: Complaint, *, for_update: bool = False) -> EnforcementCase | None:
    """The case's record on the enforcement track, if it has one (locked for a step)."""
    query = select(EnforcementCase).where(EnforcementCase.complaint_id == complaint.id)
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    return db.session.scalar(query)


def _check_record(user: User, complaint: Complaint) -> None:
    FLOW.check(user, None, "record", complaint.handling_region_code)
    if vetoed(user, "complaint", complaint):
        raise Recused("record")


def may_record(complaint: Complaint, user: User) -> bool:
    """Whether the person may take this case as a report of a violation now."""
    if complaint.status not in LEAD_FROM or for_complaint(complaint) is not None:
        return False
    try:
        _check_record(user, complaint)
    except StepNotAllowed:
        return False
    return True


def record_lead(complaint: Complaint, actor: User, now: dt.datetime | None = None) -> EnforcementCase:
    """Take the case as a report of a violation: opening a case (立案) is to be decided."""
    now = now or clock.now()
    _check_record(actor, complaint)
    if complaint.status not in LEAD_FROM or for_complaint(complaint) is not None:
        raise LeadNotOpen("record")
    found = EnforcementCase(complaint_id=complaint.id, region_code=complaint.region_code,
                            office_code=complaint.handling_region_code, named_reporter=not complaint.anonymous,
                            recorded_by_id=actor.id, state=E.LEAD, created_at=now)
    db.session.add(found)
    db.session.flush()
    FLOW.take(found, "record", actor, change=lambda _moment: {"complaint": complaint.id}, now=now)
    return found


def allowed_steps(record: EnforcementCase, user: User) -> list[str]:
    """The steps the record's state and the person allow now (for the page's forms)."""
    steps = FLOW.allowed(user, record)
    if "tell" in steps and (not record.named_reporter or record.told_on is not None):
        steps.remove("tell")
    return steps


def _day_within(field: str, day: dt.date, earliest: dt.date, today: dt.date) -> None:
    if not earliest <= day <= today:
        raise DayOutOfRange(field, earliest)


def decide(record: EnforcementCase, complaint: Complaint, actor: User, open_case: bool, decided_on: dt.date,
           reason: str = "", now: dt.datetime | None = None) -> None:
    """Record the decision on 立案 made on `decided_on` (not before the report arrived, not in the
    future): opened, with the office's next 立案编号; or not, with the reason the reporter reads."""
    now = now or clock.now()
    reason = (reason or "").strip()[:REASON_MAX]

    def change(moment: dt.datetime) -> dict:
        _day_within("decided_on", decided_on, complaint.received_on, clock.local_date(moment))
        record.decided_on, record.decided_by_id = decided_on, actor.id
        record.decided_by_label = casework.actor_label(actor, True)
        if not open_case:
            record.decline_reason = reason
            return {"decided_on": str(decided_on), "complaint": complaint.id}
        record.number = numbering.next_number(record.office_code, decided_on.year)
        return {"decided_on": str(decided_on), "number": record.number, "complaint": complaint.id}

    FLOW.take(record, "open" if open_case else "decline", actor, reason, change=change, now=now)
    case_mail.case_updated(complaint)  # a reporter who asked is told to look, after the commit


def record_told(record: EnforcementCase, actor: User, told_on: dt.date, how: ToldHow,
                now: dt.datetime | None = None) -> None:
    """Record that the named reporter was told whether a case was opened: the day and how."""
    now = now or clock.now()
    if not record.named_reporter or record.told_on is not None:
        raise NothingToTell("tell")

    def change(moment: dt.datetime) -> dict:
        _day_within("told_on", told_on, record.decided_on, clock.local_date(moment))
        record.told_on, record.told_how, record.told_by_id = told_on, how, actor.id
        return {"told_on": str(told_on), "told_how": how.value}

    FLOW.take(record, "tell", actor, change=change, now=now)


def linkable(record: EnforcementCase, complaint: Complaint, user: User) -> list[Disclosure]:
    """Published decisions this opened case may link to: in the office's and the person's
    jurisdiction, decided on or after 立案, linked to no other case, and, when the report names
    a registered institution, about that institution (linked to it or carrying its USCC)."""
    if record.decided_on is None:
        return []
    scopes = [regions.get(code).scope_prefix for code in (record.office_code, user.region_code)]
    taken = select(EnforcementCase.disclosure_id).where(EnforcementCase.disclosure_id.is_not(None),
                                                        EnforcementCase.id != record.id)
    conditions = [Disclosure.state == DisclosureState.PUBLISHED, Disclosure.decision_date >= record.decided_on,
                  *(Disclosure.region_code.startswith(scope) for scope in scopes), Disclosure.id.not_in(taken)]
    institution = db.session.get(Institution, complaint.institution_id) if complaint.institution_id else None
    if institution is not None:
        same = [Disclosure.institution_id == institution.id]
        if institution.uscc:
            same.append(and_(Disclosure.institution_id.is_(None), Disclosure.uscc == institution.uscc))
        conditions.append(or_(*same))
    return list(db.session.scalars(select(Disclosure).where(*conditions)
                                   .order_by(Disclosure.decision_date.desc(), Disclosure.id.desc()).limit(50)))


def link(record: EnforcementCase, complaint: Complaint, actor: User, disclosure_id: int,
         now: dt.datetime | None = None) -> Disclosure:
    """Link the opened case to its published penalty decision; the decision clock stops on its date."""
    def change(moment: dt.datetime) -> dict:
        found = next((d for d in linkable(record, complaint, actor) if d.id == disclosure_id), None)
        if found is None:
            raise NotLinkable(disclosure_id)
        record.disclosure_id, record.linked_at, record.penalty_on = found.id, moment, found.decision_date
        chosen.append(found)
        return {"disclosure": found.id, "decision_number": found.decision_number}

    chosen: list[Disclosure] = []
    FLOW.take(record, "link", actor, change=change, now=now)
    case_mail.case_updated(complaint)
    return chosen[0]


def close(record: EnforcementCase, complaint: Complaint, actor: User, reason: str,
          now: dt.datetime | None = None) -> None:
    """Close an opened case without a penalty decision (不予行政处罚, 撤销立案, 移送), with the reason
    the reporter reads; the decision clock stops today."""
    reason = (reason or "").strip()[:REASON_MAX]

    def change(moment: dt.datetime) -> dict:
        record.closed_on, record.close_reason = clock.local_date(moment), reason
        return {"closed_on": str(record.closed_on)}

    FLOW.take(record, "close", actor, reason, change=change, now=now)
    case_mail.case_updated(complaint)

"""Casework: what staff may do to a case in each state, and what each step records.

The allowed steps are one table (`TRANSITIONS`), taken through the shared engine (`portal.workflow`):
`apply` is the only way staff change a case's state. Casework's own rules go through the engine's
hooks: `_guard`, each step's `effect` (deadlines, the reply, the destination) and `timeline_entry`, the
timeline entry naming who decided (with their enforcement certificate number for formal decisions).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from portal import clock
from portal.accounts import service as accounts
from portal.accounts.models import CERTIFIED_ROLES, Role, User
from portal.case_tracks import final_result, held
from portal.casework import deadlines
from portal.casework import mail as notifications
from portal.casework.models import Complaint, ComplaintEvent, EventKind, ReviewStage, Source, Status
from portal.extensions import db
from portal.regions import service as regions
from portal.workflow import Moved, ReasonRequired, Step, StepNotAllowed, Workflow

S = Status


@dataclass(frozen=True)
class Details:
    """What some steps need besides their text."""

    destination: str = ""
    assignee: User | None = None
    duplicate_of: Complaint | None = None


@dataclass(frozen=True, kw_only=True)
class CaseStep(Step):
    """A casework step: the engine's fields, its timeline entry's kind and audience, and its effect."""

    event: EventKind
    public: bool = True  # the reporter sees the entry
    superior: bool = False  # only from a jurisdiction wider than the case's
    audit_reason: bool = False  # the written words are audited only for formal decisions and extensions
    # What the step changes besides the state (it may refuse the step); returns the audit record's fields.
    effect: Callable[[Complaint, User, dt.datetime, Details], dict] | None = None


def case_step(name: str, event: EventKind, from_states: Iterable[Status], to_state: Status | None, *,
              roles: Iterable[Role] = (Role.HANDLER,), **rules: Any) -> CaseStep:
    """A `CaseStep` (`to_state` None: the case stays in its state), taken by handlers unless `roles` says."""
    return CaseStep(name, frozenset(from_states), to_state, frozenset(roles), event=event, **rules)


class ArchiveTooEarly(StepNotAllowed):
    """A concluded case is archived only once the reporter can no longer ask for a review
    (信访工作条例 art. 35), whatever their rating: archiving earlier would take the right away."""

    def __init__(self, until: dt.date) -> None:
        super().__init__("archive")
        self.until = until  # the last day the reporter may still ask for a review


class ReturnTooLate(StepNotAllowed):
    """The time to return a case with an objection (rule `misrouted_objection`, art. 23) has ended."""

    def __init__(self, until: dt.date) -> None:
        super().__init__("return")
        self.until = until  # the last day it could have been returned


class ReplyNotReceived(StepNotAllowed):
    """A concluded case waits until its written reply has reached the reporter (送达): the time to
    ask for a review has not started yet (信访工作条例 art. 35)."""


def _accept(complaint: Complaint, actor: User, now: dt.datetime, details: Details) -> dict:
    due = deadlines.add_period(clock.local_date(now), deadlines.conclusion_rule(complaint.region_code, now))
    complaint.conclusion_due, complaint.due_provisional = due.day, due.provisional
    return {}


def _transfer(complaint: Complaint, actor: User, now: dt.datetime, details: Details) -> dict:
    if not details.destination.strip():
        raise ReasonRequired("destination")
    complaint.transferred_to = details.destination.strip()[:200]
    return {"to": complaint.transferred_to}


def _assign(complaint: Complaint, actor: User, now: dt.datetime, details: Details) -> dict:
    assignee = details.assignee
    if assignee is None or not (assignee.active and assignee.role is Role.HANDLER
                                and accounts.covers(assignee, complaint.handling_region_code)):
        raise StepNotAllowed("assign")
    complaint.assignee_id = assignee.id
    # The audit shows an assignment across levels: a handler of an office above taking the case.
    return {"assignee": assignee.id, "assignee_office": assignee.region_code,
            "case_office": complaint.handling_region_code}


def _link(complaint: Complaint, actor: User, now: dt.datetime, details: Details) -> dict:
    earlier = details.duplicate_of
    if (earlier is None or earlier.id == complaint.id or earlier.duplicate_of_id
            or not accounts.covers(actor, earlier.region_code)):
        raise StepNotAllowed("link")
    complaint.duplicate_of_id = earlier.id
    return {"duplicate_of": earlier.case_number}


def _reply(complaint: Complaint, actor: User, now: dt.datetime, details: Details) -> dict:
    complaint.replied_at, complaint.rating = now, None  # the reporter rates the new reply
    complaint.reply_received_on = complaint.reply_received_how = None  # the new reply is not received yet
    return {}


def objection_due(complaint: Complaint) -> deadlines.Due | None:
    """For a case transferred in (12345, another office): the last day to return it with an
    objection, 5 working days after receipt by default (信访工作条例 art. 23), under the rule in force
    when the case was registered; None for any other case."""
    if complaint.source not in TRANSFERRED_IN:
        return None
    rule = deadlines.rule("misrouted_objection", complaint.region_code, complaint.created_at)
    return deadlines.add_period(complaint.received_on, rule)


def _return(complaint: Complaint, actor: User, now: dt.datetime, details: Details) -> dict:
    due = objection_due(complaint)
    if due is None:
        raise StepNotAllowed("return")
    if clock.local_date(now) > due.day:
        raise ReturnTooLate(due.day)
    return {"objection_due": str(due.day)}


def _archive(complaint: Complaint, actor: User, now: dt.datetime, details: Details) -> dict:
    if reply_awaited(complaint):
        raise ReplyNotReceived("archive")
    if until := archive_held_until(complaint, clock.local_date(now)):
        raise ArchiveTooEarly(until)
    return {}


OPEN = frozenset({S.REGISTERED, S.ACCEPTED, S.IN_PROGRESS})
CLOSED = frozenset({S.CONCLUDED, S.NOT_ACCEPTED, S.TRANSFERRED, S.RETURNED, S.REFERRED})
TRANSFERRED_IN = (Source.HOTLINE_12345, Source.OTHER_OFFICE)
HANDLING = OPEN | {S.UNDER_REVIEW}
MANAGERS = (Role.HANDLER, Role.ADMIN)
# A formal decision: only certified staff, named on the timeline with their number, the reason audited.
FORMAL = {"certificate": True, "audit_reason": True}
TRANSITIONS: dict[str, CaseStep] = {found.name: found for found in [
    case_step("accept", EventKind.ACCEPTED, {S.REGISTERED}, S.ACCEPTED, effect=_accept, **FORMAL),
    case_step("not_accept", EventKind.NOT_ACCEPTED, {S.REGISTERED}, S.NOT_ACCEPTED, reason=True, **FORMAL),
    case_step("transfer", EventKind.TRANSFERRED, {S.REGISTERED, S.ACCEPTED}, S.TRANSFERRED, reason=True,
              effect=_transfer, **FORMAL),
    # 移送: an enforcement matter or a suspected crime handed to the authority (police, copy to the procuratorate).
    case_step("refer", EventKind.REFERRED, OPEN, S.REFERRED, reason=True, effect=_transfer, **FORMAL),
    # A case sent here by mistake goes back with the objection (退回), within 5 working days of receipt.
    case_step("return", EventKind.RETURNED, {S.REGISTERED}, S.RETURNED, reason=True, effect=_return, **FORMAL),
    case_step("start", EventKind.IN_PROGRESS, {S.ACCEPTED}, S.IN_PROGRESS),
    case_step("supervise", EventKind.SUPERVISION, OPEN, None, roles=MANAGERS, public=False, reason=True,
              superior=True),
    case_step("assign", EventKind.ASSIGNED, HANDLING, None, roles=MANAGERS, public=False, effect=_assign),
    case_step("link", EventKind.LINKED, OPEN, None, public=False, effect=_link),
    case_step("message", EventKind.MESSAGE_TO_REPORTER, HANDLING | {S.CONCLUDED}, None, reason=True),
    case_step("note", EventKind.NOTE, HANDLING | CLOSED, None, public=False, reason=True),
    case_step("conclude", EventKind.CONCLUDED, {S.ACCEPTED, S.IN_PROGRESS}, S.CONCLUDED, reason=True,
              effect=_reply, **FORMAL),
    # A review (复查) or re-review (复核) is decided by the office above with a new written reply.
    case_step("decide_review", EventKind.REVIEW_DECIDED, {S.UNDER_REVIEW}, S.CONCLUDED,
              roles=(Role.HANDLER, Role.REVIEWER), reason=True, effect=_reply, **FORMAL),
    case_step("archive", EventKind.ARCHIVED, CLOSED, S.ARCHIVED, effect=_archive),
]}
# A reporter may ask the level above to look again once (复查, 信访工作条例 art. 35), and the level
# above that once more (复核, art. 36); after a 复核 the case is final.
NEXT_STAGE = {ReviewStage.NONE: ReviewStage.REVIEW, ReviewStage.REVIEW: ReviewStage.RE_REVIEW}
# From the stage a case is at: the names of the limits to ask for the next review and to decide it.
REVIEW_RULES = {ReviewStage.NONE: ("review_request", "review_decision"),
                ReviewStage.REVIEW: ("re_review_request", "re_review_decision")}


def actor_label(actor: User, formal: bool) -> str:
    """How the timeline names the person: with their certificate number for formal decisions."""
    return f"{actor.display_name}（{actor.certificate_number}）" if formal and actor.certificate_number \
        else actor.display_name


def _guard(actor: User, complaint: Complaint, step: CaseStep) -> bool:
    """Casework's conditions the engine has no field for: a formal decision by a certified role,
    a supervision order only from a jurisdiction wider than the handling office's. (Extensions need the
    head of the office's approval: `portal.deadline_extensions`.)"""
    return ((not step.certificate or actor.role in CERTIFIED_ROLES)
            and not (step.superior and actor.region_code == complaint.handling_region_code))


def timeline_entry(complaint: Complaint, moved: Moved, actor: User) -> ComplaintEvent:
    """The step's timeline entry, naming who took it (the `history` of every complaint workflow)."""
    step = moved.step
    kind = step.event
    if kind is EventKind.REVIEW_DECIDED and complaint.review_stage is ReviewStage.RE_REVIEW:
        kind = EventKind.RE_REVIEW_DECIDED  # named by its stage: the 复核意见, final (art. 36)
    event = ComplaintEvent(complaint_id=complaint.id, kind=kind, public=step.public, body=moved.reason,
                           actor_id=actor.id, actor_label=actor_label(actor, step.certificate), created_at=moved.at)
    db.session.add(event)
    return event


FLOW = Workflow("complaint", "complaint", TRANSITIONS.values(), state="status",
                region=attrgetter("handling_region_code"), guard=_guard, history=timeline_entry)


def allowed_steps(complaint: Complaint, actor: User, today: dt.date | None = None) -> list[str]:
    """The steps the case's state and the person's role allow now (for the case page's buttons)."""
    today = today or clock.today()
    return [name for name in FLOW.allowed(actor, complaint)
            if not (name == "archive" and (archive_held_until(complaint, today) or reply_awaited(complaint)))
            and not (name == "return" and not ((due := objection_due(complaint)) and today <= due.day))
            and held(complaint, name, today) is None]


def apply(complaint: Complaint, name: str, actor: User, text: str = "", *, destination: str = "",
          assignee: User | None = None, duplicate_of: Complaint | None = None,
          now: dt.datetime | None = None) -> ComplaintEvent:
    """Take one step on a case, or raise with nothing changed; the only place staff change a case's state."""
    details = Details(destination, assignee, duplicate_of)
    if held(complaint, name, clock.local_date(now or clock.now())) is not None:
        raise StepNotAllowed(name)  # another track holds it (`held` says why)
    before = {"status": complaint.status.value, "conclusion_due": str(complaint.conclusion_due or "")}

    def change(moment: dt.datetime) -> dict:  # the step's effect and the deadline its state brings
        step = TRANSITIONS[name]
        extras = step.effect(complaint, actor, moment, details) if step.effect else {}
        complaint.next_due = current_due(complaint, step.to_state or complaint.status)
        return {"conclusion_due": str(complaint.conclusion_due or ""), **extras}

    moved = FLOW.take(complaint, name, actor, text, change=change, before=before, now=now)
    if moved.step.public:
        notifications.case_updated(complaint)  # sent after the commit, if the reporter asked
    return moved.entry


def current_due(complaint: Complaint, status: Status | None = None) -> dt.date | None:
    """The deadline the responsible office works to in the case's state (or in `status`), if any."""
    status = status or complaint.status
    if status is S.REGISTERED:
        return complaint.acceptance_due
    if status in (S.ACCEPTED, S.IN_PROGRESS):
        return complaint.conclusion_due
    if status is S.UNDER_REVIEW:
        return complaint.review_decision_due
    return None


def may_open_review(complaint: Complaint) -> bool:
    """Whether the case may still go up a level (a review, then one re-review): never after a
    written result final on its track (`portal.case_tracks`: the mediation track's)."""
    return complaint.status is S.CONCLUDED and complaint.review_stage in NEXT_STAGE and not final_result(complaint)


def next_review_stage(complaint: Complaint) -> ReviewStage | None:
    """The stage a request would open now: 复查 after the first reply, 复核 after a 复查; None after a 复核."""
    return NEXT_STAGE.get(complaint.review_stage)


def review_request_due(complaint: Complaint) -> deadlines.Due | None:
    """The last day the reporter may ask for the next review (复查, art. 35; 复核, art. 36), counted
    from the day the latest written reply reached them (送达); None until it has."""
    if complaint.reply_received_on is None or complaint.review_stage not in REVIEW_RULES:
        return None
    rule = deadlines.rule(REVIEW_RULES[complaint.review_stage][0], complaint.region_code, complaint.replied_at)
    return deadlines.add_period(complaint.reply_received_on, rule)


def reply_awaited(complaint: Complaint) -> bool:
    """Whether a concluded case that may still go up a level waits for its reply to reach the reporter."""
    return may_open_review(complaint) and complaint.replied_at is not None and complaint.reply_received_on is None


def archive_held_until(complaint: Complaint, today: dt.date) -> dt.date | None:
    """While a concluded case must stay open for the reporter's review, the last day they may ask
    for one; None once it may be archived: the time to ask has passed, or it is final after a
    re-review. The rating is a measure, never a gate (art. 35): a 满意 changes nothing here."""
    if not may_open_review(complaint):
        return None
    due = review_request_due(complaint)
    return due.day if due is not None and today <= due.day else None


# Features told when a reporter's request opens a review (outside the workflow's steps): the 12345 hotline.
_review_listeners: list = []


def add_review_listener(listener) -> None:
    """`listener(complaint, now)` runs in the transaction that opens the review."""
    if listener not in _review_listeners:
        _review_listeners.append(listener)


def open_review(complaint: Complaint, now: dt.datetime) -> None:
    """Send the case to the office above the one that replied, with its own deadline."""
    if not may_open_review(complaint):
        raise StepNotAllowed("review")
    office = regions.get(complaint.handling_region_code)
    decision_rule = deadlines.rule(REVIEW_RULES[complaint.review_stage][1], complaint.region_code, now)
    complaint.handling_region_code = office.parent_code or office.code
    complaint.review_stage = NEXT_STAGE[complaint.review_stage]
    complaint.status = S.UNDER_REVIEW
    complaint.assignee_id = None
    due = deadlines.add_period(clock.local_date(now), decision_rule)
    complaint.review_decision_due, complaint.next_due = due.day, due.day
    complaint.due_provisional = due.provisional
    notifications.review_opened(complaint)  # the office above's handlers, after the commit
    for listener in _review_listeners:
        listener(complaint, now)

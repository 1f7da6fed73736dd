"""Casework: what staff may do to a case in each state, and what each step records.

The allowed steps are one table (`TRANSITIONS`); `apply` is the only way a case changes state.
Every step writes a timeline entry naming who decided (with their enforcement certificate
number for formal decisions) and an audit record.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from portal import clock
from portal.accounts import service as accounts
from portal.accounts.models import CERTIFIED_ROLES, Role, User
from portal.casework import deadlines
from portal.casework import mail as notifications
from portal.casework.exceptions import ReasonRequired, StepNotAllowed
from portal.casework.models import Complaint, ComplaintEvent, EventKind, Rating, ReviewStage, Status
from portal.extensions import db
from portal.regions import service as regions
from portal.security import audit

S = Status


@dataclass(frozen=True)
class Step:
    """One step staff can take: from which states, to which state, and what it needs."""

    event: EventKind
    from_states: frozenset[Status]
    to_state: Status | None  # None: the case stays in its state (an extension, a note)
    public: bool = True
    needs_text: bool = False  # a reason, a reply or a message
    formal: bool = False  # a formal decision: only certified staff, named with their number
    roles: frozenset[Role] = frozenset({Role.HANDLER})
    superior: bool = False  # only from a jurisdiction wider than the case's


OPEN = frozenset({S.REGISTERED, S.ACCEPTED, S.IN_PROGRESS})
CLOSED = frozenset({S.CONCLUDED, S.NOT_ACCEPTED, S.TRANSFERRED})
HANDLING = OPEN | {S.UNDER_REVIEW}
TRANSITIONS: dict[str, Step] = {
    "accept": Step(EventKind.ACCEPTED, frozenset({S.REGISTERED}), S.ACCEPTED, formal=True),
    "not_accept": Step(EventKind.NOT_ACCEPTED, frozenset({S.REGISTERED}), S.NOT_ACCEPTED,
                       needs_text=True, formal=True),
    "transfer": Step(EventKind.TRANSFERRED, frozenset({S.REGISTERED, S.ACCEPTED}), S.TRANSFERRED,
                     needs_text=True, formal=True),
    "start": Step(EventKind.IN_PROGRESS, frozenset({S.ACCEPTED}), S.IN_PROGRESS),
    "extend": Step(EventKind.EXTENDED, frozenset({S.ACCEPTED, S.IN_PROGRESS}), None, needs_text=True),
    "supervise": Step(EventKind.SUPERVISION, OPEN, None, public=False, needs_text=True,
                      roles=frozenset({Role.HANDLER, Role.ADMIN}), superior=True),
    "assign": Step(EventKind.ASSIGNED, HANDLING, None, public=False,
                   roles=frozenset({Role.HANDLER, Role.ADMIN})),
    "link": Step(EventKind.LINKED, OPEN, None, public=False),
    "message": Step(EventKind.MESSAGE_TO_REPORTER, HANDLING | {S.CONCLUDED}, None, needs_text=True),
    "note": Step(EventKind.NOTE, HANDLING | CLOSED, None, public=False, needs_text=True),
    "conclude": Step(EventKind.CONCLUDED, frozenset({S.ACCEPTED, S.IN_PROGRESS}), S.CONCLUDED,
                     needs_text=True, formal=True),
    # A review (复查) or re-review (复核) is decided by the office above with a new written reply.
    "decide_review": Step(EventKind.REVIEW_DECIDED, frozenset({S.UNDER_REVIEW}), S.CONCLUDED,
                          needs_text=True, formal=True, roles=frozenset({Role.HANDLER, Role.REVIEWER})),
    "archive": Step(EventKind.ARCHIVED, CLOSED, S.ARCHIVED),
}
# A reporter may ask the level above to look again once, and the level above that once more;
# after a re-review the case is final (信访工作条例 art. 35).
NEXT_STAGE = {ReviewStage.NONE: ReviewStage.REVIEW, ReviewStage.REVIEW: ReviewStage.RE_REVIEW}


class ArchiveTooEarly(StepNotAllowed):
    """A concluded case is archived only once the reporter can no longer rate it or ask for a
    review: archiving earlier would take both away from them."""

    def __init__(self, until: dt.date) -> None:
        super().__init__("archive")
        self.until = until  # the last day the reporter may still ask for a review


def allowed_steps(complaint: Complaint, actor: User, today: dt.date | None = None) -> list[str]:
    """The steps the case's state and the person's role allow now (for the case page's buttons)."""
    today = today or clock.today()
    return [name for name, step in TRANSITIONS.items()
            if complaint.status in step.from_states and _may(actor, step, complaint)
            and not (name == "extend" and complaint.extended)
            and not (name == "archive" and archive_held_until(complaint, today))]


def _may(actor: User, step: Step, complaint: Complaint) -> bool:
    """Active, of a role the step allows, certified for formal decisions, and in jurisdiction."""
    if not actor.active or actor.role not in step.roles:
        return False
    if step.formal and not (actor.role in CERTIFIED_ROLES and actor.certificate_number):
        return False
    if not accounts.covers(actor, complaint.handling_region_code):
        return False
    return not step.superior or actor.region_code != complaint.handling_region_code


def actor_label(actor: User, formal: bool) -> str:
    """How the timeline names the person: with their certificate number for formal decisions."""
    return f"{actor.display_name}（{actor.certificate_number}）" if formal and actor.certificate_number \
        else actor.display_name


def apply(complaint: Complaint, name: str, actor: User, text: str = "", *, extension_days: int = 0,
          destination: str = "", assignee: User | None = None, duplicate_of: Complaint | None = None,
          now: dt.datetime | None = None) -> ComplaintEvent:
    """Take one step on a case, or raise; the only place a case's state changes."""
    step = TRANSITIONS.get(name)
    if step is None or complaint.status not in step.from_states or not _may(actor, step, complaint):
        raise StepNotAllowed(name)
    now = now or clock.now()
    if name == "archive" and (until := archive_held_until(complaint, clock.local_date(now))):
        raise ArchiveTooEarly(until)
    if step.needs_text and not text.strip():
        raise ReasonRequired(name)
    before = {"status": complaint.status.value, "conclusion_due": str(complaint.conclusion_due or "")}
    _effects(complaint, name, actor, now, extension_days, destination, assignee, duplicate_of)
    if step.to_state is not None:
        complaint.status = step.to_state
    complaint.next_due = current_due(complaint)
    event = ComplaintEvent(complaint_id=complaint.id, kind=step.event, public=step.public, body=text,
                           actor_id=actor.id, actor_label=actor_label(actor, step.formal), created_at=now)
    db.session.add(event)
    db.session.flush()
    after = {"status": complaint.status.value, "conclusion_due": str(complaint.conclusion_due or "")}
    if name == "extend":
        after["days"] = extension_days
    if name == "transfer":
        after["to"] = complaint.transferred_to
    if name == "assign":
        after["assignee"] = complaint.assignee_id
    if name == "link":
        after["duplicate_of"] = duplicate_of.case_number
    audit.record(f"user:{actor.id}", f"complaint.{name}", "complaint", complaint.id, at=now,
                 before=before, after=after, reason=text if step.formal or name == "extend" else "")
    if step.public:
        notifications.case_updated(complaint)  # sent after the commit, if the reporter asked
    return event


def _effects(complaint: Complaint, name: str, actor: User, now: dt.datetime, extension_days: int,
             destination: str, assignee: User | None, duplicate_of: Complaint | None) -> None:
    """What a step changes besides the state: deadlines, the reply time, the destination."""
    if name == "assign":
        if assignee is None or not (assignee.active and assignee.role is Role.HANDLER
                                    and accounts.covers(assignee, complaint.handling_region_code)):
            raise StepNotAllowed("assign")
        complaint.assignee_id = assignee.id
    elif name == "link":
        if (duplicate_of is None or duplicate_of.id == complaint.id or duplicate_of.duplicate_of_id
                or not accounts.covers(actor, duplicate_of.region_code)):
            raise StepNotAllowed("link")
        complaint.duplicate_of_id = duplicate_of.id
    elif name == "decide_review":
        complaint.replied_at = now
        complaint.rating = None  # the reporter rates the new reply
    elif name == "accept":
        due = deadlines.add_period(clock.local_date(now), deadlines.RULES["conclusion"])
        complaint.conclusion_due, complaint.due_provisional = due.day, due.provisional
    elif name == "extend":
        limit = deadlines.RULES["extension_max"].days
        if complaint.extended or not 1 <= extension_days <= limit or complaint.conclusion_due is None:
            raise StepNotAllowed("extend")
        # The extension adds to the legal period (from acceptance), not to a day already moved
        # past a holiday; the end of the longer period is then moved off a day off again.
        conclusion = deadlines.RULES["conclusion"]
        longer = deadlines.Rule(conclusion.days + extension_days, conclusion.unit, "extension")
        due = deadlines.add_period(_accepted_on(complaint, now), longer)
        complaint.conclusion_due, complaint.extended = due.day, True
        complaint.due_provisional = complaint.due_provisional or due.provisional
    elif name == "transfer":
        if not destination.strip():
            raise ReasonRequired("destination")
        complaint.transferred_to = destination.strip()[:200]
    elif name == "conclude":
        complaint.replied_at = now


def _accepted_on(complaint: Complaint, fallback: dt.datetime) -> dt.date:
    """The local day the case was accepted (the conclusion period runs from it)."""
    accepted = db.session.scalar(select(ComplaintEvent.created_at).where(
        ComplaintEvent.complaint_id == complaint.id, ComplaintEvent.kind == EventKind.ACCEPTED)
        .order_by(ComplaintEvent.id.desc()).limit(1))
    return clock.local_date(accepted or fallback)


def current_due(complaint: Complaint) -> dt.date | None:
    """The deadline the responsible office works to in the case's state, if any."""
    if complaint.status is S.REGISTERED:
        return complaint.acceptance_due
    if complaint.status in (S.ACCEPTED, S.IN_PROGRESS):
        return complaint.conclusion_due
    if complaint.status is S.UNDER_REVIEW:
        return complaint.review_decision_due
    return None


def may_open_review(complaint: Complaint) -> bool:
    """Whether the case may still go up a level (a review, then one re-review)."""
    return complaint.status is S.CONCLUDED and complaint.review_stage in NEXT_STAGE


def review_request_due(complaint: Complaint) -> deadlines.Due | None:
    """The last day the reporter may ask for a review, counted from the latest written reply."""
    if complaint.replied_at is None:
        return None
    return deadlines.add_period(clock.local_date(complaint.replied_at), deadlines.RULES["review_request"])


def archive_held_until(complaint: Complaint, today: dt.date) -> dt.date | None:
    """While a concluded case must stay open for the reporter's rating and review, the last day
    they may ask for one; None once it may be archived: rated satisfied or basically satisfied,
    the time to ask has passed, or it is final after a re-review."""
    if not may_open_review(complaint) or complaint.rating in (Rating.SATISFIED, Rating.BASICALLY_SATISFIED):
        return None
    due = review_request_due(complaint)
    return due.day if due is not None and today <= due.day else None


def open_review(complaint: Complaint, now: dt.datetime) -> None:
    """Send the case to the office above the one that replied, with its own deadline."""
    if not may_open_review(complaint):
        raise StepNotAllowed("review")
    office = regions.get(complaint.handling_region_code)
    complaint.handling_region_code = office.parent_code or office.code
    complaint.review_stage = NEXT_STAGE[complaint.review_stage]
    complaint.status = S.UNDER_REVIEW
    complaint.assignee_id = None
    due = deadlines.add_period(clock.local_date(now), deadlines.RULES["review_decision"])
    complaint.review_decision_due, complaint.next_due = due.day, due.day
    complaint.due_provisional = due.provisional
    notifications.review_opened(complaint)  # the office above's handlers, after the commit

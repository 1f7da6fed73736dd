"""The complaint's own states while its dispute is on the mediation track (市场监督管理投诉举报处理
暂行办法 arts. 16–22), so the tracking page, the inbox and the statistics tell the same story:

- Deciding to take the dispute for mediation is the complaint's acceptance (受理, art. 16's decision
  within 7 working days): registered → accepted, the conclusion due when the mediation limit ends
  (the rule `mediation_conclusion`, from the day it was taken). Until that decision the ordinary
  acceptance waits; declining leaves the complaint registered, accepted or not on the ordinary track.
- While mediation is under way, the complaint is concluded only by mediation's end: the agreement
  or the failure, whose written result (调解结果告知书 / 终止调解告知书) is the reply. No review (复查,
  复核) follows it: a mediation result is not a 信访 handling opinion, and the routes it names instead
  are arbitration, the courts and 12315. The parent rates it on the mediation part of the page.
- An agreement the parent says was not kept brings the complaint back in progress, with a new
  mediation period from that day (`MediationCase.reopened_on`).
- A concluded dispute whose agreement awaits the parent's word on the money is archived once the
  word is in, or WORD_AWAITED_DAYS after the pay-by day (the office cannot wait for ever).
"""
from __future__ import annotations

import datetime as dt
from operator import attrgetter

from flask_babel import force_locale
from sqlalchemy import select

from portal import clock
from portal.accounts.models import Role, User
from portal.casework import mail as case_mail
from portal.casework.models import Complaint, ComplaintEvent, EventKind, Status
from portal.casework.service import CaseStep, timeline_entry
from portal.extensions import db
from portal.i18n import _, _l
from portal.intake import filing
from portal.mediation import clocks
from portal.mediation.models import MediationCase, MediationState
from portal.security import audit
from portal.workflow import Moved, Workflow, announce

M = MediationState
WORD_AWAITED_DAYS = 30  # after the pay-by day, the parent's word on the money is no longer awaited
FINAL = (M.AGREED, M.FAILED, M.KEPT)



FLOW = Workflow("complaint", "complaint", [
    CaseStep("mediate", frozenset({Status.REGISTERED}), Status.ACCEPTED, frozenset({Role.HANDLER}),
             event=EventKind.MEDIATION_TAKEN),
    CaseStep("mediation_end", frozenset({Status.ACCEPTED, Status.IN_PROGRESS}), Status.CONCLUDED,
             frozenset({Role.HANDLER}), event=EventKind.MEDIATION_ENDED),
    # The parent's word that the money did not arrive (no staff role takes it: `reopen` below).
    CaseStep("mediation_reopen", frozenset({Status.CONCLUDED}), Status.IN_PROGRESS, frozenset(),
             event=EventKind.MEDIATION_REOPENED),
], state="status", region=attrgetter("handling_region_code"), history=timeline_entry)


def _record(complaint: Complaint) -> MediationCase | None:
    return db.session.scalar(select(MediationCase).where(MediationCase.complaint_id == complaint.id))


def accept(complaint: Complaint, record: MediationCase, actor: User, now: dt.datetime | None) -> None:
    """The dispute was taken: the complaint is accepted, due when the mediation limit ends."""
    def change(_moment: dt.datetime) -> dict:
        due = clocks.conclusion_due(record)
        complaint.conclusion_due, complaint.next_due, complaint.due_provisional = due.day, due.day, due.provisional
        return {"conclusion_due": str(due.day), "track": "mediation"}

    FLOW.take(complaint, "mediate", actor, change=change, now=now)


def result_text(record: MediationCase) -> str:
    """The result in the case record's words (Chinese, the office's language, as staff write the
    timeline): the timeline entry the parent reads and the reply a 12345 hotline receives."""
    with force_locale("zh_CN"):
        if record.state is M.AGREED:
            said = _("Mediation ended with an agreement: the institution returns %(amount)s yuan by %(date)s "
                     "(%(how)s).", date=record.pay_by.isoformat(), how=record.paid_how.label,
                     amount=f"{record.amount:,.2f}")
        else:
            said = _("Mediation ended without an agreement: %(why)s.", why=record.end_reason.label)
        return " ".join(part for part in (str(said), record.summary) if part)


def conclude(complaint: Complaint, record: MediationCase, actor: User, now: dt.datetime | None) -> None:
    """Mediation ended (agreed or not): its written result concludes the complaint."""
    if complaint.status not in FLOW["mediation_end"].from_states:
        return  # taken before this module existed and concluded on the ordinary track: nothing to move

    def change(moment: dt.datetime) -> dict:
        complaint.replied_at, complaint.rating, complaint.next_due = moment, None, None
        complaint.reply_received_on = complaint.reply_received_how = None
        return {"track": "mediation"}

    FLOW.take(complaint, "mediation_end", actor, result_text(record), change=change, now=now)


def reopen(complaint: Complaint, record: MediationCase, now: dt.datetime) -> None:
    """The parent said the agreed money did not arrive: the complaint is handled again, with a new
    mediation period from today (the parent's step, so outside the staff workflow, audited as theirs)."""
    before = complaint.status
    today = clock.local_date(now)
    record.reopened_on = today
    if before is Status.CONCLUDED:
        due = clocks.conclusion_due(record)
        complaint.status, complaint.conclusion_due = Status.IN_PROGRESS, due.day
        complaint.next_due, complaint.due_provisional = due.day, due.provisional
        db.session.add(ComplaintEvent(complaint_id=complaint.id, kind=EventKind.MEDIATION_REOPENED, public=True,
                                      body="", created_at=now))
    db.session.flush()
    audit.record(filing.reporter_actor(complaint), "complaint.mediation_reopened", "complaint", complaint.id, at=now,
                 before={"status": before.value}, after={"status": complaint.status.value,
                                                         "conclusion_due": str(complaint.conclusion_due or "")})
    if before is not complaint.status:
        announce("complaint", complaint, Moved(FLOW["mediation_reopen"], before, complaint.status, "", now))
    case_mail.case_updated(complaint)


def rated(complaint: Complaint, record: MediationCase, now: dt.datetime) -> None:
    """The parent's rating of the mediation is the case's rating (one rating, counted by /stats)."""
    complaint.rating = record.rating
    db.session.add(ComplaintEvent(complaint_id=complaint.id, kind=EventKind.RATED, public=True, body="",
                                  created_at=now))


# --- what the mediation track holds on the ordinary track (casework.add_hold, add_final_result) ------

def hold(complaint: Complaint, name: str, today: dt.date) -> str | None:  # a lazy string
    """Why an ordinary step waits for the mediation track, or None."""
    if not complaint.mediation_requested or name not in ("accept", "conclude", "archive"):
        return None
    record = _record(complaint)
    if name == "accept" and (record is None or record.state is M.PENDING):
        return _l("The reporter asked for mediation: decide first, on the case's mediation track, whether to take "
                 "the dispute. Taking it accepts the case; if it is not taken, the case can be accepted here.")
    if name == "conclude" and record is not None and record.open:
        return _l("Mediation is under way: the case is concluded by mediation's end on its mediation track (an "
                 "agreement or the end without one), whose written result is the reply.")
    if name == "archive" and record is not None and record.state is M.AGREED and record.pay_by is not None:
        until = record.pay_by + dt.timedelta(days=WORD_AWAITED_DAYS)
        if today <= until:
            return _l("The parent has not yet said whether the agreed money arrived. The case can be archived "
                     "once they have, or after %(date)s.", date=until.isoformat())
    return None


def final(complaint: Complaint) -> bool:
    """Concluded by the mediation's written result (no review follows it)."""
    if not complaint.mediation_requested or complaint.status not in (Status.CONCLUDED, Status.ARCHIVED):
        return False
    record = _record(complaint)
    return record is not None and record.state in FINAL

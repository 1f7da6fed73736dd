"""What each counted record contributes to the statistics now: its county and its facts.

A fact is (figure, month, bucket): the record is counted in that figure of its county in that
month (a month "YYYY-MM" in the portal's timezone), in that bucket (a complaint's category, a
rating, a number of days; "" for none). The definitions are those of `portal.stats.queries`:

- a complaint: `received` in the month of its date received (bucket: its category); a step
  (accepted, not accepted, transferred, concluded, review or re-review requested) once in each
  month it was recorded in; in each month with a conclusion, by the first conclusion in it, the
  `days` from the date received (bucket: the number), `with_deadline` when it has a conclusion
  deadline and `on_time` when concluded by it; in each month with a rating recorded, when it has
  a rating now, `rated`, `satisfied` when 满意 or 基本满意, and `rating` (bucket: the rating);
  `disputes` in the month received when it asked for mediation (a refund or contract dispute);
- an enforcement case, in its complaint's county and month received: `enforcement_leads`,
  `cases_opened` once opened (立案), `penalties_decided` once its penalty decision is published;
- a penalty disclosure: `disclosures` in the month first published;
- a blacklist entry on the public list: `blacklisted` in the month listed;
- a supervisor's submitted observation: `supervisor_submissions` in the month submitted;
- a follow-up call (回访) that reached the reporter: `followed` in the month of the call, and
  `followed_satisfied` when the reporter said 满意 or 基本满意;
- a dispute on the mediation track, in its complaint's county: `mediations_taken` (month decided)
  unless pending or declined; `agreements` (month ended) while agreed or kept, not reopened;
  `mediations_failed` (month ended) when failed; when kept, in the month confirmed, `refunds_kept`,
  `refund_yuan` (bucket: whole yuan) and `settle_days` (bucket: days from the date received).

Records are read in batches, by id list (a change) or id range (a rebuild), by the same code.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import ColumnElement, select

from portal import clock
from portal.blacklist.models import PUBLIC_STATES, BlacklistEntry
from portal.casework.models import Complaint, ComplaintEvent, EventKind, Rating
from portal.disclosures.models import Disclosure, DisclosureState
from portal.enforcement.models import OPENED_STATES, EnforcementCase, EnforcementState
from portal.extensions import db
from portal.followups.models import FollowUp
from portal.mediation.models import MediationCase, MediationState
from portal.mediation.offerings import RECORD_KIND as MEDIATION
from portal.observations.duty import SUBMITTED
from portal.observations.models import Observation

Fact = tuple[str, str, str]  # (figure, month, bucket)

STEP_EVENTS = {
    EventKind.ACCEPTED: "accepted",
    EventKind.NOT_ACCEPTED: "not_accepted",
    EventKind.TRANSFERRED: "transferred",
    EventKind.CONCLUDED: "concluded",
    EventKind.MEDIATION_TAKEN: "accepted",  # the mediation track's acceptance (受理) and conclusion
    EventKind.MEDIATION_ENDED: "concluded",
    EventKind.REVIEW_REQUESTED: "reviews_requested",
    EventKind.RE_REVIEW_REQUESTED: "reviews_requested",  # 复查 and 复核 requests alike
}
SATISFIED = (Rating.SATISFIED, Rating.BASICALLY_SATISFIED)
# The record kinds, as the cell-key method names them (`cellkey.RecordKeys`).
KINDS = ("complaint", "enforcement", "disclosure", "blacklist", "observation", "follow_up", MEDIATION)
NOT_TAKEN = (MediationState.PENDING, MediationState.DECLINED)
AGREEMENTS = (MediationState.AGREED, MediationState.KEPT)


@dataclass
class Counted:
    """One record's county and facts (no facts: it counts nowhere now)."""

    county: str = ""
    facts: set[Fact] = field(default_factory=set)

    def encode(self) -> str:
        return "\n".join(" ".join(fact) for fact in sorted(self.facts))


def decode(county: str, text: str) -> Counted:
    facts = set()
    for line in text.split("\n") if text else ():
        figure, month, *bucket = line.split(" ")
        facts.add((figure, month, bucket[0] if bucket else ""))
    return Counted(county, facts)


def month_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def local_day(moment: dt.datetime) -> dt.date:
    """The calendar day of a stored moment in the portal's timezone."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(clock.zone()).date()


def _where(column: ColumnElement, ids: Iterable[int] | None, id_range: tuple[int, int] | None) -> ColumnElement:
    if id_range is not None:
        return column.between(*id_range)
    return column.in_(sorted(set(ids or ())))


def complaints(ids: Iterable[int] | None = None, id_range: tuple[int, int] | None = None) -> dict[int, Counted]:
    """The complaints' facts (by id list or by inclusive id range)."""
    found: dict[int, Counted] = {}
    rows = db.session.execute(select(Complaint.id, Complaint.region_code, Complaint.received_on,
                                     Complaint.category, Complaint.conclusion_due, Complaint.rating,
                                     Complaint.mediation_requested)
                              .where(_where(Complaint.id, ids, id_range)))
    cases = {}
    for complaint_id, county, received_on, category, due, rating, dispute in rows:
        cases[complaint_id] = (received_on, due, rating)
        found[complaint_id] = Counted(county, {("received", month_of(received_on), category.value)})
        if dispute:
            found[complaint_id].facts.add(("disputes", month_of(received_on), ""))
    if not found:
        return found
    events = db.session.execute(
        select(ComplaintEvent.complaint_id, ComplaintEvent.kind, ComplaintEvent.created_at)
        .where(_where(ComplaintEvent.complaint_id, ids, id_range),
               ComplaintEvent.kind.in_([*STEP_EVENTS, EventKind.RATED]))
        .order_by(ComplaintEvent.complaint_id, ComplaintEvent.created_at, ComplaintEvent.id))
    for complaint_id, kind, created_at in events:
        if complaint_id not in found:
            continue
        facts = found[complaint_id].facts
        received_on, due, rating = cases[complaint_id]
        day = local_day(created_at)
        month = month_of(day)
        if kind is EventKind.RATED:
            if rating is not None:
                facts |= {("rated", month, ""), ("rating", month, rating.value)}
                if rating in SATISFIED:
                    facts.add(("satisfied", month, ""))
            continue
        facts.add((STEP_EVENTS[kind], month, ""))
        if STEP_EVENTS[kind] == "concluded" and not any(f[0] == "days" and f[1] == month for f in facts):
            facts.add(("days", month, str((day - received_on).days)))  # the month's first conclusion
            if due is not None:
                facts.add(("with_deadline", month, ""))
                if day <= due:
                    facts.add(("on_time", month, ""))
    return found


def enforcement(ids: Iterable[int] | None = None, id_range: tuple[int, int] | None = None) -> dict[int, Counted]:
    """The enforcement cases' facts, in their complaint's county and month received."""
    rows = db.session.execute(
        select(EnforcementCase.id, Complaint.region_code, Complaint.received_on, EnforcementCase.state,
               Disclosure.state).join(Complaint, Complaint.id == EnforcementCase.complaint_id)
        .outerjoin(Disclosure, Disclosure.id == EnforcementCase.disclosure_id)
        .where(_where(EnforcementCase.id, ids, id_range)))
    found = {}
    for record_id, county, received_on, state, decision in rows:
        month = month_of(received_on)
        facts = {("enforcement_leads", month, "")}
        if state in OPENED_STATES:
            facts.add(("cases_opened", month, ""))
        if state is EnforcementState.PENALTY and decision is DisclosureState.PUBLISHED:
            facts.add(("penalties_decided", month, ""))
        found[record_id] = Counted(county, facts)
    return found


def disclosures(ids: Iterable[int] | None = None, id_range: tuple[int, int] | None = None) -> dict[int, Counted]:
    rows = db.session.execute(select(Disclosure.id, Disclosure.region_code, Disclosure.published_at)
                              .where(_where(Disclosure.id, ids, id_range)))
    return {record_id: Counted(county, {("disclosures", month_of(local_day(published_at)), "")}
                               if published_at else set()) for record_id, county, published_at in rows}


def blacklist(ids: Iterable[int] | None = None, id_range: tuple[int, int] | None = None) -> dict[int, Counted]:
    rows = db.session.execute(select(BlacklistEntry.id, BlacklistEntry.region_code, BlacklistEntry.listed_on,
                                     BlacklistEntry.state).where(_where(BlacklistEntry.id, ids, id_range)))
    return {record_id: Counted(county, {("blacklisted", month_of(listed_on), "")}
                               if listed_on and state in PUBLIC_STATES else set())
            for record_id, county, listed_on, state in rows}


def observations(ids: Iterable[int] | None = None, id_range: tuple[int, int] | None = None) -> dict[int, Counted]:
    rows = db.session.execute(select(Observation.id, Observation.region_code, Observation.state,
                                     Observation.submitted_at).where(_where(Observation.id, ids, id_range)))
    return {record_id: Counted(county, {("supervisor_submissions", month_of(local_day(submitted_at)), "")}
                               if submitted_at and state in SUBMITTED else set())
            for record_id, county, state, submitted_at in rows}


def follow_ups(ids: Iterable[int] | None = None, id_range: tuple[int, int] | None = None) -> dict[int, Counted]:
    """Follow-up calls that reached the reporter, in the case's county and the month of the call."""
    rows = db.session.execute(select(FollowUp.id, FollowUp.region_code, FollowUp.reached, FollowUp.rating,
                                     FollowUp.created_at).where(_where(FollowUp.id, ids, id_range)))
    found = {}
    for record_id, county, reached, rating, created_at in rows:
        facts: set[Fact] = set()
        if reached:
            month = month_of(local_day(created_at))
            facts.add(("followed", month, ""))
            if rating in SATISFIED:
                facts.add(("followed_satisfied", month, ""))
        found[record_id] = Counted(county, facts)
    return found


def mediations(ids: Iterable[int] | None = None, id_range: tuple[int, int] | None = None) -> dict[int, Counted]:
    """The disputes on the mediation track, in their complaint's county: taken, ended (agreed or
    failed), and the agreements kept with the money and the days they took."""
    rows = db.session.execute(
        select(MediationCase.id, Complaint.region_code, Complaint.received_on, MediationCase.state,
               MediationCase.decided_on, MediationCase.ended_on, MediationCase.confirmed_on, MediationCase.amount)
        .join(Complaint, Complaint.id == MediationCase.complaint_id)
        .where(_where(MediationCase.id, ids, id_range)))
    found = {}
    for record_id, county, received_on, state, decided_on, ended_on, confirmed_on, amount in rows:
        facts: set[Fact] = set()
        if state not in NOT_TAKEN and decided_on is not None:
            facts.add(("mediations_taken", month_of(decided_on), ""))
        if state in AGREEMENTS and ended_on is not None:
            facts.add(("agreements", month_of(ended_on), ""))
        if state is MediationState.FAILED and ended_on is not None:
            facts.add(("mediations_failed", month_of(ended_on), ""))
        if state is MediationState.KEPT and confirmed_on is not None:
            month = month_of(confirmed_on)
            facts |= {("refunds_kept", month, ""), ("settle_days", month, str((confirmed_on - received_on).days)),
                      ("refund_yuan", month, str(int(amount.quantize(Decimal(1), ROUND_HALF_UP))))}  # whole yuan
        found[record_id] = Counted(county, facts)
    return found


READERS = {"complaint": complaints, "enforcement": enforcement, "disclosure": disclosures,
           "blacklist": blacklist, "observation": observations, "follow_up": follow_ups, MEDIATION: mediations}
MODELS = {"complaint": Complaint, "enforcement": EnforcementCase, "disclosure": Disclosure,
          "blacklist": BlacklistEntry, "observation": Observation, "follow_up": FollowUp, MEDIATION: MediationCase}

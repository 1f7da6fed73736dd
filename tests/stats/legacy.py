"""Public statistics by month, for the whole area or one county, computed by SQL aggregation.

Every figure is counted in the portal's timezone and grouped in the database: one query per
family of figures returns (month, county, …, count) rows, and only those rows reach Python.
A month is "YYYY-MM". What each figure counts:

- received: complaints whose date received falls in the month (counted from that date, as the
  time limits are);
- accepted / not accepted / transferred / concluded / reviews requested: cases with that step
  recorded in the month (a case counts once per step and month);
- concluded on time: of the cases concluded in the month that had a conclusion deadline, those
  concluded on or before it (an approved extension moves the deadline);
- median days to conclude: calendar days from the date received to the conclusion;
- satisfaction: ratings given in the month that were 满意 or 基本满意, over all ratings given;
- disclosures published: penalty disclosures first published in the month (a later withdrawal
  does not undo the count); blacklist entries: entries listed in the month that reached the
  public list;
- the enforcement funnel, by the month the report was received and its county: reports of
  violations taken on the enforcement track (leads), those of them opened (立案) by now, and those
  of them whose linked penalty decision is published and not withdrawn (a cohort: a month's
  figures grow as its reports progress);
- refund and contract disputes, by the complaint's county: complaints received in the month that
  asked for mediation; disputes taken for mediation (by the day decided); mediations ended with an
  agreement standing now (agreed or kept) or without one (by the day ended); agreements kept (by
  the day the parent confirmed the money), with the whole yuan returned and the days to settle;
- social supervisors in term: appointed supervisors whose term covers the month's last day (or
  today, in the current month) and who had not been dismissed by then; their submissions: patrol
  records, leads and opinions submitted in the month (drafts not counted).

Besides the counts, each county's figures carry each cell's key for the cell-key method
(`portal.cellkey`): the sum of its records' keys, which `service` turns into the published count.
The records are read by id for that (one row per case and step, not one per group); only county
cells carry keys, since the whole area is published as the sum of its counties.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import ColumnElement, Integer, and_, case, cast, func, or_, select

from portal import cellkey, clock, sqltime
from portal.blacklist.models import PUBLIC_STATES, BlacklistEntry
from portal.casework.models import Category, Complaint, ComplaintEvent, EventKind, Rating
from portal.disclosures.models import Disclosure, DisclosureState
from portal.enforcement.models import OPENED_STATES, EnforcementCase, EnforcementState
from portal.extensions import db
from portal.followups.models import FollowUp
from portal.mediation.models import MediationCase, MediationState
from portal.observations import duty
from portal.supervisors.models import Supervisor, SupervisorState

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
WINDOW = 12  # months shown in a series
ALL = ""  # the whole area, in keys where a county code would be

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
COUNT_FIGURES = ("received", "accepted", "not_accepted", "transferred", "concluded", "reviews_requested",
                 "disclosures", "blacklisted", "supervisors_active", "supervisor_submissions",
                 "enforcement_leads", "cases_opened", "penalties_decided",
                 "disputes", "mediations_taken", "agreements", "mediations_failed", "refunds_kept")
# Counts about reporters' cases, withheld when small; supervisors are named in public anyway.
REPORTER_FIGURES = frozenset(COUNT_FIGURES) - {"supervisors_active", "supervisor_submissions"}
SATISFIED = (Rating.SATISFIED, Rating.BASICALLY_SATISFIED)


def month_key(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def parse_month(text: str | None) -> str | None:
    """A "YYYY-MM" month from input, or None when it is not one (or before 2000 / after 2100)."""
    match = MONTH.match((text or "").strip())
    if not match or not 2000 <= int(match.group(1)) <= 2100:
        return None
    return match.group(0)


def months_ending(last: str, count: int = WINDOW) -> list[str]:
    """The `count` months up to and including `last`, oldest first."""
    year, month = int(last[:4]), int(last[5:])
    keys = []
    for _ in range(count):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return keys[::-1]


def _days_between(later: ColumnElement, earlier: ColumnElement) -> ColumnElement:
    """Whole calendar days from one date to another."""
    if sqltime.dialect() == "postgresql":
        return later - earlier
    return cast(func.julianday(later) - func.julianday(earlier), Integer)


def _month_range(months: list[str]) -> tuple[dt.date, dt.date]:
    """The first day of the first month and the first day after the last month."""
    first = dt.date(int(months[0][:4]), int(months[0][5:]), 1)
    year, month = int(months[-1][:4]), int(months[-1][5:])
    after = dt.date(year + (month == 12), month % 12 + 1, 1)
    return first, after


@dataclass
class Figures:
    """Counts for one county (or the whole area) and one month."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNT_FIGURES, 0))
    on_time: int = 0
    with_deadline: int = 0
    days_histogram: dict[int, int] = field(default_factory=dict)
    ratings: dict[Rating, int] = field(default_factory=dict)
    categories: dict[Category, int] = field(default_factory=dict)
    satisfied: int = 0
    followed: int = 0  # follow-up calls that reached the reporter
    followed_satisfied: int = 0
    settle_days: dict[int, int] = field(default_factory=dict)
    refund_yuan: dict[int, int] = field(default_factory=dict)
    fewest_kept: int = 0  # the whole area's: the fewest agreements kept in a county with any
    # Cell keys (county cells only): by figure name, and "on_time", "with_deadline", "satisfied",
    # "rated"; and by category.
    keys: dict[str, int] = field(default_factory=dict)
    category_keys: dict[Category, int] = field(default_factory=dict)

    def add_key(self, name: str, key: int) -> None:
        self.keys[name] = cellkey.combine((self.keys.get(name, 0), key))

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.with_deadline if self.with_deadline else None

    @property
    def rated(self) -> int:
        return sum(self.ratings.values())

    @property
    def satisfaction_share(self) -> float | None:
        return self.satisfied / self.rated if self.rated else None

    @property
    def concluded_cases(self) -> int:
        """The cases the median days rests on."""
        return sum(self.days_histogram.values())

    @property
    def median_days(self) -> float | None:
        """The median of the days-to-conclude histogram (the mean of the middle two when even)."""
        total = sum(self.days_histogram.values())
        if not total:
            return None
        middle = [(total - 1) // 2, total // 2]
        values, seen = [], 0
        for days in sorted(self.days_histogram):
            count = self.days_histogram[days]
            for position in middle:
                if seen <= position < seen + count:
                    values.append(days)
            seen += count
        return sum(values) / 2


@dataclass
class Table:
    """Figures by (county or ALL, month); counties are the codes seen in the data."""

    months: list[str]
    cells: dict[tuple[str, str], Figures]
    counties: list[str]

    def get(self, county: str, month: str) -> Figures:
        return self.cells.get((county, month)) or Figures()


def compute(months: list[str]) -> Table:
    """All figures for these months, per county and for the whole area, with the county cells' keys."""
    start, after = _month_range(months)
    wanted = set(months)
    cells: dict[tuple[str, str], Figures] = defaultdict(Figures)
    record_key = cellkey.RecordKeys()
    seen: set[tuple] = set()

    def cells_for(county: str, month: str) -> list[Figures]:
        """The county's figures and the whole area's, or none for a month outside the window."""
        return [cells[(county, month)], cells[(ALL, month)]] if month in wanted else []

    def bump(county: str, month: str, name: str, count: int) -> None:
        for figures in cells_for(county, month):
            figures.counts[name] += count

    def count_record(county: str, month: str, name: str, kind: str, record_id: int) -> bool:
        """Count a record once in a county's figure (and the whole area's), adding its key."""
        if month not in wanted or (county, month, name, record_id) in seen:
            return False
        seen.add((county, month, name, record_id))
        bump(county, month, name, 1)
        cells[(county, month)].add_key(name, record_key(kind, record_id))
        return True

    received_month = sqltime.month_of_date(Complaint.received_on)
    rows = db.session.execute(
        select(Complaint.region_code, received_month, Complaint.category, Complaint.id)
        .where(Complaint.received_on >= start, Complaint.received_on < after))
    for county, month, category, complaint_id in rows:
        if count_record(county, month, "received", "complaint", complaint_id):
            for figures in cells_for(county, month):
                figures.categories[category] = figures.categories.get(category, 0) + 1
            county_cell = cells[(county, month)]
            county_cell.category_keys[category] = cellkey.combine(
                (county_cell.category_keys.get(category, 0), record_key("complaint", complaint_id)))

    # Timestamps are filtered with a day's margin; the local month then decides.
    window_start = dt.datetime.combine(start - dt.timedelta(days=1), dt.time(), tzinfo=dt.timezone.utc)
    window_end = dt.datetime.combine(after + dt.timedelta(days=1), dt.time(), tzinfo=dt.timezone.utc)
    event_window = and_(ComplaintEvent.created_at >= window_start, ComplaintEvent.created_at < window_end)
    event_month = sqltime.month_of_moment(ComplaintEvent.created_at)
    rows = db.session.execute(
        select(Complaint.region_code, event_month, ComplaintEvent.kind, ComplaintEvent.complaint_id).distinct()
        .join(Complaint, Complaint.id == ComplaintEvent.complaint_id)
        .where(ComplaintEvent.kind.in_(list(STEP_EVENTS)), event_window))
    for county, month, kind, complaint_id in rows:
        count_record(county, month, STEP_EVENTS[kind], "complaint", complaint_id)

    concluded_day = sqltime.local_day(ComplaintEvent.created_at)
    days = _days_between(concluded_day, Complaint.received_on)
    on_time = and_(Complaint.conclusion_due.is_not(None), concluded_day <= Complaint.conclusion_due)
    has_deadline = Complaint.conclusion_due.is_not(None)
    rows = db.session.execute(
        select(Complaint.region_code, event_month, days.label("days"), case((on_time, 1), else_=0),
               case((has_deadline, 1), else_=0), Complaint.id)
        .join(Complaint, Complaint.id == ComplaintEvent.complaint_id)
        .where(ComplaintEvent.kind.in_([EventKind.CONCLUDED, EventKind.MEDIATION_ENDED]), event_window)
        .order_by(ComplaintEvent.created_at, ComplaintEvent.id))
    for county, month, day_count, timely, deadlined, complaint_id in rows:
        if month not in wanted or (county, month, "days", complaint_id) in seen:
            continue  # a case counts once a month, by its first conclusion in it
        seen.add((county, month, "days", complaint_id))
        for figures in cells_for(county, month):
            figures.days_histogram[int(day_count)] = figures.days_histogram.get(int(day_count), 0) + 1
        if deadlined:
            for figures in cells_for(county, month):
                figures.with_deadline += 1
            cells[(county, month)].add_key("with_deadline", record_key("complaint", complaint_id))
        if timely:
            for figures in cells_for(county, month):
                figures.on_time += 1
            cells[(county, month)].add_key("on_time", record_key("complaint", complaint_id))

    rows = db.session.execute(
        select(Complaint.region_code, event_month, Complaint.rating, Complaint.id).distinct()
        .join(Complaint, Complaint.id == ComplaintEvent.complaint_id)
        .where(ComplaintEvent.kind == EventKind.RATED, Complaint.rating.is_not(None), event_window))
    for county, month, rating, complaint_id in rows:
        if month not in wanted or (county, month, "rated", complaint_id) in seen:
            continue
        seen.add((county, month, "rated", complaint_id))
        key = record_key("complaint", complaint_id)
        for figures in cells_for(county, month):
            figures.ratings[rating] = figures.ratings.get(rating, 0) + 1
            figures.satisfied += rating in SATISFIED
        cells[(county, month)].add_key("rated", key)
        if rating in SATISFIED:
            cells[(county, month)].add_key("satisfied", key)

    call_month = sqltime.month_of_moment(FollowUp.created_at)
    rows = db.session.execute(
        select(FollowUp.region_code, call_month, FollowUp.rating, FollowUp.id)
        .where(FollowUp.reached.is_(True), FollowUp.created_at >= window_start, FollowUp.created_at < window_end))
    for county, month, rating, call_id in rows:
        if month not in wanted:
            continue
        key = record_key("follow_up", call_id)
        for figures in cells_for(county, month):
            figures.followed += 1
            figures.followed_satisfied += rating in SATISFIED
        cells[(county, month)].add_key("followed", key)
        if rating in SATISFIED:
            cells[(county, month)].add_key("followed_satisfied", key)

    published_month = sqltime.month_of_moment(Disclosure.published_at)
    rows = db.session.execute(
        select(Disclosure.region_code, published_month, Disclosure.id)
        .where(Disclosure.published_at >= window_start, Disclosure.published_at < window_end))
    for county, month, disclosure_id in rows:
        count_record(county, month, "disclosures", "disclosure", disclosure_id)

    rows = db.session.execute(
        select(Complaint.region_code, received_month, EnforcementCase.id, EnforcementCase.state,
               Disclosure.state).join(Complaint, Complaint.id == EnforcementCase.complaint_id)
        .outerjoin(Disclosure, Disclosure.id == EnforcementCase.disclosure_id)
        .where(Complaint.received_on >= start, Complaint.received_on < after))
    for county, month, record_id, state, decision in rows:
        count_record(county, month, "enforcement_leads", "enforcement", record_id)
        if state in OPENED_STATES:
            count_record(county, month, "cases_opened", "enforcement", record_id)
        if state is EnforcementState.PENALTY and decision is DisclosureState.PUBLISHED:
            count_record(county, month, "penalties_decided", "enforcement", record_id)

    listed_month = sqltime.month_of_date(BlacklistEntry.listed_on)
    rows = db.session.execute(
        select(BlacklistEntry.region_code, listed_month, BlacklistEntry.id)
        .where(BlacklistEntry.listed_on >= start, BlacklistEntry.listed_on < after,
               BlacklistEntry.state.in_(list(PUBLIC_STATES))))
    for county, month, entry_id in rows:
        count_record(county, month, "blacklisted", "blacklist", entry_id)

    rows = db.session.execute(
        select(Complaint.region_code, received_month, Complaint.id)
        .where(Complaint.mediation_requested.is_(True), Complaint.received_on >= start, Complaint.received_on < after))
    for county, month, complaint_id in rows:
        count_record(county, month, "disputes", "complaint", complaint_id)

    rows = db.session.execute(
        select(Complaint.region_code, Complaint.received_on, MediationCase.id, MediationCase.state,
               MediationCase.decided_on, MediationCase.ended_on, MediationCase.confirmed_on, MediationCase.amount)
        .join(Complaint, Complaint.id == MediationCase.complaint_id))
    for county, received_on, case_id, state, decided_on, ended_on, confirmed_on, amount in rows:
        if state not in (MediationState.PENDING, MediationState.DECLINED):
            count_record(county, month_key(decided_on), "mediations_taken", "mediation", case_id)
        if state in (MediationState.AGREED, MediationState.KEPT):
            count_record(county, month_key(ended_on), "agreements", "mediation", case_id)
        if state is MediationState.FAILED:
            count_record(county, month_key(ended_on), "mediations_failed", "mediation", case_id)
        if state is MediationState.KEPT and count_record(county, month_key(confirmed_on), "refunds_kept",
                                                         "mediation", case_id):
            yuan = int(amount.quantize(Decimal(1), ROUND_HALF_UP))
            for figures in cells_for(county, month_key(confirmed_on)):
                figures.settle_days[(confirmed_on - received_on).days] = \
                    figures.settle_days.get((confirmed_on - received_on).days, 0) + 1
                figures.refund_yuan[yuan] = figures.refund_yuan.get(yuan, 0) + 1
    for (county, month), figures in list(cells.items()):
        kept = figures.counts["refunds_kept"]
        if county != ALL and kept:
            whole = cells[(ALL, month)]
            whole.fewest_kept = min(whole.fewest_kept or kept, kept)

    for county_month, count in duty.submissions_by_month(months, None).items():
        bump(*county_month, "supervisor_submissions", count)
    today = clock.today()
    for month in months:
        year, number = int(month[:4]), int(month[5:])
        last_day = min(dt.date(year + (number == 12), number % 12 + 1, 1) - dt.timedelta(days=1), today)
        in_term = and_(Supervisor.term_start <= last_day, Supervisor.term_end >= last_day,
                       Supervisor.state.in_([SupervisorState.APPOINTED, SupervisorState.DISMISSED]),
                       or_(Supervisor.dismissed_on.is_(None), Supervisor.dismissed_on > last_day))
        rows = db.session.execute(select(Supervisor.region_code, func.count()).where(in_term)
                                  .group_by(Supervisor.region_code))
        for county, count in rows:
            bump(county, month, "supervisors_active", count)

    counties = sorted({county for county, _month in cells if county != ALL})
    return Table(months, dict(cells), counties)


def all_counties() -> list[str]:
    """Every county code with a complaint, a disclosure or a blacklist entry, for the chooser."""
    codes = set(db.session.scalars(select(Complaint.region_code).distinct()))
    codes |= set(db.session.scalars(select(Disclosure.region_code).distinct()))
    codes |= set(db.session.scalars(select(BlacklistEntry.region_code).distinct()))
    return sorted(codes)

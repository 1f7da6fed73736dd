"""Counting what supervisors did: a supervisor's yearly duty record (the basis of the annual
assessment), activity for the staff's list, and monthly figures for the statistics page.
Every count is an SQL aggregation over submitted observations, by the portal's local month."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, case, func, select

from portal import clock
from portal.extensions import db
from portal.observations.models import Kind, Observation, ObservationState
from portal.supervisors.models import Supervisor

SUBMITTED = (ObservationState.SUBMITTED, ObservationState.REPLIED)


def _local_month(moment: ColumnElement) -> ColumnElement:
    """'YYYY-MM' of a UTC timestamp column in the portal's timezone."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone(clock.zone().key, moment), "YYYY-MM")
    hours = int(clock.now().astimezone(clock.zone()).utcoffset().total_seconds() // 3600)
    return func.strftime("%Y-%m", moment, f"{hours:+d} hours")


def _utc_bounds(first: dt.date, after: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The UTC moments where two local days begin."""
    zone = clock.zone()
    return (dt.datetime.combine(first, dt.time(), zone).astimezone(dt.timezone.utc),
            dt.datetime.combine(after, dt.time(), zone).astimezone(dt.timezone.utc))


@dataclass
class DutyRecord:
    """One supervisor's year: submissions by kind and month, cases opened, replies received."""

    year: int
    by_kind_month: dict[tuple[Kind, int], int] = field(default_factory=dict)
    cases_opened: int = 0
    replies_received: int = 0

    def count(self, kind: Kind, month: int) -> int:
        return self.by_kind_month.get((kind, month), 0)

    def kind_total(self, kind: Kind) -> int:
        return sum(n for (k, _m), n in self.by_kind_month.items() if k is kind)

    def month_total(self, month: int) -> int:
        return sum(n for (_k, m), n in self.by_kind_month.items() if m == month)

    @property
    def total(self) -> int:
        return sum(self.by_kind_month.values())


def duty_record(supervisor: Supervisor, year: int) -> DutyRecord:
    """What the supervisor submitted in a calendar year, with the cases and replies it brought."""
    start, end = _utc_bounds(dt.date(year, 1, 1), dt.date(year + 1, 1, 1))
    month = _local_month(Observation.submitted_at)
    mine = (Observation.supervisor_id == supervisor.id, Observation.state.in_(SUBMITTED))
    rows = db.session.execute(
        select(Observation.kind, month, func.count())
        .where(*mine, Observation.submitted_at >= start, Observation.submitted_at < end)
        .group_by(Observation.kind, month))
    record = DutyRecord(year, {(kind, int(key[5:])): n for kind, key, n in rows})
    record.cases_opened = db.session.scalar(
        select(func.count()).select_from(Observation)
        .where(*mine, Observation.complaint_id.is_not(None), Observation.submitted_at >= start,
               Observation.submitted_at < end))
    record.replies_received = db.session.scalar(
        select(func.count()).select_from(Observation)
        .where(*mine, Observation.replied_at >= start, Observation.replied_at < end))
    return record


def activity(supervisor_ids: list[int], since: dt.datetime) -> dict[int, tuple[int, dt.datetime | None]]:
    """For each supervisor: submissions since a moment, and the latest submission ever (one query)."""
    if not supervisor_ids:
        return {}
    recent = func.sum(case((Observation.submitted_at >= since, 1), else_=0))
    rows = db.session.execute(
        select(Observation.supervisor_id, recent, func.max(Observation.submitted_at))
        .where(Observation.supervisor_id.in_(supervisor_ids), Observation.state.in_(SUBMITTED))
        .group_by(Observation.supervisor_id))
    return {sid: (int(n or 0), last) for sid, n, last in rows}


def submissions_by_month(months: list[str], region_prefix: str | None) -> dict[tuple[str, str], int]:
    """Submitted observations per (county, "YYYY-MM"), for the given months only."""
    if not months:
        return {}
    ordered = sorted(months)
    first = dt.date(int(ordered[0][:4]), int(ordered[0][5:]), 1)
    year, number = int(ordered[-1][:4]), int(ordered[-1][5:])
    start, end = _utc_bounds(first, dt.date(year + (number == 12), number % 12 + 1, 1))
    month = _local_month(Observation.submitted_at)
    query = (select(Observation.region_code, month, func.count())
             .where(Observation.state.in_(SUBMITTED), Observation.submitted_at >= start,
                    Observation.submitted_at < end)
             .group_by(Observation.region_code, month))
    if region_prefix:
        query = query.where(Observation.region_code.startswith(region_prefix))
    wanted = set(months)
    return {(county, key): n for county, key, n in db.session.execute(query) if key in wanted}

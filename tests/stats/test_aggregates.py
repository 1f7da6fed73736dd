"""The statistics' aggregates: kept current by every committed step, equal to a rebuild from
scratch after a random series of steps (some refused, some rolled back), the same figures as the
old computation that scanned the case tables (`tests/stats/legacy.py`), and /stats reading no
case table."""
from __future__ import annotations

import datetime as dt
import random
import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from portal import clock
from portal.accounts import service as accounts
from portal.accounts.models import Role
from portal.blacklist.models import BlacklistEntry, BlacklistState
from portal.casework import service as casework
from portal.casework.models import Category, Complaint, ComplaintEvent, EventKind, Rating, Status
from portal.disclosures.models import Disclosure, DisclosureState
from portal.enforcement import service as enforcement
from portal.extensions import db
from portal.intake import tracking
from portal.mediation import service as mediation
from portal.mediation.models import EndReason, MediationState, PaidHow
from portal.stats import aggregates, queries, service
from portal.stats.models import StatsCell, StatsRecord
from tests.stats import legacy
from tests.support import institutions as factories
from tests.support.complaints import file, named_identity
from tests.support.supervisors import appoint, patrol

COUNTIES = ("330106", "330102", "330105")
STEPS = ("accept", "not_accept", "transfer", "start", "conclude")


def every_report(months: list[str]) -> list[tuple[str, str]]:
    """Each county with figures and the whole area, for each of these months."""
    counties = [queries.ALL] + queries.compute(months).counties
    return [(county, month) for county in counties for month in months]


def assert_same_as_the_old_computation(months: list[str]) -> None:
    """Every page (each county and the whole area, each month) as the old computation showed it."""
    old_tables = {month: legacy.compute(queries.months_ending(month)) for month in months}
    compared = 0
    for county, month in every_report(months):
        old = service.report_of(old_tables[month], county, month, "en")
        assert service._report(county, month, "en") == old, (county, month)
        compared += any(cells["received"].value for _month, cells in old.monthly)
    assert compared, "some page shows complaints"


class World:
    """Staff, a supervisor and some records to take random steps on."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.handler, _ = accounts.create_user("agg.handler", "统计承办", Role.HANDLER, "330100", "浙杭执字7001")
        supervisor_user, _ = accounts.create_user("agg.supervisor", "统计监督", Role.SUPERVISOR, "330106")
        db.session.flush()
        self.supervisor = appoint(supervisor_user)
        self.drafter = factories.staff("agg.drafter")
        self.place = factories.institution(name="统计聚合测试培训学校")
        self.complaints: list[Complaint] = []
        self.disclosures: list[Disclosure] = []
        self.entries: list[BlacklistEntry] = []
        self.observations = []
        self.disputes: list[Complaint] = []
        self.mediators = {county: accounts.create_user(f"agg.mediator.{county}", "统计调解", Role.HANDLER, county,
                                                       f"浙杭调字{county}")[0] for county in COUNTIES}

    def moment(self) -> dt.datetime:
        """A moment in the last five months, some near a month's end (local and UTC months differ)."""
        day = clock.today() - dt.timedelta(days=self.rng.randrange(0, 150))
        hour = self.rng.choice((1, 10, 23))
        return dt.datetime.combine(day, dt.time(hour), clock.zone()).astimezone(dt.timezone.utc)

    def step(self) -> None:
        rng = self.rng
        action = rng.choice(("file", "file", "case", "case", "case", "rate", "review", "event", "due",
                             "lead", "decide", "disclose", "withdraw", "blacklist", "unlist", "observe",
                             "dispute", "dispute", *("mediate",) * 8))
        complaint = rng.choice(self.complaints) if self.complaints else None
        if action == "file" or complaint is None:
            received = clock.today() - dt.timedelta(days=rng.randrange(0, 150))
            self.complaints.append(file(received, region_code=rng.choice(COUNTIES),
                                        category=rng.choice(list(Category))).complaint)
        elif action == "dispute":
            self.disputes.append(file(clock.today() - dt.timedelta(days=rng.randrange(0, 150)),
                                      region_code=rng.choice(COUNTIES), category=Category.FEES_REFUNDS,
                                      identity=named_identity(), mediation=True).complaint)
        elif action == "mediate":
            self.mediate()
        elif action == "case":
            casework.apply(complaint, rng.choice(STEPS), self.handler, "经核查，依法处理。", destination="市场监管局",
                           now=max(self.moment(), complaint.created_at))
        elif action == "rate":
            if complaint.status is Status.CONCLUDED and complaint.rating is None:
                tracking.rate(complaint, rng.choice(list(Rating)), "")
        elif action == "review":
            tracking.request_review(complaint, "不同意答复意见。", clock.now())
        elif action == "event":  # a step recorded at another moment (a back-dated timeline entry)
            db.session.add(ComplaintEvent(complaint_id=complaint.id, kind=rng.choice(list(EventKind)),
                                          body="", created_at=self.moment()))
        elif action == "due":
            complaint.conclusion_due = clock.today() - dt.timedelta(days=rng.randrange(-30, 60))
        elif action == "lead":
            enforcement.record_lead(complaint, self.handler)
        elif action == "decide":
            record = enforcement.for_complaint(complaint)
            if record is not None:
                enforcement.decide(record, complaint, self.handler, rng.random() < 0.7, clock.today(), "不予立案。")
        elif action == "disclose":
            self.disclosures.append(factories.disclosure(
                self.place, clock.today(), self.drafter, region_code=rng.choice(COUNTIES),
                published_at=self.moment() if rng.random() < 0.8 else None))
            record = enforcement.for_complaint(complaint)
            if record is not None and record.disclosure_id is None and rng.random() < 0.5:
                record.disclosure_id, record.state = self.disclosures[-1].id, enforcement.E.PENALTY
                record.number = record.number or f"统计{record.id}"
                record.decided_on = record.decided_on or clock.today()
        elif action == "withdraw" and self.disclosures:
            rng.choice(self.disclosures).state = rng.choice((DisclosureState.WITHDRAWN, DisclosureState.PUBLISHED))
        elif action == "blacklist":
            self.entries.append(factories.blacklist_entry(
                None, rng.choice(list(BlacklistState)), region_code=rng.choice(COUNTIES),
                listed_on=clock.today() - dt.timedelta(days=rng.randrange(0, 150))))
        elif action == "unlist" and self.entries:
            entry = rng.choice(self.entries)
            entry.state = rng.choice(list(BlacklistState))
            entry.removed_on = clock.today() if entry.state is BlacklistState.REMOVED else None
        elif action == "observe":
            if self.observations and rng.random() < 0.3:
                rng.choice(self.observations).submitted_at = self.moment()
            else:
                self.observations.append(patrol(self.supervisor, with_photo=False, submit=rng.random() < 0.8))

    def mediate(self) -> None:
        """A step on a dispute's mediation track: taken or declined, agreed or failed, the parent's
        word on the money (kept, or not: reopened, then mediated again)."""
        rng = self.rng
        if not self.disputes:
            return
        # Mostly the oldest live dispute, so that tracks get to their end; sometimes another.
        complaint = self.disputes[0] if rng.random() < 0.7 else rng.choice(self.disputes)
        record = mediation.for_complaint(complaint)
        if record is not None and record.state in (MediationState.KEPT, MediationState.FAILED, MediationState.DECLINED):
            self.disputes.remove(complaint)  # its track has ended: the next steps go to the others
            return
        handler = self.mediators[complaint.region_code]
        today = clock.today()

        def day_from(earliest: dt.date) -> dt.date:
            return earliest + dt.timedelta(days=rng.randrange(0, (today - earliest).days + 1))

        if record is None or record.state is MediationState.PENDING:
            mediation.decide(complaint, handler, rng.random() < 0.8, day_from(complaint.received_on),
                             "不属于调解范围。")
        elif record.open and rng.random() < 0.7:
            mediation.agree(record, complaint, handler, day_from(record.decided_on),
                            Decimal(rng.randrange(1, 2_000_000)) / 100, today, rng.choice(list(PaidHow)), "")
        elif record.open:
            mediation.end(record, complaint, handler, day_from(record.decided_on),
                          rng.choice((EndReason.PARENT_REFUSED, EndReason.NO_AGREEMENT)), "双方未能达成一致。")
        elif record.state is MediationState.AGREED:
            mediation.confirm_payment(record, complaint, rng.random() < 0.7, now=self.moment())


def take_random_steps(seed: int, count: int) -> World:
    """`count` random steps, each in a savepoint: a refused step changes nothing; every fifth step
    is rolled back whatever it did; a commit every few steps (the aggregates move at the commit)."""
    world = World(random.Random(seed))
    db.session.commit()
    for number in range(count):
        savepoint = db.session.begin_nested()
        try:
            world.step()
            db.session.flush()
        except Exception:  # noqa: BLE001 — a step the rules refuse (wrong state, too early): nothing stored
            savepoint.rollback()
            continue
        if number % 5 == 4:
            savepoint.rollback()
        else:
            savepoint.commit()
        if world.rng.random() < 0.3:
            db.session.commit()
    db.session.commit()
    return world


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_kept_aggregates_equal_a_rebuild_after_random_steps(ctx, seed):
    take_random_steps(seed, 120)
    assert aggregates.differences() == []
    kept = sorted(db.session.execute(select(StatsCell.county, StatsCell.month, StatsCell.figure, StatsCell.bucket,
                                            StatsCell.count, StatsCell.key_high, StatsCell.key_low,
                                            StatsCell.published)).all())
    assert kept, "the steps counted something"
    figures = {figure for _county, _month, figure, *_rest in kept}
    assert {"disputes", "mediations_taken", "agreements", "refunds_kept", "refund_yuan"} <= figures
    aggregates.rebuild()
    rebuilt = sorted(db.session.execute(select(StatsCell.county, StatsCell.month, StatsCell.figure,
                                               StatsCell.bucket, StatsCell.count, StatsCell.key_high,
                                               StatsCell.key_low, StatsCell.published)).all())
    assert rebuilt == kept


def test_the_figures_are_those_of_the_old_computation_on_the_demo_data(ctx):
    current = queries.month_key(clock.today())
    assert db.session.scalar(select(func.count()).select_from(Complaint)), "the demo data has complaints"
    assert_same_as_the_old_computation(queries.months_ending(current, 14))


def test_the_figures_are_those_of_the_old_computation_after_random_steps(ctx):
    take_random_steps(7, 150)
    current = queries.month_key(clock.today())
    assert_same_as_the_old_computation(queries.months_ending(current, 6))


def test_a_step_moves_the_figures_at_its_commit_and_a_rollback_leaves_them(ctx):
    month = queries.month_key(clock.today())
    before = queries.county("330105", [month]).get("330105", month).counts["received"]
    file(clock.today(), region_code="330105")
    db.session.rollback()
    assert queries.county("330105", [month]).get("330105", month).counts["received"] == before
    file(clock.today(), region_code="330105")
    assert queries.county("330105", [month]).get("330105", month).counts["received"] == before  # not committed
    db.session.commit()
    assert queries.county("330105", [month]).get("330105", month).counts["received"] == before + 1


def test_stats_reads_no_case_table(app, client, count_queries):
    with app.app_context():
        month = queries.month_key(clock.today())
    for query in ({}, {"county": "330106", "month": month}):
        with count_queries() as seen:
            assert client.get("/stats", query_string=query).status_code == 200
        sent = " ".join(seen.statements).lower()
        assert "stats_cells" in sent
        for table in ("complaints", "complaint_events", "enforcement_cases", "supervisor_observations"):
            assert not re.search(rf"\b{table}\b", sent), table


def test_rebuild_and_check_commands(runner, ctx):
    db.session.execute(StatsCell.__table__.delete())
    db.session.commit()
    assert runner.invoke(args=["stats", "check"]).exit_code == 1
    result = runner.invoke(args=["stats", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "counted records" in result.output
    check = runner.invoke(args=["stats", "check"])
    assert check.exit_code == 0 and "agree" in check.output
    assert db.session.scalar(select(func.count()).select_from(StatsRecord)) > 0

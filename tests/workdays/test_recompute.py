"""Entering a year's official schedule recounts the stored deadlines of open records it moves,
lists them, and audits them; closed records keep theirs."""
import datetime as dt
import json
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.accounts.models import Role
from portal.casework import deadlines
from portal.casework import service as casework
from portal.deadline_extensions import service as extensions
from portal.extensions import db
from portal.inspections import service as inspections
from portal.rewards import service as rewards
from portal.rewards.models import RewardGrade
from portal.security.audit import AuditRecord
from portal.workdays import entering, service
from portal.workdays.recompute import Moved
from tests.support.accounts import staff_user
from tests.support.complaints import file
from tests.support.inspections import handler as inspections_handler
from tests.support.inspections import prepare_draw

UTC = dt.timezone.utc
ACCEPTED = dt.datetime(2027, 1, 29, 2, 0, tzinfo=UTC)  # Friday 29 January 2027, 10:00 in Beijing
# TEST DATA ONLY: the statutory holidays as counted provisionally, plus an extra day off on
# Tuesday 30 March and Thursday 29 April, and Saturday 27 March worked (调休).
UNCHANGED = "\n".join(f"{day},holiday,假日" for day in sorted(service.provisional_holidays(2027)))
CHANGED = UNCHANGED + "\n2027-03-30,holiday,测试\n2027-04-29,holiday,测试\n2027-03-27,workday,测试\n"


@pytest.fixture
def handler(ctx):
    return staff_user("rc.handler", Role.HANDLER, "330106", "浙杭执字0601")


def accepted(handler, now=ACCEPTED):
    complaint = file(received_on=dt.date(2027, 1, 20)).complaint
    casework.apply(complaint, "accept", handler, now=now)
    return complaint


def mine(moved: list[Moved], kind: str, record_id: int) -> list[tuple[str, dt.date, dt.date]]:
    return [(m.field, m.old, m.new) for m in moved if m.kind == kind and m.record_id == record_id]


def test_an_open_cases_reply_deadline_moves_to_what_the_official_schedule_gives(handler):
    complaint = accepted(handler)
    assert complaint.conclusion_due == dt.date(2027, 3, 30) and complaint.due_provisional  # 60 days
    entered = entering.enter_schedule(CHANGED, "通知（测试）", 2027, "user:1")
    fresh = deadlines.add_period(dt.date(2027, 1, 29), deadlines.rule("conclusion", "330106"))
    assert fresh == deadlines.Due(dt.date(2027, 3, 31), provisional=False)  # 30 March is a day off now
    assert complaint.conclusion_due == complaint.next_due == fresh.day and not complaint.due_provisional
    assert mine(entered.moved, "complaint", complaint.id) == [
        ("conclusion_due", dt.date(2027, 3, 30), dt.date(2027, 3, 31)),
        ("next_due", dt.date(2027, 3, 30), dt.date(2027, 3, 31))]
    record = entered.recount
    assert record.action == "holidays.recomputed" and record.object_id == "2027" and record.actor == "user:1"
    assert {"kind": "complaint", "id": complaint.id, "field": "conclusion_due", "from": "2027-03-30",
            "to": "2027-03-31"} in json.loads(record.after)["moved"]


def test_an_extended_case_is_recounted_with_its_extension_days(handler):
    complaint = accepted(handler)
    head = staff_user("rc.head", Role.HANDLER, "330106", "浙杭执字0600")
    head.office_head = True
    asked = extensions.request(complaint, handler, 30, "需要现场核查", now=ACCEPTED)
    extensions.decide(asked, complaint, head, True, now=ACCEPTED)
    assert complaint.conclusion_due == dt.date(2027, 4, 29)  # 90 days from acceptance
    entered = entering.enter_schedule(CHANGED, "通知（测试）", 2027, "user:1")
    # 29 April is a day off in the new schedule: the 90th day moves to Friday 30 April, not to 31 March
    assert complaint.conclusion_due == dt.date(2027, 4, 30)
    assert ("conclusion_due", dt.date(2027, 4, 29), dt.date(2027, 4, 30)) in mine(entered.moved, "complaint",
                                                                                   complaint.id)


def test_a_closed_cases_deadlines_are_history(handler):
    complaint = accepted(handler)
    casework.apply(complaint, "conclude", handler, "书面答复：已责令整改。", now=ACCEPTED + dt.timedelta(days=3))
    entered = entering.enter_schedule(CHANGED, "通知（测试）", 2027, "user:1")
    assert complaint.conclusion_due == dt.date(2027, 3, 30) and mine(entered.moved, "complaint", complaint.id) == []


def test_a_worked_saturday_brings_an_inspections_results_deadline_forward(ctx):
    officer = inspections_handler()
    draw = prepare_draw(officer)
    inspections.commit(draw, officer)
    inspections.reveal(draw, officer, now=dt.datetime(2027, 3, 1, 2, 0, tzinfo=UTC))  # Monday 1 March
    assert draw.results_due == dt.date(2027, 3, 29) and draw.results_due_provisional
    entered = entering.enter_schedule(CHANGED, "通知（测试）", 2027, "user:1")
    assert draw.results_due == dt.date(2027, 3, 27) and not draw.results_due_provisional
    assert mine(entered.moved, "inspection_draw", draw.id) == [
        ("results_due", dt.date(2027, 3, 29), dt.date(2027, 3, 27))]


def test_a_corrected_rewards_claim_period_is_recounted_from_the_decision_that_granted_it(ctx):
    reviewer = staff_user("rc.reviewer", Role.REVIEWER, "330106", "浙杭审字0601")
    complaint = file(received_on=dt.date(2027, 1, 4)).complaint
    complaint.status = casework.S.CONCLUDED
    decided = dt.datetime(2027, 3, 26, 2, 0, tzinfo=UTC)  # Friday 26 March
    reward = rewards.decide(complaint, reviewer, RewardGrade.FIRST, Decimal("20000"), now=decided)
    rewards.correct(complaint, reviewer, RewardGrade.SECOND, Decimal("20000"), reason="金额更正",
                    now=dt.datetime(2027, 4, 1, 2, 0, tzinfo=UTC))  # keeps the period it found
    assert reward.claim_due == dt.date(2027, 5, 10)  # 30 working days, counted provisionally
    entered = entering.enter_schedule(CHANGED, "通知（测试）", 2027, "user:1")
    fresh = deadlines.add_period(dt.date(2027, 3, 26), rewards.claim_rule("330106"))
    assert reward.claim_due == fresh.day == dt.date(2027, 5, 11)
    assert mine(entered.moved, "reward", reward.id) == [("claim_due", dt.date(2027, 5, 10), dt.date(2027, 5, 11))]


def test_a_schedule_that_changes_no_day_moves_nothing(handler):
    complaint = accepted(handler)
    entered = entering.enter_schedule(UNCHANGED, "通知（测试）", 2027, "user:1")
    assert entered.moved == [] and complaint.conclusion_due == dt.date(2027, 3, 30)
    assert not complaint.due_provisional  # counted on the official schedule now
    assert json.loads(entered.recount.after) == {"years": [2027], "count": 0, "moved": []}


def test_the_command_prints_what_moved_and_audits_it_as_the_system(runner, tmp_path):
    app = runner.app
    with app.app_context():
        complaint = accepted(staff_user("rc.cli", Role.HANDLER, "330106", "浙杭执字0602"))
        complaint_id = complaint.id
        db.session.commit()
    schedule = tmp_path / "2027.csv"
    schedule.write_text(CHANGED, encoding="utf-8")
    result = runner.invoke(args=["holidays", "import", str(schedule), "--year", "2027"])
    assert result.exit_code == 0, result.output
    assert f"moved: complaint {complaint_id} conclusion_due 2027-03-30 → 2027-03-31" in result.output
    assert "stored deadlines moved" in result.output.splitlines()[-1]
    with app.app_context():
        record = db.session.scalars(select(AuditRecord).where(AuditRecord.action == "holidays.recomputed")).one()
        assert record.actor == "system" and f'"id":{complaint_id}' in record.after


def test_the_package_import_moves_nothing_when_every_year_is_entered(runner):
    result = runner.invoke(args=["holidays", "import"])
    assert result.exit_code == 0 and result.output.splitlines()[-1] == "holidays: 0 stored deadlines moved"

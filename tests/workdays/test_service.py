"""The working-day calendar and the deadlines counted on it."""
import datetime as dt
from pathlib import Path

import chinese_calendar
import pytest
from sqlalchemy import select

from portal.casework import deadlines
from portal.casework.deadlines import Rule, Unit, rule
from portal.extensions import db
from portal.security.audit import AuditRecord
from portal.workdays import service

SAMPLE_2027 = Path(__file__).with_name("schedule_2027_test.csv")


def test_domain_worked_example_counts_holidays_and_an_adjusted_saturday(ctx):
    # Received Monday 2026-09-28, 7 working days: 10-01…10-07 off, Saturday 10-10 worked.
    due = deadlines.add_period(dt.date(2026, 9, 28), Rule(7, Unit.WORKING_DAYS, "DOMAIN.md"))
    assert due == deadlines.Due(dt.date(2026, 10, 13), provisional=False)


def test_calendar_days_ending_on_a_holiday_move_to_the_next_working_day(ctx):
    assert deadlines.add_period(dt.date(2026, 9, 16), rule("acceptance", "330106")).day == dt.date(2026, 10, 8)
    assert deadlines.add_period(dt.date(2026, 9, 1), rule("acceptance", "330106")).day == dt.date(2026, 9, 16)


def test_a_deadline_in_an_unentered_year_is_provisional_and_never_crashes(ctx):
    due = deadlines.add_period(dt.date(2026, 12, 20), rule("acceptance", "330106"))
    assert due == deadlines.Due(dt.date(2027, 1, 4), provisional=True)  # 1 January skipped, then the weekend
    far = deadlines.add_period(dt.date(2040, 9, 25), rule("conclusion", "330106"))
    assert far.provisional and far.day.weekday() < 5


def test_an_unentered_year_knows_the_lunar_holidays_too():
    days = service.provisional_holidays(2027)
    # 春节: 除夕 (Friday 5 February) and the first three days of the first lunar month.
    assert {dt.date(2027, 2, 5), dt.date(2027, 2, 6), dt.date(2027, 2, 7), dt.date(2027, 2, 8)} <= days
    assert dt.date(2027, 4, 5) in days  # 清明, the solar term
    assert dt.date(2027, 6, 9) in days  # 端午, fifth day of the fifth lunar month
    assert dt.date(2027, 9, 15) in days  # 中秋, fifteenth day of the eighth lunar month
    assert {dt.date(2027, 1, 1), dt.date(2027, 5, 1), dt.date(2027, 5, 2), dt.date(2027, 10, 3)} <= days
    assert len(days) == 13  # 1 + 4 + 1 + 2 + 1 + 1 + 3
    # Checked against a year whose official schedule is known: every lunar holiday of 2026 is in it.
    official = {day for day, off in chinese_calendar.constants.holidays.items() if day.year == 2026}
    assert service.provisional_holidays(2026) <= official


def test_a_case_due_over_the_spring_festival_of_an_unentered_year_skips_it(ctx):
    # Received Monday 2027-02-01: five working days are 2, 3, 4 (Tue-Thu), then 除夕 (Fri) and
    # 初一-初三 (Sat-Mon) are off, so Tuesday 9 February and Wednesday 10 February count.
    due = deadlines.add_period(dt.date(2027, 2, 1), Rule(5, Unit.WORKING_DAYS, "test"))
    assert due == deadlines.Due(dt.date(2027, 2, 10), provisional=True)


def test_entering_next_years_schedule_makes_its_deadlines_exact(ctx):
    entered = service.import_file(SAMPLE_2027, 2027)
    assert entered == 4
    due = deadlines.add_period(dt.date(2026, 12, 20), rule("acceptance", "330106"))
    assert due == deadlines.Due(dt.date(2027, 1, 4), provisional=False)
    calendar = service.calendar_for(dt.date(2027, 1, 1), dt.date(2027, 1, 31))
    assert calendar.is_working_day(dt.date(2027, 1, 9)) == (True, False)  # a worked Saturday
    assert calendar.is_working_day(dt.date(2027, 1, 1)) == (False, False)


def test_reentering_a_year_replaces_it(ctx, tmp_path):
    service.import_file(SAMPLE_2027, 2027)
    smaller = tmp_path / "2027.csv"
    smaller.write_text("date,kind,name\n2027-01-01,holiday,元旦\n", encoding="utf-8")
    service.import_file(smaller, 2027)
    calendar = service.calendar_for(dt.date(2027, 1, 1), dt.date(2027, 1, 31))
    assert calendar.holidays == {dt.date(2027, 1, 1)} and calendar.workdays == set()


def test_package_import_leaves_entered_years_alone(ctx):
    assert service.import_package() == []  # the session database already has 2004–2026
    calendar = service.calendar_for(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert dt.date(2026, 10, 10) in calendar.workdays and dt.date(2026, 10, 1) in calendar.holidays


@pytest.mark.parametrize("content", [
    "date,kind,name\n2027-02-30,holiday,x\n",
    "date,kind,name\n2027-02-03,vacation,x\n",
    "day,type\n2027-02-03,holiday\n",
])
def test_malformed_schedules_are_refused(ctx, tmp_path, content):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(service.ScheduleInvalid):
        service.import_file(path, 2027)


def test_cli_import_reports_and_refuses(runner, tmp_path):
    assert runner.invoke(args=["holidays", "import", str(SAMPLE_2027)]).exit_code != 0  # which year?
    result = runner.invoke(args=["holidays", "import", str(SAMPLE_2027), "--year", "2027"])
    assert result.exit_code == 0 and "2027 entered with 4 exceptional days" in result.output
    with runner.app.app_context():  # a command-line import is in the audit trail
        record = db.session.scalars(select(AuditRecord).where(AuditRecord.action == "holidays.entered",
                                                              AuditRecord.object_id == "2027")).one()
        assert record.actor == "system" and '"command":"import"' in record.after.replace(" ", "")
    bad = tmp_path / "bad.csv"
    bad.write_text("date,kind\nsoon,holiday\n", encoding="utf-8")
    result = runner.invoke(args=["holidays", "import", str(bad), "--year", "2027"])
    assert result.exit_code != 0 and "not a schedule" in result.output


def test_pasted_schedule_without_a_header_is_understood(ctx):
    entered = service.import_text("2027-10-09,workday,国庆节\n2027-10-01,holiday,国庆节\n", "通知", 2027)
    assert entered == 2
    with pytest.raises(service.ScheduleInvalid):
        service.import_text("\n# nothing\n", "通知", 2027)


def test_a_new_year_break_reaching_into_the_old_year_is_added_not_a_wipe(ctx):
    """A 2027 notice whose break starts on 2026-12-31 keeps all of 2026 and adds that day."""
    before = service.calendar_for(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    service.import_text("2026-12-31,holiday,元旦\n2027-01-01,holiday,元旦\n", "通知", 2027)
    after = service.calendar_for(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert after.holidays == before.holidays | {dt.date(2026, 12, 31)}
    assert after.workdays == before.workdays


def test_days_in_a_year_not_yet_entered_are_refused(ctx):
    with pytest.raises(service.ScheduleInvalid, match="2028"):
        service.import_text("2027-12-31,holiday,元旦\n2028-01-01,holiday,元旦\n", "通知", 2027)

"""Entering official schedules and telling working days from days off."""
from __future__ import annotations

import csv
import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import chinese_calendar
from lunar_python import Lunar
from sqlalchemy import delete, select

from portal.errors import Invalid, NotAllowed
from portal.extensions import db
from portal.regions import service as regions
from portal.regions.models import RegionLevel
from portal.workdays.models import CalendarDay, CalendarYear, DayKind

# The statutory holidays (国务院《全国年节及纪念日放假办法》, 2024 revision), used only for years whose
# schedule has not been entered: the fixed dates, and the lunar ones computed below. The adjusted
# working weekends and bridging days of a real schedule cannot be foreseen, so such deadlines stay
# provisional until the year is entered.
FIXED_HOLIDAYS = ((1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3))
PACKAGE_SOURCE = "chinesecalendar {version}"


class ScheduleInvalid(Invalid):
    """An imported schedule has a row that is not `date,kind,name` with a real date and kind."""


class ScheduleNotYours(NotAllowed):
    """The schedule is national (the State Council's): only an administrator whose jurisdiction is
    the whole country may enter it (or the command line)."""


def check_may_enter(region_code: str) -> None:
    """Refuse (ScheduleNotYours) anyone whose jurisdiction is not the whole country."""
    if regions.get(region_code).level is not RegionLevel.COUNTRY:
        raise ScheduleNotYours(region_code)


@functools.lru_cache(maxsize=64)
def provisional_holidays(year: int) -> frozenset[dt.date]:
    """The statutory holidays of `year` as the rules fix them: 元旦, 春节 (除夕 and the first three
    days of the first lunar month), 清明 (the solar term), 劳动节, 端午 (5th of the fifth lunar
    month), 中秋 (15th of the eighth) and 国庆. Lunar dates come from the lunar_python package."""
    days = {dt.date(year, month, day) for month, day in FIXED_HOLIDAYS}

    def solar(lunar_month: int, lunar_day: int) -> dt.date:
        found = Lunar.fromYmd(year, lunar_month, lunar_day).getSolar()
        return dt.date(found.getYear(), found.getMonth(), found.getDay())

    new_year = solar(1, 1)
    days |= {new_year + dt.timedelta(days=offset) for offset in (-1, 0, 1, 2)}  # 除夕, 初一 to 初三
    qingming = Lunar.fromYmd(year, 1, 1).getJieQiTable()["清明"]
    days.add(dt.date(qingming.getYear(), qingming.getMonth(), qingming.getDay()))
    days |= {solar(5, 5), solar(8, 15)}
    return frozenset(day for day in days if day.year == year)


@dataclass
class WorkCalendar:
    """Working days for a span of years: official where entered, provisional elsewhere."""

    official_years: set[int] = field(default_factory=set)
    holidays: set[dt.date] = field(default_factory=set)
    workdays: set[dt.date] = field(default_factory=set)

    def is_working_day(self, day: dt.date) -> tuple[bool, bool]:
        """(working?, provisional?) for one day."""
        if day.year in self.official_years:
            return day in self.workdays or (day.weekday() < 5 and day not in self.holidays), False
        return day.weekday() < 5 and day not in provisional_holidays(day.year), True


def calendar_for(first: dt.date, last: dt.date) -> WorkCalendar:
    """The calendar covering `first` to `last`, read in two queries."""
    years = set(range(first.year, last.year + 1))
    official = set(db.session.scalars(select(CalendarYear.year).where(CalendarYear.year.in_(years))))
    days = db.session.scalars(select(CalendarDay).where(
        CalendarDay.day >= dt.date(first.year, 1, 1), CalendarDay.day <= dt.date(last.year, 12, 31)))
    calendar = WorkCalendar(official_years=official)
    for entry in days:
        (calendar.holidays if entry.kind is DayKind.HOLIDAY else calendar.workdays).add(entry.day)
    return calendar


def enter_year(year: int, days: Iterable[tuple[dt.date, DayKind, str]], source: str) -> int:
    """Replace one year's schedule with `days`; returns how many exceptional days it has."""
    rows = [(day, kind, name) for day, kind, name in days if day.year == year]
    db.session.execute(delete(CalendarDay).where(
        CalendarDay.day >= dt.date(year, 1, 1), CalendarDay.day <= dt.date(year, 12, 31)))
    db.session.merge(CalendarYear(year=year, source=source[:200], entered_at=dt.datetime.now(dt.timezone.utc)))
    db.session.add_all(CalendarDay(day=day, kind=kind, name=name[:40]) for day, kind, name in rows)
    db.session.flush()
    return len(rows)


def import_package() -> list[int]:
    """Enter every year `chinesecalendar` knows that has not been entered yet; returns them."""
    entered = set(db.session.scalars(select(CalendarYear.year)))
    by_year: dict[int, list] = {}
    for day, name in chinese_calendar.holidays.items():
        by_year.setdefault(day.year, []).append((day, DayKind.HOLIDAY, name))
    for day, name in chinese_calendar.workdays.items():
        by_year.setdefault(day.year, []).append((day, DayKind.WORKDAY, name))
    source = PACKAGE_SOURCE.format(version=getattr(chinese_calendar, "__version__", "?"))
    new_years = sorted(set(by_year) - entered)
    for year in new_years:
        enter_year(year, by_year[year], source)
    return new_years


def parse_schedule(text: str, source: str) -> dict[int, list[tuple[dt.date, DayKind, str]]]:
    """Rows `date,kind,name` (a header line, `#` comments allowed), grouped by year."""
    kinds = {kind.value: kind for kind in DayKind}
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    if lines and not lines[0].startswith("date"):
        lines.insert(0, "date,kind,name")
    by_year: dict[int, list] = {}
    for number, row in enumerate(csv.DictReader(lines), start=1):
        try:
            day = dt.date.fromisoformat(row["date"].strip())
            kind = kinds[row["kind"].strip()]
        except (KeyError, ValueError, AttributeError) as exc:
            raise ScheduleInvalid(f"{source}, row {number}: {','.join(str(v) for v in row.values())}") from exc
        by_year.setdefault(day.year, []).append((day, kind, (row.get("name") or "").strip()))
    if not by_year:
        raise ScheduleInvalid(f"{source}: no rows")
    return by_year


def import_text(text: str, source: str, year: int) -> int:
    """Enter `year`'s schedule, replacing that year only; returns its number of days.

    A notice may reach into the neighbouring year (a New Year break from 31 December): those
    days are added to that year if its schedule is entered, and refused if it is not.
    """
    by_year = parse_schedule(text, source)
    if year not in by_year:
        raise ScheduleInvalid(f"{source}: no day in {year}")
    entered = set(db.session.scalars(select(CalendarYear.year).where(CalendarYear.year.in_(set(by_year)))))
    for other, days in by_year.items():
        if other != year and other not in entered:
            raise ScheduleInvalid(f"{source}: {days[0][0]} belongs to {other}, whose schedule is not entered")
    count = enter_year(year, by_year[year], source)
    for other, days in by_year.items():
        if other != year:
            for day, kind, name in days:
                db.session.merge(CalendarDay(day=day, kind=kind, name=name[:40]))
    db.session.flush()
    return count


def import_file(path: Path, year: int) -> int:
    """Enter one year's schedule from a file (see import_text)."""
    return import_text(path.read_text(encoding="utf-8"), path.name, year)


def entered_years() -> list[tuple[CalendarYear, int]]:
    """Each entered year with its number of exceptional days, newest first."""
    from sqlalchemy import extract, func

    counts = dict(db.session.execute(
        select(extract("year", CalendarDay.day), func.count()).group_by(extract("year", CalendarDay.day))).all())
    years = db.session.scalars(select(CalendarYear).order_by(CalendarYear.year.desc()))
    return [(year, counts.get(year.year, 0)) for year in years]


def demo_report() -> str:
    """Enter the years chinesecalendar knows and say how many (the demo seed's line)."""
    return f"{len(import_package())} years entered"

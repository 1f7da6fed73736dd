"""Batch import of a blacklist published elsewhere, from XLSX or CSV.

Every row is checked first (required columns, USCC check character, county code, dates, coded
reason and training type, duplicates in the file and on the list); the caller decides whether
a file with bad rows is refused or imported without them. The command line and the staff page
both come through here: the command line lists the rows at once, an officer's upload waits for a
reviewer other than the officer.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select

from portal import tabular
from portal.blacklist import service
from portal.blacklist.models import BlacklistEntry, BlacklistReason
from portal.blacklist.service import DECISION_SEPARATORS
from portal.blacklist_import.listfile import (  # noqa: F401
    COLUMNS,
    ENGLISH,
    MAX_ROWS,
    REQUIRED,
    FileUnreadable,
    SourceRow,
    read,
    template_csv,
)
from portal.extensions import db
from portal.i18n import _
from portal.identifiers import InvalidIdentifier, normalise_uscc
from portal.institutions.models import Institution, InstitutionKind
from portal.regions.models import Region, RegionLevel
from portal.text import clean_text

LIMITS = {"name": 200, "address": 300, "authority": 200, "facts": 5000, "outcome": 5000, "decision_numbers": 500}
MAX_BATCH = 100
# Words published lists use for the coded columns, besides the codes themselves.
TRAINING_WORDS = {
    InstitutionKind.SUBJECT: ("学科", "学科类"),
    InstitutionKind.ARTS: ("艺术", "艺术类", "文化艺术", "文艺"),
    InstitutionKind.SPORTS: ("体育", "体育类"),
    InstitutionKind.TECHNOLOGY: ("科技", "科技类"),
    InstitutionKind.OTHER: ("其他", "其他类", "非学科", "非学科类"),
}
REASON_WORDS = {
    BlacklistReason.UNLICENSED: ("无证无照", "无证无照经营", "无证照"),
    BlacklistReason.INCOMPLETE_LICENCES: ("证照不全", "逾期证照不全"),
    BlacklistReason.NOT_ON_PLATFORM: ("未纳入全国监管平台", "未上平台", "未纳入平台监管"),
    BlacklistReason.SAFETY: ("安全隐患", "存在安全隐患"),
    BlacklistReason.ILLEGAL_TRAINING: ("违规培训", "违法违规培训"),
    BlacklistReason.BLACKLISTED_STAFF: ("聘用黑名单人员", "聘用黑名单从业人员"),
    BlacklistReason.SERIOUS: ("严重违规", "终身禁入"),
}


@dataclass
class Problem:
    """What is wrong with one cell of a row; `detail` is a row number or an entry id."""

    field: str
    code: str
    detail: object = None


@dataclass
class CheckedRow:
    number: int  # as the spreadsheet numbers it (the header is row 1 in a plain file)
    name: str
    data: service.EntryData | None
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Report:
    rows: list[CheckedRow]
    headers: dict[str, str]  # field: the column's name in this file

    @property
    def invalid(self) -> list[CheckedRow]:
        return [row for row in self.rows if row.problems]

    @property
    def valid(self) -> list[CheckedRow]:
        return [row for row in self.rows if not row.problems]



# ---- Checking ----------------------------------------------------------------------------------

_text = tabular.cell_text
_date = tabular.cell_date


def _coded(text: str, enum_class, words: dict) -> object | None:
    return tabular.coded(text, enum_class, words)


class _Known:
    """Open entries on the list, and what earlier rows of the file hold."""

    def __init__(self) -> None:
        rows = db.session.execute(select(BlacklistEntry.id, BlacklistEntry.uscc, BlacklistEntry.name,
                                         BlacklistEntry.region_code)
                                  .where(BlacklistEntry.state.in_(service.OPEN_STATES)))
        self.listed_codes: dict[str, int] = {}
        self.listed_names: dict[tuple[str, str], int] = {}
        for entry_id, uscc, name, county in rows:
            if uscc:
                self.listed_codes.setdefault(uscc, entry_id)
            self.listed_names.setdefault((name, county), entry_id)
        self.file_codes: dict[str, int] = {}
        self.file_names: dict[tuple[str, str], int] = {}


def _county(text: str, problems: list[Problem], scope_prefix: str | None) -> str:
    match = re.search(r"\d{6}", text)
    if not match:
        problems.append(Problem("county", "county_format"))
        return ""
    region = db.session.get(Region, match.group())
    if region is None:
        problems.append(Problem("county", "county_unknown", match.group()))
    elif region.level is not RegionLevel.COUNTY:
        problems.append(Problem("county", "county_level", match.group()))
    elif scope_prefix and not region.code.startswith(scope_prefix):
        problems.append(Problem("county", "county_outside", match.group()))
    return match.group()


def _dates(row: SourceRow, problems: list[Problem], today: dt.date) -> tuple[dt.date | None, dt.date | None]:
    found: dict[str, dt.date | None] = {"listed_on": None, "cutoff_date": None}
    for column in found:
        if _text(row.cells, column):
            try:
                found[column] = _date(row.cells[column])
            except ValueError:
                problems.append(Problem(column, "date_format"))
    if found["listed_on"] and found["listed_on"] > today:
        problems.append(Problem("listed_on", "date_future"))
    return found["listed_on"], found["cutoff_date"]


def _duplicates(number: int, uscc: str | None, name: str, county: str, known: _Known,
                problems: list[Problem]) -> None:
    if uscc and uscc in known.file_codes:
        problems.append(Problem("uscc", "duplicate_row", known.file_codes[uscc]))
    elif uscc and uscc in known.listed_codes:
        problems.append(Problem("uscc", "duplicate_entry", known.listed_codes[uscc]))
    elif (name, county) in known.file_names:
        problems.append(Problem("name", "duplicate_row", known.file_names[(name, county)]))
    elif (name, county) in known.listed_names:
        problems.append(Problem("name", "duplicate_entry", known.listed_names[(name, county)]))
    if uscc:
        known.file_codes.setdefault(uscc, number)
    known.file_names.setdefault((name, county), number)


def check_row(row: SourceRow, known: _Known, today: dt.date, scope_prefix: str | None = None) -> CheckedRow:
    """One row checked against every rule; its entry data when nothing is wrong."""
    texts = {column: _text(row.cells, column) for column in COLUMNS}
    problems = [Problem(column, "required") for column in REQUIRED if not texts[column]]
    problems += [Problem(column, "too_long", limit) for column, limit in LIMITS.items()
                 if len(texts[column]) > limit]
    try:
        uscc = normalise_uscc(texts["uscc"])
    except InvalidIdentifier:
        uscc = None
        problems.append(Problem("uscc", "uscc_invalid"))
    if not uscc and not texts["address"] and not any(p.field == "uscc" for p in problems):
        problems.append(Problem("address", "address_required"))
    county = _county(texts["county"], problems, scope_prefix) if texts["county"] else ""
    training = _coded(texts["training_type"], InstitutionKind, TRAINING_WORDS)
    reason = _coded(texts["reason"], BlacklistReason, REASON_WORDS)
    if texts["training_type"] and training is None:
        problems.append(Problem("training_type", "training_unknown"))
    if texts["reason"] and reason is None:
        problems.append(Problem("reason", "reason_unknown"))
    listed_on, cutoff = _dates(row, problems, today)
    if texts["name"]:
        _duplicates(row.number, uscc, texts["name"], county, known, problems)
    if problems:
        return CheckedRow(row.number, texts["name"], None, problems)
    return CheckedRow(row.number, texts["name"], service.EntryData(
        region_code=county, name=texts["name"], training_type=training, reason=reason, facts=texts["facts"],
        authority_name=texts["authority"], uscc=uscc, address=texts["address"],
        decision_numbers=[n for n in DECISION_SEPARATORS.split(texts["decision_numbers"]) if n.strip()],
        outcome=texts["outcome"], cutoff_date=cutoff, listed_on=listed_on))


def check(headers: dict[str, str], rows: Iterable[SourceRow], today: dt.date,
          scope_prefix: str | None = None) -> Report:
    """Check every row (`rows` may be a progress bar); `scope_prefix` limits the counties to a
    jurisdiction."""
    known = _Known()
    return Report([check_row(row, known, today, scope_prefix) for row in rows], headers)


def check_batch(batch: str) -> str:
    """The batch name, cleaned; ValueError when empty or too long."""
    batch = clean_text(batch)
    if not batch or len(batch) > MAX_BATCH:
        raise ValueError(batch)
    return batch


# ---- Importing ---------------------------------------------------------------------------------

def import_rows(rows: Iterable[CheckedRow], batch: str, actor=None) -> list[BlacklistEntry]:
    """Store the valid rows as entries of the batch, linked to the registry by their code: listed
    from the command line (no actor), awaiting another person's review when an officer uploads."""
    rows = [row for row in rows if row.data is not None]
    codes = [row.data.uscc for row in rows if row.data.uscc]
    registry = dict(db.session.execute(select(Institution.uscc, Institution.id)
                                       .where(Institution.uscc.in_(codes))).all()) if codes else {}
    entries = []
    for row in rows:
        row.data.institution_id = registry.get(row.data.uscc)
        entries.append(service.add_listed(row.data, batch) if actor is None
                       else service.import_for_review(row.data, batch, actor))
    return entries


def describe(problem: Problem, headers: dict[str, str]) -> str:
    """A problem in words, in the request's language, naming the column as the file does."""
    column = headers.get(problem.field) or COLUMNS[problem.field][0]
    messages = {
        "required": _("%(column)s is empty.", column=column),
        "too_long": _("%(column)s is longer than %(limit)s characters.", column=column, limit=problem.detail),
        "uscc_invalid": _("%(column)s is not a valid unified social credit code (18 characters, check "
                          "character last).", column=column),
        "address_required": _("%(column)s is needed for an operator without a unified social credit code.",
                              column=column),
        "county_format": _("%(column)s needs a six-digit county code, for example 330106.", column=column),
        "county_unknown": _("No division has the code %(code)s.", code=problem.detail),
        "county_level": _("%(code)s is not a district or county code.", code=problem.detail),
        "county_outside": _("%(code)s is outside your jurisdiction.", code=problem.detail),
        "training_unknown": _("%(column)s is not one of the training types (学科类, 艺术类, 体育类, 科技类, "
                              "其他).", column=column),
        "reason_unknown": _("%(column)s is not one of the coded reasons.", column=column),
        "date_format": _("%(column)s is not a date; write it as 2026-03-01.", column=column),
        "date_future": _("%(column)s is in the future.", column=column),
        "duplicate_row": _("Same operator as row %(row)s.", row=problem.detail),
        "duplicate_entry": _("Already on the list or in the procedure (entry %(id)s).", id=problem.detail),
    }
    return messages[problem.code]


def unreadable(exc: FileUnreadable) -> str:
    """Why a file could not be read at all, in the request's language."""
    if exc.args[0] == "columns":
        return _("These columns are missing: %(columns)s.", columns="、".join(exc.args[1]))
    if exc.args[0] == "too_many":
        return _("The file has more than %(limit)s rows: split it.", limit=MAX_ROWS)
    if exc.args[0] == "empty":
        return _("The file has no rows.")
    return _("This is neither an XLSX workbook nor a CSV file in UTF-8 or GB18030.")


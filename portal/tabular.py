"""Reading a table an office hands in: an XLSX workbook's first sheet or a CSV file (UTF-8 or the
GB18030 that Excel in China saves), its header row matched to the column names a feature accepts.
Hostile files are refused before they cost anything: too many rows, archives that unpack too far,
XML that declares entities."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from portal.text import clean_text

# Lines read from a file beyond the rows asked for, blank ones included, and its widest useful row:
# a sheet may declare a million empty rows of 16,384 cells, and a spreadsheet's XML may unpack to
# far more than its size.
SPARE_LINES = 1_000
MAX_COLUMNS = 40
MAX_SHEET_BYTES = 50 * 1024 * 1024


class FileUnreadable(ValueError):
    """The file cannot be imported at all: args[0] is "format", "empty", "too_many" or
    "columns" (then args[1] lists the missing columns by their published names)."""


@dataclass
class SourceRow:
    """One row of the file: its number as the spreadsheet shows it, and its cells by field."""

    number: int
    cells: dict[str, object]


# ---- Reading -----------------------------------------------------------------------------------

def key(header: object) -> str:
    """A header or coded cell as compared: NFKC, case folded, without spaces."""
    return "".join(unicodedata.normalize("NFKC", str(header or "")).casefold().split())


@dataclass(frozen=True)
class Layout:
    """The columns a feature reads: field -> accepted header names (the published one first), the
    required fields, and the most rows a file may have."""

    columns: dict[str, tuple[str, ...]]
    required: tuple[str, ...]
    max_rows: int

    @property
    def header_keys(self) -> dict[str, str]:
        return {key(name): column for column, names in self.columns.items() for name in names}


def _table(lines: Iterable[tuple[int, list[object]]], layout: Layout) -> tuple[dict[str, str], list[SourceRow]]:
    """Header and rows from (row number, cells) pairs; blank rows skipped."""
    header_keys = layout.header_keys
    headers: dict[int, str] = {}
    shown: dict[str, str] = {}
    rows: list[SourceRow] = []
    for number, cells in lines:
        if number > layout.max_rows + SPARE_LINES:
            raise FileUnreadable("too_many", layout.max_rows)
        if all(cell is None or str(cell).strip() == "" for cell in cells):
            continue
        if not shown:
            for index, cell in enumerate(cells):
                column = header_keys.get(key(cell))
                if column and column not in shown:
                    headers[index], shown[column] = column, clean_text(str(cell))
            missing = [layout.columns[c][0] for c in layout.required if c not in shown]
            if missing:
                raise FileUnreadable("columns", missing)
            continue
        if len(rows) >= layout.max_rows:
            raise FileUnreadable("too_many", layout.max_rows)
        rows.append(SourceRow(number, {column: cells[index] for index, column in headers.items()
                                       if index < len(cells)}))
    if not shown:
        raise FileUnreadable("empty")
    return shown, rows


# A spreadsheet's XML never declares a document type or entities; a part that does is an attack
# (entity expansion, external entities), refused before any parser sees it, in UTF-8 or UTF-16.
XML_DECLARATIONS = tuple(marker.encode(encoding) for marker in ("<!DOCTYPE", "<!ENTITY")
                         for encoding in ("utf-8", "utf-16-le", "utf-16-be"))


def _check_parts(content: bytes) -> None:
    """Refuse an archive whose parts unpack to more than MAX_SHEET_BYTES (before unpacking them) or
    whose XML declares a document type or entities."""
    import zipfile

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        if sum(info.file_size for info in archive.infolist()) > MAX_SHEET_BYTES:
            raise FileUnreadable("format")
        for info in archive.infolist():
            if info.file_size and any(marker in archive.read(info) for marker in XML_DECLARATIONS):
                raise FileUnreadable("format")


def _xlsx_lines(content: bytes):
    """Rows of the first sheet, at most MAX_COLUMNS wide, ignoring the size the sheet declares;
    a file whose parts unpack to more than MAX_SHEET_BYTES, or whose XML declares entities, is
    refused before it is parsed. The sheet is parsed as it is read: a fault there is the file's."""
    from openpyxl import load_workbook

    try:
        _check_parts(content)
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except FileUnreadable:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise FileUnreadable("format") from exc
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # do not trust <dimension>: it can claim a million rows
        rows = enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1)
        while True:
            try:
                number, cells = next(rows)
            except StopIteration:
                return
            except Exception as exc:  # malformed sheet XML, a cell openpyxl cannot convert
                raise FileUnreadable("format") from exc
            yield number, list(cells)
    finally:
        book.close()


def _csv_lines(content: bytes):
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GB18030 (GBK)
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise FileUnreadable("format")
    if "\x00" in text:
        raise FileUnreadable("format")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for cells in reader:
            yield reader.line_num, list(cells)
    except csv.Error as exc:
        raise FileUnreadable("format") from exc


def read(content: bytes, layout: Layout) -> tuple[dict[str, str], list[SourceRow]]:
    """The columns found and the rows of an XLSX workbook (its first sheet) or a CSV file."""
    if content.startswith(b"PK\x03\x04"):
        return _table(_xlsx_lines(content), layout)
    return _table(_csv_lines(content), layout)


# ---- Reading cells -----------------------------------------------------------------------------

DATE_PATTERN = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


def cell_text(cells: dict[str, object], column: str) -> str:
    """A cell as clean text ("" when absent); a whole number read as a float loses its ".0"."""
    value = cells.get(column)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_text(str(value))


def cell_date(value: object) -> dt.date | None:
    """A date from a spreadsheet date or from 2026-03-01, 2026/3/1, 2026年3月1日 or 20260301;
    ValueError for anything else."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = clean_text(str(value or ""))
    match = DATE_PATTERN.fullmatch(text) or (re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text))
    if not match:
        raise ValueError(text)
    return dt.date(*(int(part) for part in match.groups()))


def coded(text: str, enum_class, words: dict) -> object | None:
    """The member of `enum_class` whose value, or one of whose `words`, the text is (compared as
    `key` compares headers); never its label, which depends on the language."""
    wanted = key(text)
    for member in enum_class:
        names = (member.value, *words.get(member, ()))
        if wanted in {key(name) for name in names}:
            return member
    return None

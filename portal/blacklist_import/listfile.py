"""Reading a published blacklist file: an XLSX workbook's first sheet or a CSV file, its header
row matched to the published column names (Chinese) or English ones."""
from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from portal.text import clean_text

# field: the published column name first (it heads the template), then other names accepted.
COLUMNS = {
    "name": ("机构名称", "名称", "name", "institution name", "operator name"),
    "uscc": ("统一社会信用代码", "uscc", "unified social credit code", "credit code"),
    "address": ("地址", "address"),
    "county": ("所属区县（代码）", "所属区县(代码)", "所属区县", "区县代码", "county", "county code"),
    "training_type": ("培训类型", "training type", "type"),
    "reason": ("列入事由", "reason"),
    "facts": ("违规事实", "facts"),
    "authority": ("决定机关", "deciding authority", "authority"),
    "listed_on": ("列入日期", "date listed", "listed on"),
    "cutoff_date": ("截止日期", "cut-off date", "cutoff date"),
    "outcome": ("处理结果", "outcome"),
    "decision_numbers": ("关联处罚决定书文号", "处罚决定书文号", "decision numbers", "penalty decision numbers"),
}
ENGLISH = {column: next(name for name in names if name.isascii()) for column, names in COLUMNS.items()}
REQUIRED = ("name", "county", "training_type", "reason", "facts", "authority", "listed_on")
MAX_ROWS = 20_000
# Lines read from a file, blank ones included, and its widest useful row: a sheet may declare a
# million empty rows of 16,384 cells, and a spreadsheet's XML may unpack to far more than its size.
MAX_LINES = MAX_ROWS + 1_000
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


HEADER_KEYS = {key(name): column for column, names in COLUMNS.items() for name in names}


def _table(lines: Iterable[tuple[int, list[object]]]) -> tuple[dict[str, str], list[SourceRow]]:
    """Header and rows from (row number, cells) pairs; blank rows skipped."""
    headers: dict[int, str] = {}
    shown: dict[str, str] = {}
    rows: list[SourceRow] = []
    for number, cells in lines:
        if number > MAX_LINES:
            raise FileUnreadable("too_many", MAX_ROWS)
        if all(cell is None or str(cell).strip() == "" for cell in cells):
            continue
        if not shown:
            for index, cell in enumerate(cells):
                column = HEADER_KEYS.get(key(cell))
                if column and column not in shown:
                    headers[index], shown[column] = column, clean_text(str(cell))
            missing = [COLUMNS[c][0] for c in REQUIRED if c not in shown]
            if missing:
                raise FileUnreadable("columns", missing)
            continue
        if len(rows) >= MAX_ROWS:
            raise FileUnreadable("too_many", MAX_ROWS)
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


def read(content: bytes) -> tuple[dict[str, str], list[SourceRow]]:
    """The columns found and the rows of an XLSX workbook (its first sheet) or a CSV file."""
    if content.startswith(b"PK\x03\x04"):
        return _table(_xlsx_lines(content))
    return _table(_csv_lines(content))


def template_csv() -> str:
    """A template for the published columns, with one example row."""
    from portal.csvexport import to_csv

    example = ["西湖某某培训工作室", "", "杭州市西湖区文三路1号", "330106", "学科类", "无证无照",
               "未取得办学许可证，在居民楼内开展学科类培训。", "杭州市西湖区教育局", "2026-03-01", "2026-06-30",
               "责令停止培训，退还费用", "杭西教罚〔2026〕1号"]
    return to_csv([names[0] for names in COLUMNS.values()], [example])

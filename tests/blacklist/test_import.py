"""Batch import of a published list: the command line with the sample file that has two bad
rows (refused with a report naming them, then imported with --skip-invalid), XLSX as well as
CSV, header names in English, duplicates in the file and on the list, and the staff page, whose
uploads wait for a reviewer other than the importer before they are public."""
from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from portal.accounts.models import Role, User
from portal.blacklist import history, service
from portal.blacklist.models import BlacklistEntry, BlacklistEvent, BlacklistState
from portal.blacklist_import import service as imports
from portal.extensions import db
from portal.institutions.models import Institution
from portal.security.audit import for_object
from tests.support.accounts import signed_in_client
from tests.support.blacklist import post_step
from tests.support.forms import hidden

SAMPLE = Path(__file__).parent / "data" / "two_bad_rows.csv"
BATCH = "2026年第一批"
GOOD_NAMES = {"西湖向日葵培训中心", "滨江小画家美术工作室", "城西区无名托管点", "西宁乐跑体育俱乐部"}


def sample_rows() -> list[list[str]]:
    with SAMPLE.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


@pytest.fixture
def sample_xlsx(tmp_path) -> Path:
    """The sample as a real workbook, the county as a number and a date as a spreadsheet date."""
    book = Workbook()
    sheet = book.active
    for number, row in enumerate(sample_rows(), start=1):
        if number > 1:
            row[3] = int(row[3])
            if number == 2:
                row[8] = dt.datetime(2026, 3, 1)
        sheet.append(row)
    path = tmp_path / "list.xlsx"
    book.save(path)
    return path


def entries_of(app, batch=BATCH) -> dict[str, BlacklistEntry]:
    with app.app_context():
        found = db.session.scalars(select(BlacklistEntry).where(BlacklistEntry.batch == batch))
        return {entry.name: entry for entry in found}


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_two_bad_rows_refuse_the_file_then_skip_invalid_imports_the_rest(app, runner, sample_xlsx, kind):
    path = SAMPLE if kind == "csv" else sample_xlsx
    refused = runner.invoke(args=["blacklist", "import", str(path), "--batch", BATCH])
    assert refused.exit_code == 1, refused.output
    assert "row 4: 统一社会信用代码 is not a valid unified social credit code" in refused.output
    assert "row 6: 330100 is not a district or county code." in refused.output
    assert "nothing imported: 2 of 6 rows have errors" in refused.output
    assert "row 2" not in refused.output and "row 5" not in refused.output
    assert entries_of(app) == {}

    imported = runner.invoke(args=["blacklist", "import", str(path), "--batch", BATCH, "--skip-invalid"])
    assert imported.exit_code == 0, imported.output
    assert "4 entries imported as batch 2026年第一批, 2 rows skipped" in imported.output
    entries = entries_of(app)
    assert set(entries) == GOOD_NAMES
    with app.app_context():
        sunflower = db.session.get(BlacklistEntry, entries["西湖向日葵培训中心"].id)
        assert sunflower.state is BlacklistState.LISTED and sunflower.listed_on == dt.date(2026, 3, 1)
        assert sunflower.cutoff_date == dt.date(2026, 2, 20) and sunflower.proposer_id is None
        assert sunflower.decision_number_list == ["杭西教罚〔2026〕1号"]
        event = db.session.scalar(select(BlacklistEvent).where(BlacklistEvent.entry_id == sunflower.id))
        assert (event.from_state, event.to_state, event.note) == (None, BlacklistState.LISTED, BATCH)
        no_code = db.session.get(BlacklistEntry, entries["城西区无名托管点"].id)
        assert no_code.uscc is None and no_code.listed_on == dt.date(2026, 3, 4)
        runner_entry = db.session.get(BlacklistEntry, entries["西宁乐跑体育俱乐部"].id)
        assert runner_entry.decision_number_list == ["西教罚〔2026〕5号", "西教罚〔2026〕6号"]

    again = runner.invoke(args=["blacklist", "import", str(path), "--batch", "重复导入"])
    assert again.exit_code == 1
    assert again.output.count("Already on the list or in the procedure") == 4  # no double listing


def test_the_report_speaks_chinese_on_request(app, runner):
    result = runner.invoke(args=["blacklist", "import", str(SAMPLE), "--batch", BATCH, "--lang", "zh_CN"])
    assert result.exit_code == 1 and "row 4:" in result.output and "row 6:" in result.output


def test_a_file_without_the_required_columns_is_refused(app, runner, tmp_path):
    path = tmp_path / "wrong.csv"
    path.write_text("名称,地址\n某培训部,某地\n", encoding="utf-8")
    result = runner.invoke(args=["blacklist", "import", str(path), "--batch", BATCH])
    assert result.exit_code == 1
    assert ("These columns are missing: 所属区县（代码）、培训类型、列入事由、违规事实、"
            "决定机关、列入日期") in result.output
    garbage = tmp_path / "x.xlsx"
    garbage.write_bytes(b"PK\x03\x04not really a workbook")
    result = runner.invoke(args=["blacklist", "import", str(garbage), "--batch", BATCH])
    assert result.exit_code == 1 and "neither an XLSX workbook nor a CSV file" in result.output
    result = runner.invoke(args=["blacklist", "import", str(SAMPLE), "--batch", " "])
    assert result.exit_code == 2


def check(text: str, scope=None) -> imports.Report:
    headers, rows = imports.read(text.encode("gb18030"))
    return imports.check(headers, rows, dt.date(2026, 11, 29), scope)


def test_english_headers_gbk_csv_and_the_rules_of_each_cell(ctx):
    report = check(
        "Name,USCC,Address,County,Training type,Reason,Facts,Deciding authority,Date listed\n"
        "甲培训部,913301069458073055,杭州,330106,subject,unlicensed,事实,西湖区教育局,2026-03-01\n"
        "乙培训部,913301069458073055,杭州,330106,学科类,无证无照,事实,西湖区教育局,2026-03-01\n"
        "甲培训部,,杭州,330106,学科类,无证无照,事实,西湖区教育局,2026-03-01\n"
        ",,,999999,魔法,随便,,,2027-01-01\n"
        "丙培训部,,,330106,艺术,安全隐患,事实,西湖区教育局,3月1日\n")
    assert [row.number for row in report.valid] == [2]
    problems = {row.number: {(p.field, p.code) for p in row.problems} for row in report.invalid}
    assert problems[3] == {("uscc", "duplicate_row")}
    assert problems[4] == {("name", "duplicate_row")}
    assert problems[5] == {("name", "required"), ("facts", "required"), ("authority", "required"),
                           ("address", "address_required"), ("county", "county_unknown"),
                           ("training_type", "training_unknown"), ("reason", "reason_unknown"),
                           ("listed_on", "date_future")}
    assert problems[6] == {("address", "address_required"), ("listed_on", "date_format")}
    assert report.headers["uscc"] == "USCC"


def test_staff_uploads_only_inside_their_jurisdiction(ctx):
    report = check(SAMPLE.read_text(encoding="utf-8"), scope="3301")
    outside = {row.number for row in report.invalid if any(p.code == "county_outside" for p in row.problems)}
    assert outside == {5, 7}  # the Xining rows


def test_a_registered_code_links_the_registry(ctx):
    institution = db.session.scalar(select(Institution).where(Institution.uscc.is_not(None)).limit(1))
    text = ("机构名称,统一社会信用代码,所属区县(代码),培训类型,列入事由,违规事实,决定机关,列入日期\n"
            f"{institution.name},{institution.uscc},{institution.region_code},学科类,违规培训,事实,教育局,2026-01-05\n")
    report = check(text)
    entry = imports.import_rows(report.valid, BATCH)[0]
    assert entry.institution_id == institution.id


def test_the_template_has_the_published_columns(ctx):
    text = imports.template_csv()
    assert text.startswith("\ufeff机构名称,统一社会信用代码,地址,所属区县（代码）,培训类型,列入事由,违规事实,"
                           "决定机关,列入日期,截止日期,处理结果,关联处罚决定书文号")
    headers, rows = imports.read(text.encode("utf-8"))
    assert imports.check(headers, rows, dt.date(2026, 11, 29)).invalid == []


# ---- The staff page ----------------------------------------------------------------------------

@pytest.fixture
def city_handler(signed_in):
    return signed_in(Role.HANDLER, "330100", username="bl.import", certificate="浙杭执字8801")


def upload(client, path: Path, action="import", skip=False, batch=BATCH):
    token = hidden(client.get("/staff/blacklist/import").get_data(as_text=True), "csrf_token")
    data = {"csrf_token": token, "batch": batch, "action": action,
            "file": (io.BytesIO(path.read_bytes()), path.name)}
    if skip:
        data["skip_invalid"] = "y"
    return client.post("/staff/blacklist/import?lang=en", data=data, content_type="multipart/form-data")


def test_the_import_page_reports_rows_and_imports_only_when_told(app, city_handler, sample_xlsx):
    page = city_handler.get("/staff/blacklist/import?lang=en").get_data(as_text=True)
    assert "统一社会信用代码" in page and "/staff/blacklist/import/template.csv" in page
    refused = upload(city_handler, sample_xlsx)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Nothing was imported" in page
    for number in (4, 5, 6, 7):  # the two bad rows, and the two Xining rows outside Hangzhou
        assert f"Row {number}" in page
    assert "Row 2<" not in page
    assert "330100 is not a district or county code." in page and "630104 is outside your jurisdiction." in page
    assert entries_of(app) == {}
    checked = upload(city_handler, sample_xlsx, action="check", skip=True)
    assert checked.status_code == 422 and entries_of(app) == {}
    done = upload(city_handler, sample_xlsx, skip=True)
    page = done.get_data(as_text=True)
    assert done.status_code == 200 and "2 entries imported." in page
    assert "they await a reviewer other than you" in page and "state=listing_review" in page
    assert set(entries_of(app)) == {"西湖向日葵培训中心", "滨江小画家美术工作室"}


def test_an_officers_upload_waits_for_another_reviewer_before_it_is_public(app, city_handler, sample_xlsx):
    """One officer cannot put an operator on the public list: the upload is a request for listing
    that a reviewer other than the importer approves (or returns), entry by entry."""
    assert upload(city_handler, sample_xlsx, skip=True).status_code == 200
    entries = entries_of(app)
    sunflower, painter = entries["西湖向日葵培训中心"].id, entries["滨江小画家美术工作室"].id
    with app.app_context():
        importer = db.session.scalar(select(User).where(User.username == "bl.import"))
        for entry_id in (sunflower, painter):
            entry = db.session.get(BlacklistEntry, entry_id)
            assert entry.state is BlacklistState.LISTING_REVIEW and entry.proposer_id == importer.id
            event = service.history(entry)[0]
            assert (event.from_state, event.to_state, event.actor_id, event.note) == (
                None, BlacklistState.LISTING_REVIEW, importer.id, BATCH)
            assert history.kind(event) is history.IMPORTED_FOR_REVIEW
            record = for_object("blacklist_entry", entry_id)[0]
            assert (record.actor, record.action, record.reason) == (
                f"user:{importer.id}", "blacklist.imported_for_review", BATCH)
            assert service.allowed_steps(entry, importer) == []  # the importer cannot approve it
    public = app.test_client()
    assert public.get(f"/blacklist/{sunflower}").status_code == 404
    assert "西湖向日葵培训中心" not in public.get("/blacklist?q=向日葵").get_data(as_text=True)
    assert "西湖向日葵培训中心" not in public.get("/blacklist.csv").get_data(as_text=True)
    detail = city_handler.get(f"/staff/blacklist/{sunflower}?lang=en").get_data(as_text=True)
    assert "Imported from a published list for review" in detail and "Approve the listing" not in detail

    reviewer = signed_in_client(app, "bl.import.reviewer", Role.REVIEWER, "330100")
    assert post_step(reviewer, sunflower, "approve_listing").status_code == 302
    assert post_step(reviewer, painter, "return_listing", note="决定书文号待核实").status_code == 302
    with app.app_context():
        listed = db.session.get(BlacklistEntry, sunflower)
        assert listed.state is BlacklistState.LISTED and listed.listed_on == dt.date(2026, 3, 1)  # as published
        assert [r.action for r in for_object("blacklist_entry", sunflower)] == [
            "blacklist.imported_for_review", "blacklist.approve_listing"]
        assert db.session.get(BlacklistEntry, painter).state is BlacklistState.NOTICE
    page = public.get(f"/blacklist/{sunflower}?lang=en")
    assert page.status_code == 200 and "Listed after review" in page.get_data(as_text=True)
    assert "bl.import" not in page.get_data(as_text=True)
    assert "西湖向日葵培训中心" in public.get("/blacklist?q=向日葵").get_data(as_text=True)
    assert public.get(f"/blacklist/{painter}").status_code == 404


def test_the_template_downloads(city_handler):
    response = city_handler.get("/staff/blacklist/import/template.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "关联处罚决定书文号" in response.get_data(as_text=True)


def test_a_file_that_is_not_a_list_is_refused_beside_the_field(app, city_handler, tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("hello\n", encoding="utf-8")
    response = upload(city_handler, path)
    assert response.status_code == 422 and "These columns are missing" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(BlacklistEntry)
                                 .where(BlacklistEntry.batch == BATCH)) == 0


def test_a_sheet_that_declares_a_million_rows_is_read_quickly_and_refused(tmp_path):
    """A few kilobytes that declare A1:XFD1048576 and put one row far down must not make the
    importer walk every empty row (the sheet's declared size is not trusted)."""
    import zipfile

    from portal import tabular
    from portal.blacklist_import import listfile

    path = tmp_path / "bomb.xlsx"
    header = "".join(f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{names[0]}</t></is></c>'
                     for i, names in enumerate(listfile.COLUMNS.values()))
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             f'spreadsheetml/2006/main"><dimension ref="A1:XFD1048576"/><sheetData><row r="1">{header}</row>'
             '<row r="900000"><c r="A900000" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>')
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                         'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
                         'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
                         '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.'
                         'openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/'
                         'worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                         'spreadsheetml.worksheet+xml"/></Types>')
        archive.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                         'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.'
                         'org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
                         '</Relationships>')
        archive.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/'
                         'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
                         'relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
        archive.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.'
                         'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
                         'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="'
                         'worksheets/sheet1.xml"/></Relationships>')
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    lines = tabular._xlsx_lines(path.read_bytes())
    with pytest.raises(listfile.FileUnreadable) as refused:  # before: minutes of empty rows, then accepted
        tabular._table(lines, listfile.LAYOUT)
    assert refused.value.args[0] == "too_many"


def workbook_with_sheet(path: Path, sheet: str) -> Path:
    """A minimal XLSX whose only sheet is the XML given, as a hostile file would be made."""
    import zipfile

    main = "http://schemas.openxmlformats.org"
    xml = '<?xml version="1.0"?>'
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", xml + f'<Types xmlns="{main}/package/2006/content-types">'
                         '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships'
                         '+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
                         'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.'
                         'main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
                         'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
        archive.writestr("_rels/.rels", xml + f'<Relationships xmlns="{main}/package/2006/relationships">'
                         f'<Relationship Id="rId1" Type="{main}/officeDocument/2006/relationships/officeDocument" '
                         'Target="xl/workbook.xml"/></Relationships>')
        archive.writestr("xl/workbook.xml", xml + f'<workbook xmlns="{main}/spreadsheetml/2006/main" '
                         f'xmlns:r="{main}/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" '
                         'r:id="rId1"/></sheets></workbook>')
        archive.writestr("xl/_rels/workbook.xml.rels", xml + f'<Relationships xmlns="{main}/package/2006/'
                         f'relationships"><Relationship Id="rId1" Type="{main}/officeDocument/2006/relationships/'
                         'worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return path


def _header_row() -> str:
    from portal.blacklist_import import listfile

    return "".join(f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{names[0]}</t></is></c>'
                   for i, names in enumerate(listfile.COLUMNS.values()))


SHEET_OPEN = '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
LAUGHS = ('<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
          '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>')


@pytest.mark.parametrize("sheet", [
    # Malformed: the header row parses; the second row has a number cell that is no number, and one
    # whose reference is no cell (openpyxl raises as it reads them).
    f'<?xml version="1.0"?>{SHEET_OPEN}<row r="1">' + "{header}" + '</row><row r="2"><c r="A2" t="n"><v>abc</v></c>'
    '</row></sheetData></worksheet>',
    f'<?xml version="1.0"?>{SHEET_OPEN}<row r="1">' + "{header}" + '</row><row r="2"><c r="!!"><v>1</v></c>'
    '</row></sheetData></worksheet>',
    # Entity-laden: a document type declaring entities that expand (a "billion laughs", kept small).
    LAUGHS + f'{SHEET_OPEN}<row r="1">' + "{header}" + '</row><row r="2"><c r="A2" t="inlineStr"><is><t>&d;</t></is>'
    '</c></row></sheetData></worksheet>',
], ids=["not-a-number", "not-a-cell", "entities"])
def test_a_malformed_or_entity_laden_workbook_is_refused_beside_the_field(app, city_handler, tmp_path, sheet):
    path = workbook_with_sheet(tmp_path / "list.xlsx", sheet.replace("{header}", _header_row()))
    response = upload(city_handler, path)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert imports.unreadable(imports.FileUnreadable("format")) in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(BlacklistEntry)
                                 .where(BlacklistEntry.batch == BATCH)) == 0

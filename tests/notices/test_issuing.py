"""Written notices are issued at their steps, numbered per office and year, kept exactly as issued
(their hash in the audit trail), and name nobody: the reporter is 投诉举报人 with the case number."""
import datetime as dt
import io
import json
import re

import pypdf
import pytest
from sqlalchemy import text as sql

from portal.accounts.models import Role
from portal.casework import service as casework
from portal.deadline_extensions import service as extensions
from portal.extensions import db
from portal.intake import tracking
from portal.notices import kinds, offices, pdf, service
from portal.notices.models import Notice
from portal.security import audit
from tests.support.accounts import staff_user
from tests.support.complaints import MARKER_ID, MARKER_NAME, MARKER_PHONE, file, named_identity

NOW = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.timezone.utc)  # Monday 10:00 in Beijing


@pytest.fixture
def handler(ctx):
    return staff_user("nt.handler", Role.HANDLER, "330106", "浙杭执字0601", display_name="李承办")


def seq(number: str) -> int:
    """The sequence number of a 文号 in the default pattern (the demo data has issued some already)."""
    return int(re.fullmatch(r".+〔\d{4}〕(\d+)号", number).group(1))


def kinds_of(complaint):
    return [n.kind for n in service.for_case(complaint)]


def pdf_text(notice) -> str:
    return "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf.render(notice))).pages)


def test_accepting_issues_the_notice_of_acceptance_with_authority_number_and_due_date(handler):
    complaint = file().complaint
    casework.apply(complaint, "accept", handler, now=NOW)
    [notice] = service.for_case(complaint)
    assert (notice.kind, notice.title, notice.authority) == ("acceptance", "受理告知书", "杭州市西湖区教育局")
    assert notice.number.startswith("西湖教信〔2026〕") and notice.issued_on == dt.date(2026, 11, 23)
    lines = notice.text.split("\n")
    assert lines[:3] == ["杭州市西湖区教育局", "受理告知书", notice.number]
    assert lines[4] == f"投诉举报人（投诉举报编号：{complaint.case_number}）："
    assert "办理期限至2027年1月22日" in notice.text and "第二十三条" in notice.text
    assert lines[-3:] == ["杭州市西湖区教育局", "（印章）", "2026年11月23日"]


def test_each_step_issues_its_own_kind(handler, ctx):
    head = staff_user("nt.head", Role.HANDLER, "330106", "浙杭执字0600")
    head.office_head = True
    refused = file().complaint
    casework.apply(refused, "not_accept", handler, "不属于校外培训机构监管范围。", now=NOW)
    assert kinds_of(refused) == ["non_acceptance"]
    assert "不属于校外培训机构监管范围。" in service.for_case(refused)[0].text
    moved = file().complaint
    casework.apply(moved, "transfer", handler, "属于市场监管职责。", destination="西湖区市场监督管理局", now=NOW)
    assert kinds_of(moved) == ["transfer"] and "转送西湖区市场监督管理局处理" in service.for_case(moved)[0].text
    case = file().complaint
    casework.apply(case, "accept", handler, now=NOW)
    asked = extensions.request(case, handler, 30, "需要对两处教学点现场核查", now=NOW)
    assert kinds_of(case) == ["acceptance"]  # a request tells the reporter nothing yet
    extensions.decide(asked, case, head, True, now=NOW)
    extension = service.for_case(case)[-1]
    assert extension.kind == "extension" and "延长30日" in extension.text and "2027年2月22日" in extension.text
    assert "需要对两处教学点现场核查" in extension.text
    casework.apply(case, "conclude", handler, "经查属实，已责令退费。", now=NOW)
    reply = service.for_case(case)[-1]
    assert reply.title == "答复意见书" and "经查属实，已责令退费。" in reply.text
    assert "三十日内向杭州市教育局请求复查" in reply.text and "行政复议" not in reply.text
    tracking.request_review(case, "答复与事实不符。", NOW)
    city = staff_user("nt.city", Role.HANDLER, "330100", "浙杭执字0001")
    casework.apply(case, "decide_review", city, "复查认定：维持原答复。", now=NOW)
    review = service.for_case(case)[-1]
    assert (review.title, review.authority, review.region_code) == ("复查意见书", "杭州市教育局", "330100")
    assert "向浙江省教育厅请求复核" in review.text and review.number.startswith("杭州教信〔2026〕")
    tracking.request_review(case, "仍不服。", NOW)
    province = staff_user("nt.province", Role.HANDLER, "330000", "浙执字0001")
    casework.apply(case, "decide_review", province, "复核认定：维持复查意见。", now=NOW)
    final = service.for_case(case)[-1]
    assert (final.title, final.authority) == ("复核意见书", "浙江省教育厅") and "不再受理" in final.text
    assert kinds_of(case) == ["acceptance", "extension", "reply", "review", "re_review"]


def test_numbers_run_per_office_and_year(handler, ctx):
    first, second = file().complaint, file().complaint
    casework.apply(first, "accept", handler, now=NOW)
    casework.apply(second, "accept", handler, now=NOW)
    casework.apply(first, "conclude", handler, "已办结。", now=NOW)
    numbers = [n.number for n in service.for_case(first) + service.for_case(second)]
    assert all(n.startswith("西湖教信〔2026〕") for n in numbers)
    start = seq(numbers[0])
    assert [seq(n) for n in numbers] == [start, start + 2, start + 1]  # in the order issued, across cases
    elsewhere = staff_user("nt.gongshu", Role.HANDLER, "330105", "浙杭执字0700")
    other = file(region_code="330105").complaint
    before = offices.next_seq("330105", 2026)  # takes one: the next issue is the one after it
    casework.apply(other, "accept", elsewhere, now=NOW)
    assert service.for_case(other)[0].number == f"拱墅教信〔2026〕{before + 1}号"
    next_year = file().complaint
    casework.apply(next_year, "accept", handler, now=dt.datetime(2027, 1, 4, 2, 0, tzinfo=dt.timezone.utc))
    assert service.for_case(next_year)[0].number == "西湖教信〔2027〕1号"


def test_an_office_sets_its_authority_and_pattern_and_the_change_is_audited(handler, ctx):
    admin = staff_user("nt.admin", Role.ADMIN, "330106")
    with pytest.raises(offices.NotOfficeAdministrator):
        offices.update(handler, "西湖区教育局", "西", "{office_short}〔{year}〕{seq}号", False, NOW)
    for bad, problem in (("{office_short}〔{year}〕号", "unique"), ("{seq}{year}{year.__class__}", "placeholder"),
                         ("{seq}{year}}", "placeholder")):
        with pytest.raises(offices.BadPattern) as refused:
            offices.update(admin, "西湖区教育局", "西", bad, False, NOW)
        assert refused.value.args == (problem,)
    offices.update(admin, "杭州市西湖区教育局", "西", "{office_short}教{kind}〔{year}〕{seq}号", True, NOW)
    changed = [r for r in audit.for_object("office", "330106") if r.action == "notice_settings.changed"][-1]
    assert changed.actor == f"user:{admin.id}" and json.loads(changed.after)["second_signoff"] is True
    assert json.loads(changed.before)["number_pattern"] == offices.DEFAULT_PATTERN
    complaint = file().complaint
    casework.apply(complaint, "accept", handler, now=NOW)
    assert re.fullmatch(r"西教受〔2026〕\d+号", service.for_case(complaint)[0].number)


def test_a_notice_is_kept_as_issued_whatever_changes_afterwards(handler, ctx):
    complaint = file().complaint
    casework.apply(complaint, "accept", handler, now=NOW)
    notice = service.for_case(complaint)[0]
    issued = notice.text
    [record] = [r for r in audit.for_object("notice", notice.id) if r.action == "notice.issued"]
    assert json.loads(record.after)["sha256"] == notice.sha256 == __import__("hashlib").sha256(
        issued.encode()).hexdigest() and record.actor == f"user:{handler.id}"
    admin = staff_user("nt.admin2", Role.ADMIN, "330106")
    offices.update(admin, "另一个名称教育局", "另", "{office_short}〔{year}〕{seq}号", False, NOW)
    casework.apply(complaint, "conclude", handler, "已办结。", now=NOW)
    db.session.expire_all()
    again = db.session.get(Notice, notice.id)
    assert again.text == issued and again.authority == "杭州市西湖区教育局" and service.intact(again)
    assert service.for_case(complaint)[1].authority == "另一个名称教育局"
    with pytest.raises(Exception), db.session.begin_nested():  # the database refuses to change it
        db.session.execute(sql("UPDATE notices SET text = 'x' WHERE id = :id"), {"id": notice.id})
    with pytest.raises(Exception), db.session.begin_nested():
        db.session.execute(sql("DELETE FROM notices WHERE id = :id"), {"id": notice.id})
    assert db.session.get(Notice, notice.id).text == issued


def test_notices_name_nobody_and_tell_nothing_internal(handler, ctx):
    complaint = file(identity=named_identity()).complaint
    casework.apply(complaint, "note", handler, "内部线索：举报人疑似该机构前员工。", now=NOW)
    casework.apply(complaint, "accept", handler, now=NOW)
    casework.apply(complaint, "conclude", handler, "已责令整改。", now=NOW)
    for notice in service.for_case(complaint):
        for marker in (MARKER_NAME, MARKER_PHONE, MARKER_ID, "内部线索", handler.display_name,
                       complaint.description, "小蜜蜂学习屋"):
            assert marker not in notice.text


def test_the_pdf_holds_the_case_number_the_authority_and_the_number(handler):
    complaint = file().complaint
    casework.apply(complaint, "accept", handler, now=NOW)
    casework.apply(complaint, "conclude", handler, "经查属实，已责令该机构停止违规培训并退还费用。" * 12, now=NOW)
    for notice in service.for_case(complaint):
        extracted = pdf_text(notice)
        for expected in (complaint.case_number, "杭州市西湖区教育局", notice.number, notice.title):
            assert expected in extracted.replace("\n", "")


def test_a_kind_added_by_another_feature_is_issued_at_its_step(app, handler):
    extra = kinds.Kind("memo", "备忘告知书", "Memo", "备", ("complaint", "start"), ("received_on",),
                       "　　本机关于{received_on}收到您反映的投诉举报事项，现已开始调查。", lambda f: {
                           "received_on": kinds.cn_date(f.complaint.received_on)})
    kinds.register(app, extra)
    try:
        complaint = file().complaint
        casework.apply(complaint, "accept", handler, now=NOW)
        casework.apply(complaint, "start", handler, now=NOW)
        assert kinds_of(complaint) == ["acceptance", "memo"]
        assert "现已开始调查" in service.for_case(complaint)[1].text
    finally:
        del app.extensions["portal.notice_kinds"]["memo"]


def test_a_named_reporter_is_told_in_writing_whether_a_case_was_opened(handler):
    from portal.enforcement import service as enforcement

    opened = file(identity=named_identity()).complaint
    record = enforcement.record_lead(opened, handler, now=NOW)
    enforcement.decide(record, opened, handler, True, dt.date(2026, 11, 23), now=NOW)
    [notice] = [n for n in service.for_case(opened) if n.kind == "case_opened"]
    assert notice.title == "立案告知书" and record.number in notice.text and "2026年11月23日决定立案" in notice.text
    extracted = pdf_text(notice).replace("\n", "")
    for expected in (opened.case_number, "杭州市西湖区教育局", notice.number, record.number):
        assert expected in extracted
    declined = file(identity=named_identity()).complaint
    record = enforcement.record_lead(declined, handler, now=NOW)
    enforcement.decide(record, declined, handler, False, dt.date(2026, 11, 23), "举报事项不属实，未发现违法行为。",
                       now=NOW)
    [notice] = [n for n in service.for_case(declined) if n.kind == "case_not_opened"]
    assert notice.title == "不予立案告知书" and "未发现违法行为" in notice.text
    anonymous = file().complaint  # no one to tell by name: no notice
    record = enforcement.record_lead(anonymous, handler, now=NOW)
    enforcement.decide(record, anonymous, handler, True, dt.date(2026, 11, 23), now=NOW)
    assert not [n for n in service.for_case(anonymous) if n.kind.startswith("case_")]

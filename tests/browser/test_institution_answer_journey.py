"""An institution answers a refund dispute online, in a real Chromium: the officer sends the registered
contact a one-time link; the institution opens it on a phone (360 px, no JavaScript), proposes a refund
and sends a document; the officer and the parent then read the answer. The refunds page is screenshot too."""
import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from portal import clock
from portal.accounts.models import Role
from portal.casework.models import Category
from portal.extensions import db
from tests.browser.fixtures import ARTIFACTS, staff_tab
from tests.support import files, institutions
from tests.support.accounts import make_account
from tests.support.complaints import file, named_identity
from tests.support.institution_answers import FACTS, link_path, sent_messages

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def serious(page) -> list[str]:
    """axe-core's serious and critical findings on the page."""
    return [f"{page.url}: {v['id']}" for v in Axe().run(page).response["violations"]
            if v["impact"] in ("serious", "critical")]


def test_an_institution_answers_through_its_link_and_both_sides_see_it(chromium, live_server, live_app):
    _id, secret = make_account(live_app, "answer.handler", Role.HANDLER, "330106", "浙杭执字7402")
    with live_app.app_context():
        school = institutions.institution(name="西湖区旅程退费测试学校", uscc=institutions.new_uscc(),
                                          licence_number="教民3301067402001号", contact_person="孙联系",
                                          contact_mobile="13600136000")
        filed = file(category=Category.FEES_REFUNDS, institution_id=school.id, institution_name="",
                     description=FACTS, identity=named_identity())
        db.session.commit()
        complaint_id, receipt, number = filed.complaint.id, filed.receipt, filed.complaint.case_number
        pay_by = clock.today() + dt.timedelta(days=14)
    ARTIFACTS.mkdir(exist_ok=True)

    officer = staff_tab(chromium, live_server, "answer.handler", secret)
    officer.goto(f"/staff/cases/{complaint_id}?lang=zh_CN")
    officer.get_by_role("link", name="请机构在线答复").click()
    officer.get_by_role("radio", name="短信发送至联系人手机").check()
    officer.get_by_label("向机构提供的事实情况").fill(FACTS)
    officer.screenshot(path=str(ARTIFACTS / "institution-link-send-zh.png"), full_page=True)
    officer.get_by_role("button", name="发送链接").click()
    expect(officer.get_by_text("机构尚未答复。")).to_be_visible()
    path = link_path(sent_messages(live_app)[-1])

    institution = chromium.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN", is_mobile=True,
                                       java_script_enabled=False, base_url=live_server.url).new_page()
    institution.goto(path + "?lang=zh_CN")
    expect(institution.get_by_role("heading", name="贵机构的答复")).to_be_visible()
    expect(institution.get_by_text("不向机构提供")).to_be_visible()
    assert "测试甲乙丙" not in institution.content()
    institution.get_by_role("button", name="提交答复").click()  # nothing filled in: 422, messages beside fields
    expect(institution.get_by_text("请写明贵机构对纠纷的意见。").first).to_be_visible()
    # axe runs as a script: the same two pages again in a tab with JavaScript (a 422 stores nothing).
    checker = chromium.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN",
                                   base_url=live_server.url).new_page()
    checker.goto(path + "?lang=zh_CN")
    assert serious(checker) == []
    checker.get_by_role("button", name="提交答复").click()
    expect(checker.get_by_text("请写明贵机构对纠纷的意见。").first).to_be_visible()
    assert serious(checker) == []
    institution.get_by_label("贵机构的意见").fill("同意按剩余课时退费，扣除已上6次课的费用。")
    institution.get_by_role("radio", name="是，我们提出退费方案").check()
    institution.get_by_label("退费金额（元）").fill("9000")
    institution.get_by_label("最迟退款日期").fill(pay_by.isoformat())
    institution.get_by_label("退款方式").fill("原路退回")
    institution.get_by_label("材料（选填）").set_input_files(
        [{"name": "退费计算.pdf", "mimeType": "application/pdf", "buffer": files.pdf_with_author()}])
    institution.screenshot(path=str(ARTIFACTS / "institution-answer-zh-360.png"), full_page=True)
    institution.get_by_role("button", name="提交答复").click()
    expect(institution.get_by_role("heading", name="答复已收到")).to_be_visible()
    institution.goto(path + "?lang=zh_CN")
    expect(institution.get_by_role("heading", name="此链接已失效")).to_be_visible()

    officer.goto(f"/staff/cases/{complaint_id}?lang=zh_CN")
    expect(officer.get_by_text("同意按剩余课时退费，扣除已上6次课的费用。")).to_be_visible()
    expect(officer.get_by_role("link", name="institution-1.pdf")).to_be_visible()

    parent = chromium.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN", is_mobile=True,
                                  base_url=live_server.url).new_page()
    parent.goto("/track?lang=zh_CN")
    parent.get_by_label("查询码").fill(receipt)
    parent.get_by_role("button", name="查询案件").click()
    expect(parent.get_by_role("heading", name="机构的答复")).to_be_visible()
    expect(parent.get_by_text("同意按剩余课时退费，扣除已上6次课的费用。")).to_be_visible()
    expect(parent.get_by_text("9,000.00").first).to_be_visible()
    parent.screenshot(path=str(ARTIFACTS / "institution-answer-tracking-zh-360.png"), full_page=True)
    assert serious(parent) == []
    assert number in parent.content()

    parent.goto("/complaints/new?lang=zh_CN")
    parent.get_by_role("link", name="请先阅读退费须知").click()
    expect(parent.get_by_role("heading", name="培训费退费须知")).to_be_visible()
    parent.screenshot(path=str(ARTIFACTS / "refunds-zh-360.png"), full_page=True)
    assert serious(parent) == []

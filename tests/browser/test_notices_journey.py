"""Written notices in a real Chromium: the handler concludes a case, reads the 答复意见书 as it will be
issued, confirms it; the reporter, on a 360-pixel phone, finds it on the tracking page, opens it and
downloads its PDF, whose text names the case, the authority and the document number."""
import io
import re

import pypdf
import pytest
from playwright.sync_api import expect

from portal.accounts.models import Role, User
from portal.casework import service as casework
from portal.extensions import db
from tests.browser.fixtures import staff_tab
from tests.support.accounts import make_account
from tests.support.complaints import file
from tests.support.days import local_today

pytestmark = [pytest.mark.browser, pytest.mark.slow]
REPLY = "经查属实，已责令该机构停止违规培训并退还学费。"


def test_the_reply_is_previewed_issued_and_downloaded_by_the_reporter(chromium, live_server, live_app, tmp_path):
    user_id, secret = make_account(live_app, "notices.handler", Role.HANDLER, "330106", "浙杭执字7101")
    with live_app.app_context():
        filed = file(received_on=local_today())
        casework.apply(filed.complaint, "accept", db.session.get(User, user_id))
        db.session.commit()
        complaint_id, number, receipt = filed.complaint.id, filed.complaint.case_number, filed.receipt

    handler = staff_tab(chromium, live_server, "notices.handler", secret)
    handler.goto(f"/staff/cases/{complaint_id}")
    expect(handler.get_by_role("link", name="受理告知书", exact=True)).to_be_visible()  # issued when it was accepted
    handler.get_by_text("办结并书面答复", exact=True).first.click()
    handler.get_by_label(re.compile("书面答复（投诉举报人可以看到）")).fill(REPLY)
    handler.get_by_label("本答复涉及行政行为").check()
    handler.get_by_role("button", name="办结并书面答复").click()
    expect(handler).to_have_title(re.compile("书面答复预览"))
    document = handler.locator("article.document")
    expect(document.get_by_role("heading", name="答复意见书")).to_be_visible()
    expect(document.get_by_text(REPLY)).to_be_visible()
    expect(document.get_by_text("（签发时编号）")).to_be_visible()
    expect(document.get_by_text(re.compile("申请行政复议"))).to_be_visible()
    handler.screenshot(path=str(tmp_path / "reply-preview-1366.png"), full_page=True)
    handler.get_by_role("button", name="签发书面答复").click()
    expect(handler.get_by_text("书面答复已签发")).to_be_visible()
    expect(handler.locator(".badge--status")).to_have_text("已办结")
    handler.get_by_role("link", name="答复意见书", exact=True).click()
    expect(handler.locator("article.document").get_by_text(re.compile(r"西湖教信〔\d{4}〕\d+号"))).to_be_visible()
    handler.emulate_media(media="print")
    expect(handler.locator(".site-header")).to_be_hidden()  # printed: the document alone
    expect(handler.get_by_role("link", name="下载 PDF")).to_be_hidden()
    handler.emulate_media(media="screen")

    reporter = chromium.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN", is_mobile=True,
                                    base_url=live_server.url, accept_downloads=True).new_page()
    reporter.goto("/track?lang=zh_CN")
    reporter.get_by_label("查询码").fill(receipt)
    reporter.get_by_role("button", name="查询案件").click()
    notices = reporter.locator("section", has=reporter.get_by_role("heading", name="文书"))
    expect(notices.get_by_role("link", name="答复意见书", exact=True)).to_be_visible()
    reporter.screenshot(path=str(tmp_path / "tracking-notices-360.png"), full_page=True)
    assert reporter.evaluate("document.documentElement.scrollWidth") <= 360  # nothing wider than the phone
    notices.get_by_role("link", name="答复意见书", exact=True).click()
    expect(reporter.locator("article.document").get_by_text(REPLY)).to_be_visible()
    assert reporter.evaluate("document.documentElement.scrollWidth") <= 360
    reporter.screenshot(path=str(tmp_path / "reply-notice-360.png"), full_page=True)
    with reporter.expect_download() as waiting:
        reporter.get_by_role("link", name="下载 PDF").click()
    data = open(waiting.value.path(), "rb").read()
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages).replace("\n", "")
    assert number in text and "杭州市西湖区教育局" in text and re.search(r"西湖教信〔\d{4}〕\d+号", text)
    assert REPLY in text

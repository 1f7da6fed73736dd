"""A typical case from draft to the public page, in a real Chromium: a handler writes it in
Markdown with a malicious link among the real ones, previews it, saves and submits it; a reviewer
who did not write it approves it; a parent on a phone reads it, and the malicious link is only
text. The back office is used in English here (the article itself is Chinese)."""
import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from portal.accounts.models import Role
from tests.browser.fixtures import staff_tab
from tests.support.accounts import make_account

pytestmark = [pytest.mark.browser, pytest.mark.slow]
BODY = """某机构以“研学营”名义在周末组织初中学生开展学科类培训。

## 查处经过

- 区教育局现场检查，查实收费每期六千元；
- 责令改正并退还费用。

详见[教育部政策解读](https://www.moe.gov.cn/)。[点此领取退款](javascript:alert(document.cookie))
<img src=x onerror=alert(1)>"""


def test_write_preview_review_publish_and_read(chromium, live_server, live_app):
    _h, handler_secret = make_account(live_app, "tc.handler", Role.HANDLER, "330106", "浙杭执字7201")
    _r, reviewer_secret = make_account(live_app, "tc.reviewer", Role.REVIEWER, "330100", "浙杭审字7202")
    title = f"研学营名义违规培训被查处（{dt.datetime.now():%H%M%S}）"

    handler = staff_tab(chromium, live_server, "tc.handler", handler_secret)
    handler.goto("/staff/typical-cases?lang=en")
    handler.get_by_role("link", name="New typical case").click()
    handler.get_by_label(re.compile(r"^Title")).fill(title)
    handler.get_by_label(re.compile(r"^Summary")).fill("以研学营名义开展学科类培训，被责令改正并退还费用。")
    handler.get_by_label("Text (Markdown)").fill(BODY)
    handler.get_by_label("Linked penalty decisions").fill("杭西教罚〔2026〕1号")
    handler.get_by_role("button", name="Preview").click()

    preview = handler.locator("#preview")
    expect(preview.get_by_role("heading", name="查处经过")).to_be_visible()
    expect(preview.get_by_role("link", name="教育部政策解读")).to_have_attribute("rel", "nofollow noopener")
    expect(preview.get_by_text("[点此领取退款](javascript:alert(document.cookie))")).to_be_visible()
    assert preview.locator("a[href*='script' i], img, [onerror]").count() == 0
    expect(handler.get_by_label(re.compile(r"^Title"))).to_have_value(title)  # the input is kept

    handler.get_by_role("button", name="Save the draft").click()
    expect(handler.get_by_text("The draft was saved.", exact=False).first).to_be_visible()
    handler.get_by_role("button", name="Submit for review").click()
    expect(handler.locator(".badge--status")).to_have_text("Waiting for review")
    case_url = handler.url

    reviewer = staff_tab(chromium, live_server, "tc.reviewer", reviewer_secret)
    reviewer.goto(case_url + "?lang=en")
    expect(reviewer.get_by_role("heading", name="查处经过")).to_be_visible()
    reviewer.get_by_label("Approve: publish it now").check()
    reviewer.get_by_role("button", name="Record the review").click()
    expect(reviewer.locator(".badge--status")).to_have_text("Published")

    context = chromium.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN", is_mobile=True,
                                   base_url=live_server.url)
    parent = context.new_page()
    dialogs = []
    parent.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    parent.goto("/cases")
    parent.get_by_role("link", name=title).click()
    expect(parent.get_by_role("heading", level=1)).to_have_text(title)
    body = parent.locator(".article-body")
    expect(body.get_by_role("heading", name="查处经过")).to_be_visible()
    expect(body.get_by_role("link", name="教育部政策解读")).to_have_attribute("href", "https://www.moe.gov.cn/")
    trap = body.get_by_text("点此领取退款", exact=False)
    expect(trap).to_be_visible()
    trap.click()
    schemes = body.locator("a").evaluate_all("links => links.map(a => a.protocol)")
    assert set(schemes) == {"https:"} and body.locator("img, script, iframe, svg").count() == 0
    expect(parent.get_by_role("link", name="杭西教罚〔2026〕1号")).to_be_visible()
    assert dialogs == []
    parent.goto(parent.url + "?lang=en")
    expect(parent.get_by_text("This case is available in Chinese only.")).to_be_visible()
    context.close()

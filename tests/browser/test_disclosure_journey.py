"""A penalty disclosure from draft to the public list, in a real Chromium at desktop width: a
handler drafts it (the benchmark shows the range; a fine above it needs a reason), a reviewer
who did not draft it approves it (公示审核), and it appears on the public list, its page, the
institution's page and the Atom feed."""
import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest
from playwright.sync_api import expect

from portal.accounts.models import Role
from tests.browser.fixtures import staff_tab
from tests.support.accounts import make_account
from tests.support.days import local_today

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PARTY = "西湖明德教育咨询有限公司"


def test_draft_review_publish_and_the_public_list(chromium, live_server, live_app):
    _h, handler_secret = make_account(live_app, "disc.handler", Role.HANDLER, "330106", "浙杭执字7101")
    _r, reviewer_secret = make_account(live_app, "disc.reviewer", Role.REVIEWER, "330100", "浙杭审字7102")
    number = f"杭西教罚〔2026〕{dt.datetime.now():%H%M%S}号"
    with live_app.app_context():
        from sqlalchemy import select

        from portal.extensions import db
        from portal.institutions.models import Institution

        institution_id, uscc = db.session.execute(
            select(Institution.id, Institution.uscc).where(Institution.region_code == "330106",
                                                           Institution.uscc.is_not(None))
            .order_by(Institution.id)).first()

    handler = staff_tab(chromium, live_server, "disc.handler", handler_secret)
    handler.get_by_role("navigation", name="主导航").get_by_role("link", name="处罚公示").click()
    handler.get_by_role("link", name="新增处罚公示").click()
    handler.get_by_label("所在区（县）").select_option("330106")
    handler.get_by_label("机构名录中的机构（选填）").fill(str(institution_id))
    handler.get_by_label("行政相对人名称").fill(PARTY)
    handler.get_by_label("行政相对人类别").select_option("legal_person")
    handler.get_by_label("统一社会信用代码", exact=True).fill(uscc)
    handler.get_by_label("法定代表人（经营者）").fill("陈建国")
    handler.get_by_label("行政处罚决定书文号").fill(number)
    handler.get_by_label("违法行为类型").select_option("disguised")
    handler.get_by_label("违法情节").select_option("serious")
    handler.get_by_role("button", name="查看裁量基准").click()
    expect(handler.get_by_text(re.compile("罚款不超过"))).to_be_visible()
    expect(handler.get_by_label("行政处罚决定书文号")).to_have_value(number)  # the input is kept

    handler.get_by_label("违法事实").fill("以“研学营”名义在周末组织初中学科类培训，收费每期六千元。")
    handler.get_by_label("处罚依据").fill("《校外培训行政处罚暂行办法》（教育部令第53号）")
    handler.get_by_label("警告", exact=True).check()
    handler.get_by_label("罚款", exact=True).check()
    handler.get_by_label("处罚内容").fill("责令改正，退还所收费用；警告；罚款人民币80,000元。")
    handler.get_by_label("罚款金额（元）").fill("80000")
    handler.get_by_label("处罚决定日期").fill(local_today().isoformat())
    handler.get_by_label("法制审核人员").fill("王法审")
    handler.get_by_label("法制审核日期").fill(local_today().isoformat())
    handler.get_by_label("公示期限（月）").fill("12")
    handler.get_by_label(re.compile(r"^处罚机关(\s|（|$)")).fill("杭州市西湖区教育局")
    handler.get_by_label("处罚机关统一社会信用代码").fill("113301060033010600")
    handler.get_by_label("数据来源单位").fill("杭州市西湖区教育局")
    handler.get_by_role("button", name="保存草稿").click()
    expect(handler.get_by_text("该处罚超出裁量基准，请说明理由。").first).to_be_visible()

    handler.get_by_label("超出裁量基准的理由").fill("经营规模大、拒不整改，已在全市通报，依法从重处罚。")
    handler.get_by_role("button", name="保存草稿").click()
    expect(handler.get_by_text("草稿已保存。", exact=False).first).to_be_visible()
    handler.get_by_role("button", name="提交公示审核").click()
    expect(handler.locator(".badge--status")).to_have_text("待公示审核")
    disclosure_url = handler.url

    reviewer = staff_tab(chromium, live_server, "disc.reviewer", reviewer_secret)
    reviewer.goto(disclosure_url)
    expect(reviewer.get_by_text("经营规模大、拒不整改").first).to_be_visible()  # highlighted for review
    reviewer.get_by_label("审核通过：立即公示").check()
    reviewer.get_by_role("button", name="保存审核结果").click()
    expect(reviewer.locator(".badge--status")).to_have_text("已公示")

    public = chromium.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN", is_mobile=True,
                                  base_url=live_server.url).new_page()
    public.goto("/disclosures?lang=zh_CN")
    public.get_by_label(re.compile("行政相对人、处罚决定书文号")).fill("明德教育")
    public.get_by_role("button", name="查询").click()
    public.get_by_role("link", name=PARTY).click()
    expect(public.get_by_text(number)).to_be_visible()
    expect(public.get_by_text("¥80,000.00")).to_be_visible()
    public.goto(f"/institutions/{institution_id}?lang=zh_CN")
    current = public.get_by_role("region", name="正在公示的行政处罚")
    card = current.locator("li", has=public.get_by_text(number))
    expect(card.get_by_role("link", name="隐形变异培训")).to_have_attribute("href", re.compile(r"^/disclosures/\d+$"))
    expect(public.get_by_role("heading", name="未列入白名单")).to_be_visible()  # a decision is published now
    feed = public.request.get("/disclosures.atom")
    titles = [entry.findtext("{http://www.w3.org/2005/Atom}title") or ""
              for entry in ET.fromstring(feed.body()).iter("{http://www.w3.org/2005/Atom}entry")]
    assert any(PARTY in title for title in titles)

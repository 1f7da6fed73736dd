"""Refund conduct in a real Chromium at 360 px without JavaScript: a handler proposes a finding on
a flagged institution, the proposer cannot approve it, a legal reviewer of the office approves it,
and the public page then says the institution is not on the whitelist and why."""
import re

import pytest
from playwright.sync_api import expect

from portal import clock
from portal.accounts.models import Role
from portal.extensions import db
from tests.browser.fixtures import ARTIFACTS, staff_tab
from tests.support.accounts import make_account
from tests.support.institutions import institution
from tests.support.refund_conduct import flagged

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _no_overflow(tab):
    assert tab.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def test_a_finding_proposed_and_approved_by_two_people_takes_the_whitelist(phone_page_without_js, chromium,
                                                                             live_server, live_app):
    with live_app.app_context():
        target = institution(name="西湖区退费旅程培训学校")
        flagged(target, clock.today(), 2)
        db.session.commit()
        target_id, today = target.id, clock.today()
    _p, proposer_secret = make_account(live_app, "conduct.proposer", Role.HANDLER, "330106")
    _r, reviewer_secret = make_account(live_app, "conduct.reviewer", Role.REVIEWER, "330106")
    public = phone_page_without_js
    public.goto(f"/institutions/{target_id}?lang=zh_CN")
    expect(public.get_by_role("heading", name="已列入白名单")).to_be_visible()

    proposer = staff_tab(chromium, live_server, "conduct.proposer", proposer_secret, phone=True, javascript=False)
    proposer.goto("/staff/refund-conduct?lang=zh_CN")
    expect(proposer).to_have_title(re.compile("退费失信"))
    _no_overflow(proposer)
    proposer.get_by_role("link", name="西湖区退费旅程培训学校").click()
    expect(proposer.get_by_role("heading", name="提出认定")).to_be_visible()
    proposer.get_by_label("认定理由").fill("该机构一年内拒绝退费调解并不履行调解协议。")
    proposer.get_by_label("告知机构的日期").fill(today.isoformat())
    _no_overflow(proposer)
    proposer.screenshot(path=str(ARTIFACTS / "refund-conduct-propose-zh-360.png"), full_page=True)
    proposer.get_by_role("button", name="提出认定").click()
    expect(proposer.get_by_text(re.compile("已提出认定"))).to_be_visible()
    expect(proposer.get_by_text("这是您提出的：须由本机关另一名持证人员决定。")).to_be_visible()
    expect(proposer.get_by_role("button", name="保存决定")).to_have_count(0)  # no form for one's own
    public.reload()
    expect(public.get_by_role("heading", name="已列入白名单")).to_be_visible()

    reviewer = staff_tab(chromium, live_server, "conduct.reviewer", reviewer_secret, phone=True, javascript=False)
    reviewer.goto(f"/staff/refund-conduct/{target_id}?lang=zh_CN")
    reviewer.get_by_label("批准该提议").check()
    reviewer.get_by_role("button", name="保存决定").click()
    expect(reviewer.get_by_text("已批准。")).to_be_visible()
    _no_overflow(reviewer)
    ARTIFACTS.mkdir(exist_ok=True)
    reviewer.screenshot(path=str(ARTIFACTS / "refund-conduct-approved-zh-360.png"), full_page=True)

    public.reload()
    expect(public.get_by_role("heading", name="未列入白名单")).to_be_visible()
    expect(public.get_by_text(re.compile("拒不退费或不履行退费协议（.*认定）"))).to_be_visible()
    _no_overflow(public)
    public.screenshot(path=str(ARTIFACTS / "refund-conduct-public-zh-360.png"), full_page=True)

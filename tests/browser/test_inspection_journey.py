"""A random inspection from preparation to published results, in a real Chromium: a handler
(password and authenticator code) prepares a draw and commits it; a parent on a phone sees the
commitment but no seed; the handler draws, records a recusal and every result and publishes
them; the public page shows the draw and the results, and the downloaded JSON verifies with the
standalone script run on its own. English pages, so the test reads the same before and after
the Chinese catalogue is filled."""
import datetime as dt
import re
import subprocess
import sys

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal import clock
from portal.accounts.models import Role
from portal.config import PROJECT_ROOT
from portal.extensions import db
from portal.inspections.models import InspectionDraw
from tests.browser.fixtures import staff_tab
from tests.support.accounts import make_account

pytestmark = [pytest.mark.browser, pytest.mark.slow]
TITLE = "2026年第四季度西湖区消防与广告专项抽查"


def public_tab(chromium, live_server):
    context = chromium.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN", is_mobile=True,
                                   base_url=live_server.url, accept_downloads=True)
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    return tab


SOURCE = "中国福利彩票双色球第2026143期开奖号码"
PUBLIC_VALUE = "03 08 15 21 27 30 + 12"


def test_prepare_commit_draw_record_publish_and_verify(chromium, live_server, live_app, tmp_path):
    _id, secret = make_account(live_app, "insp.journey", Role.HANDLER, "330106", "浙杭执字7301")
    handler = staff_tab(chromium, live_server, "insp.journey", secret)
    handler.goto("/staff/inspections?lang=en")
    handler.get_by_role("link", name="New draw").click()
    handler.get_by_label("Title").fill(TITLE)
    handler.get_by_label("消防安全").check()
    handler.get_by_label("广告宣传").check()
    handler.get_by_label("Ratio of institutions drawn (%)").fill("20")
    handler.get_by_label("Inspectors per institution").fill("1")
    handler.get_by_role("button", name="Prepare the draw").click()
    expect(handler.get_by_text("At least 2 and at most 5 inspectors.").first).to_be_visible()
    expect(handler.get_by_label("Title")).to_have_value(TITLE)  # the input is kept
    handler.get_by_label("Inspectors per institution").fill("2")
    handler.get_by_label(re.compile("complaints or penalties in the last year")).check()
    handler.get_by_role("button", name="Prepare the draw").click()
    expect(handler.get_by_role("heading", name=TITLE)).to_be_visible()
    with live_app.app_context():
        tomorrow = clock.today() + dt.timedelta(days=1)
    handler.get_by_label("Public value the draw will use").fill(SOURCE)
    handler.get_by_label("Day it is published").fill(tomorrow.isoformat())
    handler.get_by_role("button", name="Freeze and commit").click()
    expect(handler.locator(".badge--status").first).to_have_text(re.compile("Committed"))
    commitment = handler.locator("dd.hash").nth(2).inner_text().strip()
    assert re.fullmatch(r"[0-9a-f]{64}", commitment)

    parent = public_tab(chromium, live_server)
    parent.goto("/inspections?lang=en")
    parent.get_by_role("link", name=TITLE).click()
    expect(parent.get_by_text(commitment)).to_be_visible()
    expect(parent.get_by_text(re.compile(SOURCE))).to_be_visible()  # named before it exists
    expect(parent.get_by_text("The draw has not been made yet.", exact=False)).to_be_visible()
    expect(parent.get_by_text("Seed (revealed at the draw)")).to_have_count(0)
    public_url = parent.url

    with live_app.app_context():  # the day the public value is published comes
        draw = db.session.scalar(select(InspectionDraw).where(InspectionDraw.title == TITLE))
        draw.public_value_date = clock.today()
        db.session.commit()
    handler.reload()
    handler.get_by_label("The public value, as published").fill(PUBLIC_VALUE)
    handler.get_by_role("button", name="Draw now").click()
    expect(handler.get_by_text("Seed (revealed at the draw)")).to_be_visible()
    handler.get_by_text("Recusal", exact=True).click()
    pair = handler.get_by_label("Institution and inspector")
    pair.select_option(index=1)
    handler.get_by_label(re.compile("Reason for the recusal")).fill("该执法人员的近亲属在此机构任教")
    handler.get_by_role("button", name="Record the recusal").click()
    expect(handler.get_by_text(re.compile("stood down; the seed's next inspector|Proposed:"))).to_be_visible()
    if handler.get_by_text(re.compile("Proposed:")).count():  # someone else's recusal: a second person confirms
        _second, second_secret = make_account(live_app, "insp.journey.second", Role.HANDLER, "330106", "浙杭执字7302")
        second = staff_tab(chromium, live_server, "insp.journey.second", second_secret)
        second.goto(handler.url.split("?")[0] + "?lang=en")
        second.get_by_role("button", name="Confirm as second person").click()
        expect(second.get_by_text(re.compile("stood down; the seed's next inspector"))).to_be_visible()
        handler.reload()

    targets = handler.locator(".draw-target")
    for index in range(targets.count()):
        target = handler.locator(".draw-target").nth(index)
        target.get_by_text("Record the result").click()
        if index == 0:
            target.get_by_label("Ordered to rectify").check()
            target.get_by_label(re.compile("Note")).fill("消防器材过期，已责令整改")
        else:
            target.get_by_label("No problem found").check()
        target.get_by_role("button", name="Save the result").click()
        expect(handler.get_by_text(re.compile("was recorded"))).to_be_visible()
    handler.get_by_role("button", name="Publish the results").click()
    expect(handler.locator(".badge--status").first).to_have_text("Results published")

    parent.goto(public_url + "?lang=en")
    expect(parent.get_by_text("消防器材过期，已责令整改")).to_be_visible()
    expect(parent.get_by_text(commitment)).to_be_visible()
    expect(parent.get_by_text(re.compile("stood down from"))).to_be_visible()
    expect(parent.get_by_text("该执法人员的近亲属在此机构任教")).to_have_count(0)
    first_institution = parent.locator(".draw-target a").first
    name = first_institution.inner_text()
    with parent.expect_download() as download:
        parent.get_by_role("link", name="Download the published inputs (JSON)").click()
    path = tmp_path / "draw.json"
    download.value.save_as(path)
    result = subprocess.run([sys.executable, "-I", str(PROJECT_ROOT / "scripts" / "verify_draw.py"), str(path),
                             "--commitment", commitment], capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert result.returncode == 0 and result.stdout.startswith("OK"), result.stdout

    first_institution.click()
    expect(parent.get_by_role("heading", name=name)).to_be_visible()
    results = parent.get_by_role("region", name="Random inspection results")
    expect(results.get_by_role("link").first).to_have_attribute("href", re.compile(r"^/inspections/\d+$"))
    expect(results.get_by_text(re.compile("Ordered to rectify|No problem found")).first).to_be_visible()

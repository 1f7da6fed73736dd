"""A social supervisor's patrol, in a real Chromium: the supervisor signs in with an authenticator
code on a phone, files a patrol record with a photo and asks for a case, and files a lead; a
handler (at desktop width) replies in writing and opens a case from the finding, then finds the
lead's case (source "supervisor") in the casework inbox and accepts it; the supervisor sees the
reply, both case numbers and the lead's progress.
The pages are in English so the journey does not depend on the Chinese catalogue."""
import re

import pyotp
import pytest
from playwright.sync_api import expect

from portal.accounts.models import Role
from tests.support import files
from tests.support.accounts import PASSWORD, make_account

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def signed_in_tab(chromium, live_server, username, secret, viewport, mobile=False):
    context = chromium.new_context(viewport=viewport, locale="en-GB", base_url=live_server.url, is_mobile=mobile)
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    tab.goto("/login?lang=en")
    tab.get_by_label("Username").fill(username)
    tab.get_by_label("Password").fill(PASSWORD)
    tab.get_by_role("button", name="Continue").click()
    tab.get_by_role("textbox", name=re.compile("Code")).fill(pyotp.TOTP(secret).now())
    tab.get_by_role("button", name="Sign in").click()
    return tab


def test_patrol_record_reply_and_case(chromium, live_server, live_app, tmp_path):
    _s, supervisor_secret = make_account(live_app, "journey.supervisor", Role.SUPERVISOR, "330106")
    _h, handler_secret = make_account(live_app, "journey.sv.handler", Role.HANDLER, "330106", "浙杭执字7101")
    photo = tmp_path / "IMG_20261120.jpg"
    photo.write_bytes(files.jpeg_with_gps())

    supervisor = signed_in_tab(chromium, live_server, "journey.supervisor", supervisor_secret,
                               {"width": 360, "height": 740}, mobile=True)
    expect(supervisor.get_by_role("heading", name="Supervisor's workspace")).to_be_visible()
    supervisor.screenshot(path=str(tmp_path / "dashboard-360.png"), full_page=True)
    supervisor.get_by_role("link", name="New: Patrol record").click()
    supervisor.get_by_label("It is not in the registry").check()
    supervisor.get_by_label("Name the institution uses").fill("晨光书院")
    supervisor.get_by_label("District or county").fill("330106")
    supervisor.get_by_label("Date", exact=True).fill("2026-11-20")
    supervisor.get_by_label("Time", exact=True).fill("18:30")
    supervisor.get_by_role("textbox", name="Place", exact=True).fill("文三路 88 号 2 楼")
    for item in ("Licensing", "Premises and fire safety", "Advertising", "Staff qualifications",
                 "Content and schedule"):
        supervisor.get_by_role("group", name=item).get_by_label("No problem seen").check()
    supervisor.get_by_role("group", name="Fees and prepayment").get_by_label("Problem found").check()
    supervisor.get_by_label("Findings").fill("前台要求家长一次性预交两年学费，现场未见资金监管账户的公示。")
    supervisor.get_by_label("This needs a case").check()
    supervisor.get_by_label("Photos (optional)").set_input_files(str(photo))
    supervisor.screenshot(path=str(tmp_path / "patrol-form-360.png"), full_page=True)
    supervisor.get_by_role("button", name="Send to the bureau").click()
    expect(supervisor.get_by_text("Sent. The bureau will answer in writing")).to_be_visible()
    expect(supervisor.get_by_role("link", name=re.compile(r"photo-\d+-1\.jpg"))).to_be_visible()
    record_url = supervisor.url

    handler = signed_in_tab(chromium, live_server, "journey.sv.handler", handler_secret, {"width": 1280, "height": 900})
    handler.get_by_role("navigation", name="Main").get_by_role("link", name="Supervisors' submissions").click()
    row = handler.locator("tr", has=handler.get_by_role("link", name="晨光书院"))
    expect(row.get_by_text("asks for a case")).to_be_visible()
    handler.screenshot(path=str(tmp_path / "staff-inbox-1280.png"), full_page=True)
    row.get_by_role("link", name="晨光书院").click()
    handler.get_by_label("Written reply").fill("感谢巡查。已将该机构列入本周执法检查。")
    handler.get_by_role("button", name="Send the reply").click()
    expect(handler.get_by_text("Your reply was sent to the supervisor.")).to_be_visible()
    handler.get_by_label("Kind of problem").select_option("prepayment")
    handler.get_by_role("button", name="Open a case").click()
    expect(handler.get_by_text(re.compile(r"Case \d{6}-\d{8}-\d{4} was opened"))).to_be_visible()
    number = re.search(r"\d{6}-\d{8}-\d{4}", handler.locator(".flash").inner_text()).group(0)
    handler.get_by_role("link", name="Open the case").click()
    expect(handler).to_have_title(re.compile(number))

    supervisor.goto(record_url)
    expect(supervisor.get_by_text("感谢巡查。已将该机构列入本周执法检查。")).to_be_visible()
    expect(supervisor.get_by_role("heading", name=re.compile(f"Case {number}"))).to_be_visible()
    expect(supervisor.get_by_text("Decision on acceptance due")).to_be_visible()
    supervisor.goto("/supervisor/submissions")
    expect(supervisor.get_by_text(f"Case {number}")).to_be_visible()

    # A lead: it becomes a case at once, with the same time limits as a complaint.
    supervisor.goto("/supervisor/")
    supervisor.get_by_role("link", name="New: Lead").click()
    supervisor.get_by_label("It is not in the registry").check()
    supervisor.get_by_label("Name the institution uses").fill("星火补习班")
    supervisor.get_by_label("District or county").fill("330106")
    supervisor.get_by_label("Date", exact=True).fill("2026-11-21")
    supervisor.get_by_role("textbox", name="Place", exact=True).fill("古墩路 1 号")
    supervisor.get_by_label("Kind of problem").select_option("forbidden_times")
    supervisor.get_by_role("textbox", name="What you found").fill(
        "周一至周五晚上九点半以后仍在给初中生上数学课，家长接送车辆排队。")
    supervisor.screenshot(path=str(tmp_path / "lead-form-360.png"), full_page=True)
    supervisor.get_by_role("button", name="Send as a lead").click()
    expect(supervisor.get_by_text(re.compile(r"Your lead was filed as case \d{6}-\d{8}-\d{4}"))).to_be_visible()
    lead_number = re.search(r"\d{6}-\d{8}-\d{4}", supervisor.locator(".flash").inner_text()).group(0)
    assert lead_number != number
    lead_url = supervisor.url
    expect(supervisor.get_by_role("heading", name=re.compile(f"Case {lead_number}"))).to_be_visible()

    handler.get_by_role("navigation", name="Main").get_by_role("link", name="Cases", exact=True).click()
    handler.get_by_label("Case number or institution").fill(lead_number)
    handler.get_by_role("button", name="Apply").click()
    row = handler.locator("tr", has=handler.get_by_role("link", name=lead_number))
    expect(row.get_by_text("Social supervisor")).to_be_visible()
    handler.screenshot(path=str(tmp_path / "casework-inbox-1280.png"), full_page=True)
    row.get_by_role("link", name=lead_number).click()
    expect(handler).to_have_title(re.compile(lead_number))
    handler.get_by_role("button", name="Accept", exact=True).click()
    expect(handler.get_by_text("Done: Accept.")).to_be_visible()

    supervisor.goto("/supervisor/submissions")
    row = supervisor.locator("tr", has=supervisor.get_by_role("link", name="星火补习班"))
    expect(row.get_by_text(f"Case {lead_number}")).to_be_visible()
    expect(row.get_by_text("Accepted", exact=True)).to_be_visible()
    expect(supervisor.get_by_text(f"Case {number}")).to_be_visible()
    supervisor.screenshot(path=str(tmp_path / "submissions-360.png"), full_page=True)
    row.get_by_role("link", name="星火补习班").click()
    expect(supervisor).to_have_url(lead_url)
    timeline = supervisor.locator(".timeline")
    expect(timeline.get_by_text("Complaint registered")).to_be_visible()
    expect(timeline.get_by_text("Accepted", exact=True)).to_be_visible()

    public = chromium.new_context(viewport={"width": 360, "height": 740}, base_url=live_server.url).new_page()
    public.goto("/supervisors?lang=en")
    expect(public.get_by_role("cell", name="journey.supervisor")).to_be_visible()
    public.screenshot(path=str(tmp_path / "public-list-360.png"), full_page=True)

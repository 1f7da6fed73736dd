"""axe-core on every public page at 360 px, in Chinese and in English: no serious or critical rule.

axe runs inside the real Chromium through `axe-playwright-python` (which ships axe-core). The Atom
feeds are not HTML pages a person reads in the browser: their links are checked in
`test_first_visit_stumbles.py`, and the pages that offer them are walked here.
"""
import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.fixtures import open_menu
from tests.support.complaints import file

pytestmark = [pytest.mark.browser, pytest.mark.slow]

BLOCKING = {"serious", "critical"}
LIST_AND_DETAIL = (  # a list page, and the first of its records it links to
    ("/institutions", "a[href^='/institutions/']"),
    ("/disclosures", "a[href^='/disclosures/']"),
    ("/cases", "a[href^='/cases/']"),
    ("/blacklist", "a[href^='/blacklist/']"),
    ("/inspections", "a[href^='/inspections/']:not([href$='.json']):not([href$='.py'])"),
)
PAGES = ("/", "/complaints/new", "/track", "/stats", "/supervisors", "/supervisors/candidates",
         "/enforcement-matters", "/api", "/transparency", "/login", "/no-such-page")
STAFF_PAGES = ("/staff/users", "/staff/users/new", "/staff/grants", "/staff/audit", "/staff/holidays", "/staff/outbox",
               "/staff/account")


@pytest.fixture(scope="module")
def axe():
    return Axe()


@pytest.fixture
def receipt(live_app) -> str:
    """A case the reporter follows on /track."""
    from portal.extensions import db

    with live_app.app_context():
        receipt = file().receipt
        db.session.commit()
    return receipt


def blocking(axe, page) -> list[str]:
    """The serious and critical rules axe finds on the page, each with where it found them."""
    found = axe.run(page).response["violations"]
    return [f"{page.url}: {v['impact']} {v['id']} ({v['help']}) at {[n['target'] for n in v['nodes'][:3]]}"
            for v in found if v["impact"] in BLOCKING]


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_no_public_page_has_a_serious_or_critical_rule(chromium, live_server, axe, receipt, lang):
    context = chromium.new_context(viewport={"width": 360, "height": 640}, is_mobile=True, base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems: list[str] = []
    walked = 0
    try:
        for path in PAGES:
            page.goto(f"{path}?lang={lang}")
            problems += blocking(axe, page)
            walked += 1
        for path, detail in LIST_AND_DETAIL:
            page.goto(f"{path}?lang={lang}")
            problems += blocking(axe, page)
            href = page.locator(f"main {detail}").first.get_attribute("href")
            page.goto(href)
            problems += blocking(axe, page)
            walked += 2
        # The menu opened, the complaint form returned with its errors, and a tracked case.
        page.goto(f"/?lang={lang}")
        open_menu(page)
        problems += blocking(axe, page)
        page.goto(f"/complaints/new?lang={lang}")
        page.locator("main form button[type=submit]").last.click()
        page.locator(".error-summary").wait_for()
        problems += blocking(axe, page)
        page.goto(f"/track?lang={lang}")
        page.locator("input[name=receipt]").fill(receipt)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url("**/track/case**")
        problems += blocking(axe, page)
        walked += 3
    finally:
        context.close()
    assert walked == len(PAGES) + 2 * len(LIST_AND_DETAIL) + 3
    assert not problems, "\n".join(problems)


def test_no_administrator_page_has_a_serious_or_critical_rule(chromium, live_server, live_app, axe):
    """The administrator's pages at 360 px in Chinese, a request for a second administrator among them."""
    from portal.accounts.models import Role, User
    from portal.extensions import db
    from portal.staffing import grants
    from tests.browser.fixtures import staff_tab
    from tests.support.accounts import make_account

    county_id, _ = make_account(live_app, "axe.county", Role.ADMIN, "330106")
    city_id, secret = make_account(live_app, "axe.city", Role.ADMIN, "330100")
    with live_app.app_context():
        grants.request_account(db.session.get(User, county_id), "axe.custodian", "无障碍保管人", Role.CUSTODIAN,
                               "330106", None, "", "杭西教〔2026〕9号任命")
        grant_id = grants.waiting_for(db.session.get(User, city_id))[0].id
        db.session.commit()
    page = staff_tab(chromium, live_server, "axe.city", secret)
    page.set_viewport_size({"width": 360, "height": 640})
    problems: list[str] = []
    for path in (*STAFF_PAGES, f"/staff/grants/{grant_id}"):
        page.goto(f"{path}?lang=zh_CN")
        problems += blocking(axe, page)
    assert not problems, "\n".join(problems)

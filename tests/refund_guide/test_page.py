"""The refunds page: the prepaid-fee limits from the rules store (a province's stricter value shown
for its counties), the model contract, what the office cannot do; linked from the complaint form."""
import datetime as dt

from portal.accounts.models import Role
from portal.extensions import db
from portal.rules import service as rules
from tests.support.accounts import staff_user
from tests.support.pages import visible_text


def test_the_page_gives_the_limits_from_the_rules_and_what_the_office_cannot_do(client):
    page = visible_text(client.get("/refunds?lang=en").get_data(as_text=True))
    assert "No more than 3 months or 60 class hours" in page
    assert "supervised account" in page and "中小学生校外培训服务合同（示范文本）" in page
    assert "Mediation is voluntary" in page and "only with a penalty decision" in page
    chinese = visible_text(client.get("/refunds?lang=zh_CN").get_data(as_text=True))
    assert "示范文本" in chinese and "调解遵循自愿原则" in chinese and "行政处罚决定" in chinese


def test_a_provinces_stricter_limit_shows_for_its_counties(app, client):
    with app.app_context():
        zhejiang = staff_user("refund.guide.admin", Role.ADMIN, "330000")
        rules.change(zhejiang, "prepaid_max_class_hours", "33", "40", "省级规定",
                     now=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))
        db.session.commit()
    page = visible_text(client.get("/refunds?region=330106&lang=en").get_data(as_text=True))
    assert "No more than 3 months or 40 class hours" in page and "These are the limits in force for" in page
    national = visible_text(client.get("/refunds?region=110101&lang=en").get_data(as_text=True))
    assert "No more than 3 months or 60 class hours" in national


def test_the_complaint_form_links_to_it(client):
    page = client.get("/complaints/new").get_data(as_text=True)
    assert page.count('href="/refunds"') == 2

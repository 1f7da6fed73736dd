"""The personal-information notice (个人信息保护法 arts. 17, 35): its own page, linked from every
page's footer, and a short notice with the link on every form that collects personal data;
details about a child marked sensitive."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from portal.accounts.models import Role
from portal.casework.models import RECEIPT_REPLAY_WINDOW
from portal.custody.service import REVEAL_PERIOD
from portal.extensions import db
from portal.intake.tracking import GRANT_IDLE
from portal.kept_uploads.service import KEEP_FOR
from tests.support.complaints import file
from tests.support.forms import open_form
from tests.support.pages import english_phrases, visible_text
from tests.support.supervisors import supervisor_client

NOTICE = re.compile(r'class="notice notice--info pi-notice"[^>]*>\s*<p><strong>[^<]+</strong>[^<]+'
                    r'<a href="/privacy">')


def test_the_periods_it_states_are_the_ones_the_code_keeps(client):
    """The legal office reads the page: each period it names is the constant the code uses."""
    english = client.get("/privacy?lang=en").get_data(as_text=True)
    assert RECEIPT_REPLAY_WINDOW == dt.timedelta(minutes=15) and "15 minutes, then deleted" in english
    assert KEEP_FOR == dt.timedelta(hours=1) and "one hour after the form last came back" in english
    assert GRANT_IDLE == dt.timedelta(minutes=30) and "30 minutes without activity" in english
    assert REVEAL_PERIOD == dt.timedelta(hours=24) and "for 24 hours" in english


def test_the_notice_page_says_what_who_how_long_and_how_to_ask(client):
    english = client.get("/privacy?lang=en").get_data(as_text=True)
    for heading in ("What we collect and why", "Who sees it", "How long it is kept", "How to ask about it",
                    "Information about children"):
        assert heading in english
    assert "15 minutes" in english and "one hour" in english and "sealed" in english
    chinese = client.get("/privacy?lang=zh_CN").get_data(as_text=True)
    assert "<title>个人信息处理规则" in chinese and english_phrases(visible_text(chinese)) == []
    assert "敏感个人信息" in chinese


@pytest.mark.parametrize("path", ["/", "/institutions", "/complaints/new", "/privacy"])
def test_every_page_links_it_from_the_footer(client, path):
    footer = client.get(path).get_data(as_text=True).split('class="site-footer"')[1]
    assert 'href="/privacy"' in footer


@pytest.mark.parametrize("path", ["/complaints/new", "/credit-repair/apply"])
def test_public_forms_carry_the_notice(client, path):
    assert NOTICE.search(client.get(path + "?lang=en").get_data(as_text=True)), path


def test_the_complaint_form_marks_what_may_be_about_a_child_as_sensitive(client):
    page = client.get("/complaints/new?lang=en").get_data(as_text=True)
    described = {field: re.search(rf'id="{field}-hint"[^>]*>([^<]+)<', page) for field in ("description", "files")}
    assert all(found and "sensitive personal information" in found.group(1) for found in described.values()), \
        described


def test_the_tracking_page_supplement_form_carries_the_notice(app, client):
    with app.app_context():
        filed = file()
        db.session.commit()
    token = open_form(client, "/track")["csrf_token"]
    client.post("/track?lang=en", data={"receipt": filed.receipt, "csrf_token": token})
    assert NOTICE.search(client.get("/track/case?lang=en").get_data(as_text=True))


@pytest.mark.parametrize("role,path", [(Role.HANDLER, "/staff/cases/new"), (Role.ADMIN, "/staff/users/new"),
                                       (Role.ADMIN, "/staff/supervisors/new")])
def test_staff_forms_that_collect_personal_data_carry_the_notice(signed_in, role, path):
    client = signed_in(role, "330106", lang="en", certificate="浙杭执字0999" if role is Role.HANDLER else None)
    assert NOTICE.search(client.get(path).get_data(as_text=True)), path


@pytest.mark.parametrize("kind", ["patrol", "lead", "opinion"])
def test_a_supervisors_forms_carry_the_notice(app, kind):
    client = supervisor_client(app, f"pi.supervisor.{kind}")
    assert NOTICE.search(client.get(f"/supervisor/new/{kind}?lang=en").get_data(as_text=True))

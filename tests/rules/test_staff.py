"""The rules page: a province's administrators change its values with the bounds beside the field,
everyone on staff reads them, and the history shows each change."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from portal.accounts.models import Role
from portal.extensions import db
from portal.rules import service as rules
from portal.rules.models import RuleChange
from tests.support.complaints import file
from tests.support.forms import post_form
from tests.support.pages import visible_text


def _changes(app, scope: str) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(RuleChange).where(RuleChange.scope == scope))


def test_a_province_administrator_changes_a_limit_and_a_new_case_counts_with_it(app, signed_in):
    client = signed_in(Role.ADMIN, "330000", lang="en")
    page = visible_text(client.get("/staff/rules").get_data(as_text=True))
    assert "Decide whether to accept" in page and "15 calendar days" in page
    assert "Between 1 calendar days and 15 calendar days." in visible_text(client.get("/staff/rules/acceptance")
                                                                            .get_data(as_text=True))
    response = post_form(client, "/staff/rules/acceptance", value="7", reason="浙江省规定（测试）")
    assert response.status_code == 302
    page = visible_text(client.get("/staff/rules/acceptance").get_data(as_text=True))
    assert "7 calendar days (set by the province)" in page and "浙江省规定（测试）" in page
    assert "national value → 7 calendar days" in page
    with app.app_context():
        assert file(received_on=dt.date(2026, 11, 2)).complaint.acceptance_due == dt.date(2026, 11, 9)
        other = file(received_on=dt.date(2026, 11, 2), region_code="320102").complaint
        assert other.acceptance_due == dt.date(2026, 11, 17)
        db.session.rollback()


def test_a_value_beyond_the_statute_is_refused_beside_the_field_with_the_bounds(app, signed_in):
    client = signed_in(Role.ADMIN, "330000", lang="en")
    before = _changes(app, "33")
    response = post_form(client, "/staff/rules/extension_max", value="45", reason="想多延长")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="value-error"' in page and "Give a value within the bounds shown." in page
    assert "Between 1 calendar days and 30 calendar days." in visible_text(page)
    assert 'value="45"' in page and "想多延长" in page  # the input is kept
    response = post_form(client, "/staff/rules/extension_max", value="20", reason="")
    assert response.status_code == 422 and "Give the reason for the change." in response.get_data(as_text=True)
    assert _changes(app, "33") == before


def test_a_province_goes_back_to_the_national_value(app, signed_in):
    client = signed_in(Role.ADMIN, "330000", lang="en")
    assert post_form(client, "/staff/rules/reward_first_reporter_only", value="yes", reason="首告").status_code == 302
    response = post_form(client, "/staff/rules/reward_first_reporter_only", follow_national="y", reason="取消")
    assert response.status_code == 302
    with app.app_context():
        assert rules.value("reward_first_reporter_only", "330106") is False
        assert [entry.new for entry in rules.history("reward_first_reporter_only", "33")] == [None, "yes"]


def test_only_the_administrators_of_the_scope_change_it(app, signed_in):
    handler = signed_in(Role.HANDLER, "330106", certificate="浙执S1", lang="en")
    page = handler.get("/staff/rules/acceptance").get_data(as_text=True)
    assert "Change the rule" not in page and "Change history" in page
    assert post_form(handler, "/staff/rules/acceptance", "/staff/rules", value="7", reason="x").status_code == 403
    city = signed_in(Role.ADMIN, "330100", lang="en")
    assert post_form(city, "/staff/rules/acceptance", "/staff/rules", value="7", reason="x").status_code == 403
    assert _changes(app, "33") == 0
    assert signed_in(Role.CUSTODIAN, "330106").get("/staff/rules").status_code == 403
    assert handler.get("/staff/rules/no_such_rule").status_code == 404


def test_a_national_administrator_changes_the_national_value_for_every_province(app, signed_in):
    client = signed_in(Role.ADMIN, "000000", lang="en")
    page = visible_text(client.get("/staff/rules").get_data(as_text=True))
    assert "The national rules" in page
    assert post_form(client, "/staff/rules/publication", value="10", reason="全国规定（测试）").status_code == 302
    with app.app_context():
        assert rules.limit("publication", "320102").days == rules.limit("publication", "330106").days == 10
    assert "Follow the national value again" not in client.get("/staff/rules/publication").get_data(as_text=True)


def test_the_pages_are_in_chinese(signed_in):
    client = signed_in(Role.ADMIN, "330000")
    page = client.get("/staff/rules").get_data(as_text=True)
    assert "规则" in page and "受理" in page
    assert "修改历史" in client.get("/staff/rules/conclusion").get_data(as_text=True)

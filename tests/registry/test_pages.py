"""The officer's pages (create, edit, history, close, inspections, the inbox line) and what parents
then see: graded cards, the truth on the institution page, and a search that never leaves them empty-handed."""
import datetime as dt

from sqlalchemy import select

from portal import clock
from portal.accounts.models import Role
from portal.extensions import db
from portal.institutions.models import Institution
from tests.registry.support import officer
from tests.support import institutions as factories
from tests.support.accounts import staff_user
from tests.support.forms import hidden, post_form
from tests.support.pages import visible_text


def _fields(**overrides) -> dict:
    values = {"name": "西湖区蓝鲸美术培训学校", "uscc": factories.new_uscc(), "region": "330106",
              "address": "杭州市西湖区教工路10号", "kind": "arts", "licence_status": "valid",
              "licence_number": "教民3301067770001号", "licence_issuer": "杭州市西湖区教育局",
              "licence_valid_from": "2025-01-01", "licence_valid_until": "2029-12-31", "registration_type": "civil",
              "on_national_platform": "y", "platform_number": "ZJ0001", "fee_account_supervised": "y",
              "supervising_bank": "杭州银行西湖支行", "filed_prices": "少儿美术 120 元/课时",
              "premises": "330106 杭州市西湖区教工路10号\n330106 杭州市西湖区文三路5号", "reason": "首次登记"}
    values.update(overrides)
    return values


def _create(client, **overrides) -> int:
    response = post_form(client, "/staff/registry/new", **_fields(**overrides))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def test_an_officer_enters_an_institution_and_parents_see_every_fact(app, signed_in, client):
    staff = officer(app, signed_in)
    institution_id = _create(staff)
    page = visible_text(client.get(f"/institutions/{institution_id}?lang=en").get_data(as_text=True))
    for fact in ("杭州银行西湖支行", "少儿美术 120 元/课时", "杭州市西湖区文三路5号", "December 31, 2029",
                 "Into a supervised account"):
        assert fact in page, fact


def test_a_form_with_mistakes_keeps_the_input_and_stores_nothing(app, signed_in):
    staff = officer(app, signed_in)
    response = post_form(staff, "/staff/registry/new", **_fields(
        name="西湖区未存培训学校", uscc="52330106MJ0123450X", licence_number="", premises="上城 某地",
        licence_valid_from="2030-01-01"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="西湖区未存培训学校"' in page and "field--error" in page
    assert "Line 1" in page or "第 1 行" in page or "第1行" in page
    with app.app_context():
        assert db.session.scalar(select(Institution.id).where(Institution.name == "西湖区未存培训学校")) is None


def test_editing_keeps_the_history_and_a_past_expiry_turns_the_public_card_amber(app, signed_in, client):
    staff = officer(app, signed_in, lang="en")
    institution_id = _create(staff, name="西湖区将过期美术培训学校")
    detail = f"/staff/registry/{institution_id}"
    post_form(staff, f"{detail}/inspections", detail, year="2025", result="passed", inspected_on="2026-03-02")
    card = client.get("/institutions?q=将过期美术&lang=en").get_data(as_text=True)
    assert '<span class="badge badge--ok">On the whitelist</span>' in card
    url = f"/staff/registry/{institution_id}/edit"
    page = staff.get(url).get_data(as_text=True)
    with app.app_context():
        past = (clock.today() - dt.timedelta(days=1)).isoformat()
    fields = _fields(name="西湖区将过期美术培训学校", uscc=hidden(page, "uscc"), licence_valid_until=past,
                     reason="年检发现许可证已到期", version=hidden(page, "version"))
    assert post_form(staff, url, **fields).status_code == 302
    card = client.get("/institutions?q=将过期美术&lang=en").get_data(as_text=True)
    assert '<span class="badge badge--warn">Licence expired</span>' in card
    detail = visible_text(client.get(f"/institutions/{institution_id}?lang=en").get_data(as_text=True))
    assert "Licence expired" in detail and "On the whitelist" not in detail
    history = visible_text(staff.get(f"/staff/registry/{institution_id}?lang=en").get_data(as_text=True))
    assert "Version 2" in history and "年检发现许可证已到期" in history and "2029-12-31" in history


def test_an_edit_from_a_stale_form_is_refused(app, signed_in):
    staff = officer(app, signed_in)
    institution_id = _create(staff, name="西湖区并发编辑培训学校")
    url = f"/staff/registry/{institution_id}/edit"
    page = staff.get(url).get_data(as_text=True)
    stale = _fields(name="西湖区并发编辑培训学校", uscc=hidden(page, "uscc"), version="1", reason="先改")
    assert post_form(staff, url, **{**stale, "address": "甲"}).status_code == 302
    assert post_form(staff, url, **{**stale, "address": "乙"}).status_code == 302  # refused, back to the page
    with app.app_context():
        assert db.session.get(Institution, institution_id).address == "甲"


def test_only_registry_officers_change_it_and_other_jurisdictions_get_404(app, signed_in):
    staff = officer(app, signed_in)
    institution_id = _create(staff, name="西湖区权限培训学校")
    plain = signed_in(Role.HANDLER, "330106")
    assert plain.get(f"/staff/registry/{institution_id}").status_code == 200
    assert plain.get("/staff/registry/new").status_code == 403
    assert post_form(plain, f"/staff/registry/{institution_id}/close", f"/staff/registry/{institution_id}",
                     closed_on="2026-11-30", reason="x").status_code == 403
    elsewhere = officer(app, signed_in, region="330108")
    assert elsewhere.get(f"/staff/registry/{institution_id}").status_code == 404
    assert elsewhere.get(f"/staff/registry/{institution_id}/edit").status_code == 404


def test_closure_and_inspections_are_recorded_on_the_page(app, signed_in, client):
    staff = officer(app, signed_in)
    institution_id = _create(staff, name="西湖区年检关闭培训学校")
    detail = f"/staff/registry/{institution_id}"
    assert post_form(staff, f"{detail}/inspections", detail, year="2026", result="failed",
                     inspected_on="2026-11-02", notes="消防通道堵塞").status_code == 302
    assert post_form(staff, f"{detail}/close", detail, closed_on="", reason="").status_code == 422
    assert post_form(staff, f"{detail}/close", detail, closed_on="2026-11-30",
                     reason="已注销登记", version=hidden(staff.get(detail).get_data(as_text=True), "version")
                     ).status_code == 302
    public = visible_text(client.get(f"/institutions/{institution_id}?lang=en").get_data(as_text=True))
    assert "Closed on November 30, 2026" in public and "Not passed" in public


def test_the_inbox_lists_licences_expiring_within_30_days(app, signed_in):
    with app.app_context():
        factories.institution(name="西湖区月内到期培训学校", licence_valid_until=clock.today() + dt.timedelta(days=9))
        db.session.commit()
    staff = signed_in(Role.HANDLER, "330106", lang="en")
    inbox = visible_text(staff.get("/staff/cases").get_data(as_text=True))
    assert "within 30 days" in inbox and "西湖区月内到期培训学校" in inbox


def test_a_blacklisted_institution_is_red_on_its_card(app, client):
    with app.app_context():
        listed = factories.institution(name="西湖区上榜持证培训学校")
        factories.blacklist_entry(listed)
        db.session.commit()
    card = client.get("/institutions?q=上榜持证&lang=en").get_data(as_text=True)
    assert '<span class="badge badge--danger">On the blacklist: do not pay</span>' in card
    assert "badge--ok" not in card.split('class="cards"')[1]


def test_a_blacklisted_unlicensed_operator_is_found_by_name(app, client):
    from portal.blacklist import service as blacklist
    from tests.support.blacklist import entry_data

    with app.app_context():
        blacklist.add_listed(entry_data(name="西湖区小星星无证托管班", listed_on=clock.today()), "2026年第十批")
        db.session.commit()
    for text in ("小星星", "星", "西湖区小星星无证托管班"):
        card = client.get(f"/institutions?q={text}&lang=en").get_data(as_text=True)
        assert "西湖区小星星无证托管班" in card, text
        assert "On the blacklist: do not pay" in card


def test_a_search_without_a_match_warns_and_carries_the_name_to_the_complaint_form(client):
    page = client.get("/institutions?q=根本不存在的机构&lang=en").get_data(as_text=True)
    text = visible_text(page)
    assert "is not in the registry" in text and "Do not pay it any fees" in text
    assert "fewer characters" not in text
    link = "/complaints/new?name=%E6%A0%B9%E6%9C%AC%E4%B8%8D%E5%AD%98%E5%9C%A8%E7%9A%84%E6%9C%BA%E6%9E%84"
    assert link in page
    form = client.get(link + "&lang=en").get_data(as_text=True)
    assert 'value="根本不存在的机构"' in form
    for short in ("曌", "曌曌"):
        assert "fewer characters" not in client.get(f"/institutions?q={short}&lang=en").get_data(as_text=True)


def test_the_page_counts_open_complaints_in_bands(app, client):
    with app.app_context():
        target = factories.institution(name="西湖区投诉计数培训学校")
        db.session.commit()
        target_id = target.id
    text = visible_text(client.get(f"/institutions/{target_id}?lang=en").get_data(as_text=True))
    assert "Fewer than 5 are open." in text


def test_an_administrator_grants_the_registry_officer_permission(app, signed_in):
    admin = signed_in(Role.ADMIN, "330100")
    with app.app_context():
        user = staff_user("future.officer", Role.HANDLER, "330106")
        db.session.commit()
        user_id = user.id
    url = f"/staff/users/{user_id}"
    fields = {"registry-grant": "1", "registry-reason": "任命文件"}
    assert post_form(admin, f"{url}/registry-officer", url, **fields).status_code == 302
    with app.app_context():
        from portal.accounts.models import User
        from portal.security.audit import AuditRecord

        assert db.session.get(User, user_id).registry_officer
        assert db.session.scalar(select(AuditRecord.action).where(AuditRecord.object_id == str(user_id),
                                                                  AuditRecord.action.like("user.registry%")))

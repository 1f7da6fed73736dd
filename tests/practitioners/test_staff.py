"""The register's staff pages: a new entry with errors beside the fields (nothing stored, 422),
the number never shown in full, another jurisdiction's entry answering 404, the exact check with
its answer and audit record, the list by name in a fixed number of queries, the early end, and
the blacklist entry's link (staff page only; the public blacklist never names the person)."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from portal.accounts.models import Role
from portal.blacklist import service as blacklist
from portal.blacklist.models import BlacklistReason
from portal.disclosures.models import Disclosure
from portal.extensions import db
from portal.practitioners.models import BlacklistLink, PractitionerBan
from portal.security.audit import AuditRecord
from tests.support.accounts import staff_user
from tests.support.blacklist import entry_data
from tests.support.forms import post_form
from tests.support.practitioners import ban_decision, resident_id
from tests.support.practitioners import register as register_ban

NUMBER = resident_id()
MASKED = NUMBER[:4] + "*" * 10 + NUMBER[-4:]


@pytest.fixture
def decision_number(app):
    with app.app_context():
        handler, reviewer = staff_user("pv.drafter", Role.HANDLER), staff_user("pv.reviewer", Role.REVIEWER, "330100")
        decision = ban_decision(handler, reviewer)
        db.session.commit()
        return decision.decision_number


def decision(number: str) -> Disclosure:
    return db.session.scalar(select(Disclosure).where(Disclosure.decision_number == number))


def new_fields(decision_number: str, **overrides) -> dict:
    values = {"decision_number": decision_number, "name": "王某某", "document_type": "resident_id",
              "number": NUMBER, "starts_on": "2026-06-01", "ends_on": "2031-05-31"}
    values.update(overrides)
    return values


def entries() -> int:
    return db.session.scalar(select(func.count()).select_from(PractitionerBan))


def test_a_new_entry_with_errors_comes_back_beside_the_fields_and_stores_nothing(app, signed_in, decision_number):
    handler = signed_in(Role.HANDLER)
    with app.app_context():
        before = entries()
    bad = post_form(handler, "/staff/practitioners/new?lang=en",
                    **new_fields(decision_number, number=NUMBER[:17] + "0" if NUMBER[17] != "0" else NUMBER[:17] + "1",
                                 ends_on=""))
    page = bad.get_data(as_text=True)
    assert bad.status_code == 422 and 'id="error-summary"' in page
    assert "This is not a valid resident ID number" in page and "Give the last day of the ban" in page
    assert 'value="王某某"' in page  # the input is kept
    wrong = post_form(handler, "/staff/practitioners/new?lang=en", **new_fields("杭西教罚〔2026〕999号"))
    assert wrong.status_code == 422 and "No published penalty decision of your jurisdiction" in wrong.get_data(
        as_text=True)
    with app.app_context():
        assert entries() == before
    made = post_form(handler, "/staff/practitioners/new", **new_fields(decision_number))
    assert made.status_code == 302
    page = handler.get(made.headers["Location"] + "?lang=en").get_data(as_text=True)
    assert MASKED in page and NUMBER not in page and decision_number in page and "In force" in page
    listing = handler.get("/staff/practitioners").get_data(as_text=True)
    assert MASKED in listing and NUMBER not in listing


def test_only_registrars_enter_and_other_jurisdictions_get_404(app, signed_in, decision_number):
    with app.app_context():
        ban_id = register_ban(staff_user("pv.maker", Role.ADMIN), decision(decision_number)).id
        db.session.commit()
    reviewer = signed_in(Role.REVIEWER, "330100")
    assert reviewer.get(f"/staff/practitioners/{ban_id}").status_code == 200
    assert reviewer.get("/staff/practitioners/new").status_code == 403
    far = signed_in(Role.HANDLER, "630104")
    assert far.get(f"/staff/practitioners/{ban_id}").status_code == 404
    lifted = post_form(far, f"/staff/practitioners/{ban_id}/lift", "/staff/practitioners",
                       lifted_on="2026-12-01", reason="越权")
    assert lifted.status_code == 404
    assert "王某某" not in far.get("/staff/practitioners?q=王").get_data(as_text=True)
    custodian = signed_in(Role.CUSTODIAN)
    assert custodian.get("/staff/practitioners/check").status_code == 403
    assert app.test_client().get("/staff/practitioners").status_code in (302, 401)


def test_the_check_answers_and_is_audited_without_the_number(app, signed_in, decision_number):
    with app.app_context():
        disclosure = decision(decision_number)
        register_ban(staff_user("pv.maker2", Role.HANDLER), disclosure, starts_on=dt.date(2026, 6, 1))
        db.session.commit()
    far = signed_in(Role.HANDLER, "630104", lang="en")  # a ban binds wherever the person seeks work
    found = post_form(far, "/staff/practitioners/check", name="王某某", document_type="resident_id", number=NUMBER)
    page = found.get_data(as_text=True)
    assert found.status_code == 200 and "Under a ban in force" in page and decision_number in page
    assert MASKED in page and NUMBER not in page
    assert "/staff/practitioners/" not in page.split('id="result"')[1].split("</section>")[0]  # not their entry
    missing = post_form(far, "/staff/practitioners/check", name="王某", document_type="resident_id", number=NUMBER)
    assert "No ban in force" in missing.get_data(as_text=True)
    invalid = post_form(far, "/staff/practitioners/check", name="王某某", document_type="resident_id",
                        number=NUMBER[:16])
    assert invalid.status_code == 422 and "not a valid resident ID number" in invalid.get_data(as_text=True)
    with app.app_context():
        records = db.session.scalars(select(AuditRecord).where(AuditRecord.action == "practitioner.checked")).all()
        assert [r.actor for r in records] == [f"user:{far.user_id}"] * 2
        assert all(NUMBER not in r.after and "王某" not in r.after for r in records)


def test_the_list_searches_by_name_in_a_fixed_number_of_queries(app, signed_in, decision_number, count_queries):
    handler = signed_in(Role.HANDLER)
    with app.app_context():
        disclosure = decision(decision_number)
        maker = staff_user("pv.maker3", Role.HANDLER)
        register_ban(maker, disclosure)
        db.session.commit()
    with count_queries() as few:
        handler.get("/staff/practitioners")
    with app.app_context():
        for n in range(5):
            register_ban(maker, disclosure, name=f"李{n}", number=resident_id(f"3301061985031213{n}"))
        db.session.commit()
    with count_queries() as many:
        page = handler.get("/staff/practitioners?q=李").get_data(as_text=True)
    assert "李4" in page and "王某某" not in page and many.count == few.count


def test_an_early_end_with_its_reason(app, signed_in, decision_number):
    handler = signed_in(Role.HANDLER, lang="en")
    with app.app_context():
        disclosure = decision(decision_number)
        ban_id = register_ban(staff_user("pv.maker4", Role.HANDLER), disclosure).id
        db.session.commit()
    url = f"/staff/practitioners/{ban_id}"
    refused = post_form(handler, url + "/lift", url, lifted_on="2026-12-01", reason="")
    assert refused.status_code == 422 and "Give the reason" in refused.get_data(as_text=True)
    done = post_form(handler, url + "/lift", url, lifted_on="2026-07-01", reason="复议机关撤销原处罚决定")
    assert done.status_code == 302
    page = handler.get(url).get_data(as_text=True)
    assert "Ended early" in page and "复议机关撤销原处罚决定" in page and "End the ban early" not in page


def test_a_blacklist_entry_names_the_person_on_staff_pages_only(app, signed_in, decision_number):
    handler = signed_in(Role.HANDLER, lang="en")
    with app.app_context():
        links = db.session.scalar(select(func.count()).select_from(BlacklistLink))
        disclosure = decision(decision_number)
        ban_id = register_ban(staff_user("pv.maker5", Role.HANDLER), disclosure).id
        entry = blacklist.add_listed(entry_data(name="西湖丙培训部", reason=BlacklistReason.BLACKLISTED_STAFF,
                                                listed_on=dt.date(2026, 8, 1)), "测试批次")
        plain = blacklist.add_listed(entry_data(name="西湖丁培训部", listed_on=dt.date(2026, 8, 1)), "测试批次")
        entry_id, plain_id = entry.id, plain.id
        db.session.commit()
    staff_page = handler.get(f"/staff/blacklist/{entry_id}").get_data(as_text=True)
    assert "Name the register entry" in staff_page
    assert "Banned practitioner employed" not in handler.get(f"/staff/blacklist/{plain_id}").get_data(as_text=True)
    assert handler.get(f"/staff/practitioners/blacklist/{plain_id}").status_code == 200  # explains, offers no form
    link = f"/staff/practitioners/blacklist/{entry_id}"
    wrong = post_form(handler, link, ban_id=str(ban_id + 500))
    assert wrong.status_code == 422 and "has no entry with this number" in wrong.get_data(as_text=True)
    assert post_form(handler, link, ban_id=str(ban_id)).status_code == 302
    staff_page = handler.get(f"/staff/blacklist/{entry_id}").get_data(as_text=True)
    assert "王某某" in staff_page and MASKED in staff_page
    assert post_form(handler, link, f"/staff/blacklist/{entry_id}", ban_id=str(ban_id)).status_code == 409
    public = app.test_client()
    for url in (f"/blacklist/{entry_id}", "/blacklist", "/blacklist.csv", f"/api/v1/blacklist/{entry_id}"):
        text = public.get(url).get_data(as_text=True)
        assert "西湖丙培训部" in text and "王某某" not in text and MASKED not in text, url
    far = signed_in(Role.HANDLER, "630104")
    assert far.get(link).status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(BlacklistLink)) == links + 1

"""The institution's registered contact: entered and checked by officers, kept in the versions,
in the import template, never on a public page, and in audit records only as "set"."""
from sqlalchemy import select

from portal.extensions import db
from portal.institutions.models import Institution
from portal.registry import importing
from portal.registry.models import InstitutionVersion
from portal.security.audit import AuditRecord
from tests.registry.support import officer, row, xlsx
from tests.support import institutions as factories
from tests.support.forms import post_form
from tests.support.pages import visible_text

CONTACT = {"contact_person": "王联系", "contact_mobile": "+86 138 0013 8000", "contact_email": "wang@example.com"}


def _fields(**overrides) -> dict:
    values = {"name": "西湖区联系人测试培训学校", "uscc": factories.new_uscc(), "region": "330106",
              "address": "杭州市西湖区教工路12号", "kind": "arts", "licence_status": "none",
              "registration_type": "business", "premises": "", "reason": "首次登记", **CONTACT}
    values.update(overrides)
    return values


def test_the_contact_is_kept_in_the_versions_and_never_shown_publicly(app, signed_in, client):
    staff = officer(app, signed_in, lang="en")
    response = post_form(staff, "/staff/registry/new", **_fields())
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    institution_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    with app.app_context():
        institution = db.session.get(Institution, institution_id)
        assert (institution.contact_person, institution.contact_mobile, institution.contact_email) == \
            ("王联系", "13800138000", "wang@example.com")
        version = db.session.scalar(select(InstitutionVersion.facts)
                                    .where(InstitutionVersion.institution_id == institution_id))
        assert "13800138000" in version and "wang@example.com" in version
        audited = " ".join(db.session.scalars(select(AuditRecord.after).where(
            AuditRecord.object_type == "institution", AuditRecord.object_id == str(institution_id))))
        assert "13800138000" not in audited and "wang@example.com" not in audited and "王联系" not in audited
        assert "(set)" in audited
    staff_page = visible_text(staff.get(f"/staff/registry/{institution_id}").get_data(as_text=True))
    assert "13800138000" in staff_page and "Contact person" in staff_page
    public = client.get(f"/institutions/{institution_id}").get_data(as_text=True)
    assert "西湖区联系人测试培训学校" in public
    for detail in ("13800138000", "wang@example.com", "王联系"):
        assert detail not in public


def test_a_wrong_mobile_or_email_is_refused_beside_the_field(app, signed_in):
    staff = officer(app, signed_in, lang="en")
    response = post_form(staff, "/staff/registry/new", **_fields(name="西湖区联系人错误培训学校",
                                                                 contact_mobile="0571-8888", contact_email="wang@"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Enter an 11-digit mobile number" in page and "Enter an email address" in page
    assert 'value="0571-8888"' in page
    with app.app_context():
        assert db.session.scalar(select(Institution.id).where(Institution.name == "西湖区联系人错误培训学校")) is None


def test_the_import_template_carries_the_contact_and_checks_it(app, signed_in):
    client = officer(app, signed_in, lang="en")
    template = client.get("/staff/registry/imports/template.csv").get_data(as_text=True)
    assert "联系人" in template and "联系人手机号" in template and "联系人电子邮箱" in template
    content = xlsx([row("西湖区导入联系人培训学校", contact_person="赵某", contact_mobile="13900139000",
                        contact_email="zhao@example.com"),
                    row("西湖区导入联系人错误培训学校", contact_mobile="12345", contact_email="zhao-at-example")])
    with app.test_request_context():
        from portal.accounts.models import User
        plan = importing.plan(content, db.session.get(User, client.user_id))
    good, bad = plan.rows
    assert not good.problems and good.facts["contact_mobile"] == "13900139000"
    assert good.facts["contact_email"] == "zhao@example.com" and good.facts["contact_person"] == "赵某"
    # each problem names the template's column (in either language)
    assert any("联系人手机号" in problem for problem in bad.problems)
    assert any("联系人电子邮箱" in problem for problem in bad.problems)
    assert len(bad.problems) == 2 and bad.facts is None

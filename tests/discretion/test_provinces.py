"""A national benchmark with province overrides: a province's administrators set, change and remove
their own lines (another province's answer 404, the national ones 403), the staff page and the public
catalogue show the lines in force in a province, and `flask discretion load` touches national lines only."""
from __future__ import annotations

import html
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from portal.accounts.models import Role
from portal.casework.models import Category
from portal.discretion import order53, service
from portal.discretion.models import Circumstance, DiscretionRule
from portal.discretion.models import PenaltyCategory as P
from portal.extensions import db
from portal.security.audit import AuditRecord
from tests.support.accounts import signed_in_client
from tests.support.accounts import staff_user as user
from tests.support.forms import post_form

ADVERTISING = {"violation": "advertising", "circumstance": "minor", "matter": "浙江省虚假宣传处罚",
               "legal_basis": "浙江省裁量基准", "level": "county", "penalties": ["warning", "criticism"]}


def _own_line(app, scope_admin: str = "330000") -> int:
    with app.app_context():
        rule = service.save_rule(user(f"own.{scope_admin}", Role.ADMIN, scope_admin), Category.ADVERTISING,
                                 Circumstance.MINOR, "浙江省虚假宣传处罚", "浙江省裁量基准", service.Level.COUNTY,
                                 [P.WARNING, P.CRITICISM], None, None)
        db.session.commit()
        return rule.id


def test_a_province_sets_its_line_from_the_national_one_and_removes_it(app):
    zhejiang = signed_in_client(app, "pv.zhejiang", Role.ADMIN, "330000", lang="en")
    qinghai = signed_in_client(app, "pv.qinghai", Role.ADMIN, "630000", lang="en")
    county = signed_in_client(app, "pv.handler", Role.HANDLER, "330106", "浙杭执字8803", lang="en")
    page = zhejiang.get("/staff/discretion").get_data(as_text=True)
    page = html.unescape(page)
    assert "Set the province's line" in page and "/staff/discretion/new?violation=advertising" in page
    start = zhejiang.get("/staff/discretion/new?violation=advertising&circumstance=minor").get_data(as_text=True)
    assert "对校外培训机构虚假宣传、违规发布广告的行政处罚" in start  # the national line, to start from
    assert post_form(zhejiang, "/staff/discretion/new", **ADVERTISING).status_code == 302
    with app.app_context():
        own = service.benchmark(Category.ADVERTISING, Circumstance.MINOR, "330106")
        national = service.benchmark(Category.ADVERTISING, Circumstance.MINOR, "630102")
        assert own.scope == "33" and national.scope == "" and own.id != national.id
        own_id, national_id = own.id, national.id
    page = county.get("/staff/discretion").get_data(as_text=True)  # read only, the province's lines in force
    assert "浙江省虚假宣传处罚" in page and "/staff/discretion/new" not in page
    assert "浙江省虚假宣传处罚" not in qinghai.get("/staff/discretion").get_data(as_text=True)
    assert qinghai.get(f"/staff/discretion/{own_id}").status_code == 404  # another province's line
    assert post_form(qinghai, f"/staff/discretion/{own_id}/remove", "/staff/discretion").status_code == 404
    assert zhejiang.get(f"/staff/discretion/{national_id}").status_code == 403
    assert post_form(zhejiang, f"/staff/discretion/{national_id}/remove", "/staff/discretion").status_code == 403
    response = post_form(zhejiang, f"/staff/discretion/{own_id}", **dict(ADVERTISING, matter="浙江省修订"))
    assert response.status_code == 302
    assert "Remove the province" in zhejiang.get(f"/staff/discretion/{own_id}").get_data(as_text=True)
    response = post_form(zhejiang, f"/staff/discretion/{own_id}/remove", f"/staff/discretion/{own_id}")
    assert response.status_code == 302
    with app.app_context():
        assert service.benchmark(Category.ADVERTISING, Circumstance.MINOR, "330106").id == national_id
        actions = list(db.session.scalars(select(AuditRecord.action).where(
            AuditRecord.object_type == "discretion_rule", AuditRecord.object_id == str(own_id))))
        assert actions == ["discretion.added", "discretion.changed", "discretion.removed"]


def test_a_national_line_is_kept(app):
    national = signed_in_client(app, "pv.national", Role.ADMIN, "000000", lang="en")
    with app.app_context():
        rule_id = service.benchmark(Category.SAFETY, Circumstance.MINOR, None).id
    assert national.get(f"/staff/discretion/{rule_id}").status_code == 200
    assert "Remove the province" not in national.get(f"/staff/discretion/{rule_id}").get_data(as_text=True)
    assert post_form(national, f"/staff/discretion/{rule_id}/remove", "/staff/discretion").status_code == 409


def test_the_public_catalogue_per_province(app, client):
    _own_line(app)
    national = html.unescape(client.get("/enforcement-matters?lang=en").get_data(as_text=True))
    assert "浙江省虚假宣传处罚" not in national and "A province may set its own lines" in national
    page = html.unescape(client.get("/enforcement-matters?province=33&lang=en").get_data(as_text=True))
    assert "浙江省虚假宣传处罚" in page and "province's own" in page and "The catalogue in force in" in page
    assert "对校外培训机构虚假宣传、违规发布广告的行政处罚" in page  # the other tiers stay national
    assert "浙江省虚假宣传处罚" not in client.get("/enforcement-matters?province=63").get_data(as_text=True)
    assert client.get("/enforcement-matters?province=99").status_code == 404


def test_load_and_export_commands(app, runner):
    _own_line(app)
    result = runner.invoke(args=["discretion", "load"])
    assert result.exit_code == 0 and "discretion: 0 benchmark lines added" in result.output
    with app.app_context():
        lines = sum(len(matter.tiers) for matter in order53.MATTERS)
        assert db.session.scalar(select(func.count()).select_from(DiscretionRule)
                                 .where(DiscretionRule.scope == "")) == lines
    exported = runner.invoke(args=["discretion", "export", "--province", "33"]).output
    assert "浙江省虚假宣传处罚" in exported and exported.count(",province") == 1
    assert "浙江省虚假宣传处罚" not in runner.invoke(args=["discretion", "export"]).output
    assert runner.invoke(args=["discretion", "export", "--province", "330"]).exit_code != 0


def test_fine_ranges_of_own_lines_checked_like_national_ones(ctx):
    admin = user("pv.zj.check", Role.ADMIN, "330000")
    with pytest.raises(service.RuleInvalid) as refused:
        service.save_rule(admin, Category.SAFETY, Circumstance.MINOR, "x", "y", service.Level.COUNTY, [P.FINE],
                          Decimal("9"), Decimal("5"))
    assert refused.value.args[0] == "fine_max" and service.own_rules("33") == []

"""The 教育部令第53号 catalogue: loaded by a command in production, one benchmark for every complaint
category, shown on the public catalogue page; the benchmark exported and imported as CSV."""
from __future__ import annotations

import html
import io
from decimal import Decimal

import pytest
from sqlalchemy import delete, func, select

from portal.accounts.models import Role
from portal.casework.models import Category
from portal.discretion import order53, service, transfer
from portal.discretion.models import Circumstance, DiscretionRule
from portal.discretion.models import PenaltyCategory as P
from portal.extensions import db
from portal.security.audit import AuditRecord
from tests.support.accounts import signed_in_client
from tests.support.accounts import staff_user as user
from tests.support.forms import hidden, post_form, post_multipart


def test_every_complaint_category_has_a_benchmark_under_every_circumstance(ctx):
    for category in Category:
        for circumstance in Circumstance:
            rule = service.benchmark(category, circumstance)
            assert rule is not None, (category, circumstance)
            assert rule.legal_basis.startswith(order53.ORDER + "第")
            assert service.rule_penalties(rule)
    assert {matter.violation for matter in order53.MATTERS} == set(Category)


def test_the_order_53_articles_and_ranges(ctx):
    unlicensed = service.benchmark(Category.UNLICENSED, Circumstance.GENERAL)
    assert unlicensed.legal_basis.endswith("第十七条") and "一倍以上二倍以下" in unlicensed.criteria
    assert P.STOP_RUNNING in service.rule_penalties(unlicensed) and unlicensed.fine_max is None
    disguised = service.benchmark(Category.DISGUISED_TRAINING, Circumstance.ESPECIALLY_SERIOUS)
    assert disguised.legal_basis.endswith("第十八条")
    assert (disguised.fine_min, disguised.fine_max) == (Decimal("50000"), Decimal("100000"))
    times = service.benchmark(Category.FORBIDDEN_TIMES, Circumstance.ESPECIALLY_SERIOUS)
    assert P.STOP_ENROLMENT in service.rule_penalties(times)
    minor = service.benchmark(Category.ADVERTISING, Circumstance.MINOR)
    assert service.rule_penalties(minor) == [P.WARNING] and minor.fine_max is None


def test_loading_again_adds_nothing_and_keeps_an_administrators_change(ctx):
    rule = service.benchmark(Category.SAFETY, Circumstance.MINOR)
    rule.matter = "管理员改过的事项"
    db.session.execute(delete(DiscretionRule).where(DiscretionRule.violation == Category.FEES_REFUNDS))
    assert service.load_catalogue("system") == 4  # only the four lines that were gone
    assert service.benchmark(Category.SAFETY, Circumstance.MINOR).matter == "管理员改过的事项"
    assert service.load_catalogue("system") == 0


def test_the_public_catalogue_lists_every_seeded_matter_with_its_benchmark(client):
    page = html.unescape(client.get("/enforcement-matters?lang=zh_CN").get_data(as_text=True))
    for matter in order53.MATTERS:
        assert matter.matter in page and matter.legal_basis in page
        for tier in matter.tiers:
            assert tier.criteria in page
    assert "¥50,000.00 – ¥100,000.00" in page or "50,000.00 – " in page
    assert "按处罚依据确定" in page  # art. 17: a multiple of the illegal gains


def test_load_command_in_production_enters_the_catalogue_on_an_empty_table(runner, app):
    """`flask --app portal discretion load` in production, on a benchmark with no line (the
    deploy smoke test runs it on a fresh PostgreSQL database too)."""
    app.config["ENV_NAME"] = "production"
    try:
        with app.app_context():
            db.session.execute(delete(DiscretionRule))
            db.session.commit()
        result = runner.invoke(args=["discretion", "load"])
        lines = sum(len(matter.tiers) for matter in order53.MATTERS)
        assert result.exit_code == 0 and f"discretion: {lines} benchmark lines added" in result.output
        assert "discretion: 0 benchmark lines added" in runner.invoke(args=["discretion", "load"]).output
        with app.app_context():
            assert db.session.scalar(select(func.count()).select_from(DiscretionRule)) == lines
            assert db.session.scalar(select(func.count()).select_from(AuditRecord).where(
                AuditRecord.action == "discretion.added", AuditRecord.actor == "system")) >= lines
    finally:
        app.config["ENV_NAME"] = "testing"


# ---- CSV -----------------------------------------------------------------------------------------

def test_export_then_import_changes_nothing(ctx):
    exported = transfer.export_csv()
    checked = transfer.check(exported)
    assert checked.errors == [] and checked.added == [] and checked.changed == []
    assert checked.unchanged == db.session.scalar(select(func.count()).select_from(DiscretionRule))


def test_dry_run_names_each_error_by_row(ctx):
    header = ",".join(transfer.COLUMNS)
    rows = ["unlicensed,minor,事项,,依据,county,stop_running|fine,,",  # row 2: fine
            "nonsense,minor,事项,,依据,county,warning,,",  # row 3
            "advertising,general,,,依据,county,warning|bogus,,",  # row 4
            "advertising,serious,事项,,依据,county,warning,100,",  # row 5: a fine range without a fine
            "advertising,worst,事项,,依据,county,fine,9,5",  # row 6: unknown circumstance
            "safety,serious,事项,,依据,county,fine,9,5",  # row 7: lowest above highest
            "unlicensed,minor,事项,,依据,county,fine,abc,"]  # row 8: a second row and not an amount
    checked = transfer.check("\n".join([header] + rows))
    assert (3, "violation", "unknown_code") in checked.errors
    assert (4, "matter", "required") in checked.errors and (4, "penalties", "unknown_code") in checked.errors
    assert (5, "fine_min", "fine_without_fine") in checked.errors
    assert (6, "circumstance", "unknown_code") in checked.errors
    assert (7, "fine_max", "fine_range") in checked.errors
    assert (8, "fine_min", "not_a_number") in checked.errors
    assert not any(row == 2 for row, _, _ in checked.errors)
    assert transfer.check("violation,matter\nunlicensed,x").errors[0][2] == "missing_columns"


def test_import_page_dry_run_then_apply_audited(app):
    # One benchmark for every province: imported by a national administrator, refused to a province's.
    province = signed_in_client(app, "imp.national", Role.ADMIN, "000000", lang="en")
    zhejiang = signed_in_client(app, "imp.province", Role.ADMIN, "330000", lang="en")
    assert zhejiang.get("/staff/discretion/import").status_code == 403
    with app.app_context():
        text = transfer.export_csv()
    changed = text.replace("对擅自举办校外培训机构的行政处罚", "对擅自举办校外培训机构的行政处罚（修订）", 1)
    bad = changed + "nonsense,minor,x,,y,county,warning,,\n"
    page = post_multipart(province, "/staff/discretion/import",
                          file=(io.BytesIO(bad.encode("utf-8-sig")), "benchmark.csv"))
    assert page.status_code == 422
    body = page.get_data(as_text=True)
    assert "not one of the codes" in body and "Import these lines" not in body
    page = post_multipart(province, "/staff/discretion/import",
                          file=(io.BytesIO(changed.encode("utf-8-sig")), "benchmark.csv"))
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "changes 1 and leaves" in body
    with app.app_context():
        assert service.benchmark(Category.UNLICENSED, Circumstance.MINOR).matter == "对擅自举办校外培训机构的行政处罚"
    content = html.unescape(hidden(body, "content"))
    response = post_form(province, "/staff/discretion/import/apply", "/staff/discretion/import",
                         content=content, filename="benchmark.csv")
    assert response.status_code == 302
    with app.app_context():
        assert service.benchmark(Category.UNLICENSED, Circumstance.MINOR).matter.endswith("（修订）")
        record = db.session.scalar(select(AuditRecord).where(AuditRecord.action == "discretion.imported"))
        assert record is not None and '"changed":1' in record.after.replace(" ", "")
    response = post_form(zhejiang, "/staff/discretion/import/apply", "/staff/account", content=content,
                         filename="benchmark.csv")
    assert response.status_code == 403


def test_staff_export_is_csv_for_every_staff_role(app):
    handler = signed_in_client(app, "exp.handler", Role.HANDLER, "330106", certificate="浙杭执字8801")
    response = handler.get("/staff/discretion.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.get_data(as_text=True).lstrip("\ufeff").startswith(",".join(transfer.COLUMNS))


def test_province_admin_only_for_service_import(ctx):
    with pytest.raises(service.RulesNotYours):
        transfer.apply(user("imp.h", Role.HANDLER, certificate="浙杭执字8802"), transfer.export_csv(), "x.csv")

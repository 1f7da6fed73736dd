"""The 教育部令第53号 catalogue: loaded by a command in production as the national benchmark, a line
for every complaint category, shown on the public catalogue page; the benchmark exported and
imported as CSV, nationally and by a province for its own lines."""
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
            rule = service.benchmark(category, circumstance, None)
            assert rule is not None, (category, circumstance)
            assert rule.legal_basis.startswith(order53.ORDER + "第")
            assert service.rule_penalties(rule)
    assert {matter.violation for matter in order53.MATTERS} == set(Category)


def test_the_order_53_articles_and_ranges(ctx):
    unlicensed = service.benchmark(Category.UNLICENSED, Circumstance.GENERAL, None)
    assert unlicensed.legal_basis.endswith("第十七条") and "一倍以上二倍以下" in unlicensed.criteria
    assert P.STOP_RUNNING in service.rule_penalties(unlicensed) and unlicensed.fine_max is None
    disguised = service.benchmark(Category.DISGUISED_TRAINING, Circumstance.ESPECIALLY_SERIOUS, None)
    assert disguised.legal_basis.endswith("第十八条")
    assert (disguised.fine_min, disguised.fine_max) == (Decimal("50000"), Decimal("100000"))
    times = service.benchmark(Category.FORBIDDEN_TIMES, Circumstance.ESPECIALLY_SERIOUS, None)
    assert P.STOP_ENROLMENT in service.rule_penalties(times)
    minor = service.benchmark(Category.ADVERTISING, Circumstance.MINOR, None)
    assert service.rule_penalties(minor) == [P.WARNING] and minor.fine_max is None


def test_loading_again_adds_nothing_and_keeps_an_administrators_change(ctx):
    rule = service.benchmark(Category.SAFETY, Circumstance.MINOR, None)
    rule.matter = "管理员改过的事项"
    db.session.execute(delete(DiscretionRule).where(DiscretionRule.violation == Category.FEES_REFUNDS))
    assert service.load_catalogue("system") == 4  # only the four lines that were gone
    assert service.benchmark(Category.SAFETY, Circumstance.MINOR, None).matter == "管理员改过的事项"
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


MATTER = "对擅自举办校外培训机构的行政处罚"


def _dry_run_then_apply(client, text: str, summary: str) -> None:
    bad = text + "nonsense,minor,x,,y,county,warning,,\n"
    page = post_multipart(client, "/staff/discretion/import", file=(io.BytesIO(bad.encode("utf-8-sig")), "b.csv"))
    body = page.get_data(as_text=True)
    assert page.status_code == 422 and "not one of the codes" in body and "Import these lines" not in body
    page = post_multipart(client, "/staff/discretion/import", file=(io.BytesIO(text.encode("utf-8-sig")), "b.csv"))
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and summary in body
    content = html.unescape(hidden(body, "content"))
    response = post_form(client, "/staff/discretion/import/apply", "/staff/discretion/import", content=content,
                         filename="benchmark.csv")
    assert response.status_code == 302


def test_import_page_dry_run_then_apply_audited(app):
    # National administrators import the national lines; a province's administrators that province's
    # own lines, which apply there only; a city's administrator imports nothing.
    national = signed_in_client(app, "imp.national", Role.ADMIN, "000000", lang="en")
    zhejiang = signed_in_client(app, "imp.province", Role.ADMIN, "330000", lang="en")
    city = signed_in_client(app, "imp.city", Role.ADMIN, "330100", lang="en")
    assert city.get("/staff/discretion/import").status_code == 403
    with app.app_context():
        text = transfer.export_csv()
    _dry_run_then_apply(national, text.replace(MATTER, MATTER + "（修订）", 1), "adds 0 lines, changes 1 and")
    with app.app_context():
        assert service.benchmark(Category.UNLICENSED, Circumstance.MINOR, None).matter.endswith("（修订）")
        assert service.benchmark(Category.UNLICENSED, Circumstance.MINOR, "330106").matter.endswith("（修订）")
        record = db.session.scalar(select(AuditRecord).where(AuditRecord.action == "discretion.imported"))
        assert record is not None and '"changed":1' in record.after.replace(" ", "")
        assert db.session.scalar(select(func.count()).select_from(DiscretionRule).where(DiscretionRule.scope != ""))\
            == 0
    exported = zhejiang.get("/staff/discretion.csv").get_data(as_text=True).lstrip("\ufeff")
    assert exported.splitlines()[0].endswith(",source") and ",province" not in exported
    _dry_run_then_apply(zhejiang, exported.replace(MATTER + "（修订）", MATTER + "（浙江）", 1),
                        "adds 1 lines, changes 0 and")
    with app.app_context():
        assert service.benchmark(Category.UNLICENSED, Circumstance.MINOR, "330106").matter.endswith("（浙江）")
        assert service.benchmark(Category.UNLICENSED, Circumstance.MINOR, "630100").matter.endswith("（修订）")
        assert service.benchmark(Category.UNLICENSED, Circumstance.MINOR, None).matter.endswith("（修订）")
        own = service.own_rules("33")
        assert [(r.violation, r.circumstance) for r in own] == [(Category.UNLICENSED, Circumstance.MINOR)]
        record = db.session.scalars(select(AuditRecord).where(AuditRecord.action == "discretion.imported")
                                    .order_by(AuditRecord.id.desc())).first()
        assert '"scope":"33"' in record.after.replace(" ", "") and '"added":1' in record.after.replace(" ", "")
    exported = zhejiang.get("/staff/discretion.csv").get_data(as_text=True)
    assert exported.count(",province") == 1 and MATTER + "（浙江）" in exported
    with app.app_context():
        content = transfer.export_csv()
    response = post_form(city, "/staff/discretion/import/apply", "/staff/account", content=content,
                         filename="benchmark.csv")
    assert response.status_code == 403


def test_staff_export_is_csv_for_every_staff_role(app):
    handler = signed_in_client(app, "exp.handler", Role.HANDLER, "330106", certificate="浙杭执字8801")
    response = handler.get("/staff/discretion.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.get_data(as_text=True).lstrip("\ufeff").startswith(",".join(transfer.COLUMNS))


def test_administrators_only_for_service_import(ctx):
    with pytest.raises(service.RulesNotYours):
        transfer.apply(user("imp.h", Role.HANDLER, certificate="浙杭执字8802"), transfer.export_csv(), "x.csv")
    with pytest.raises(service.RulesNotYours):
        transfer.apply(user("imp.city", Role.ADMIN, "330100"), transfer.export_csv(), "x.csv")

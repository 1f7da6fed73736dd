"""Imports in bulk: a dry run that reports every row, a preview against the registry, a second
officer who applies it, idempotence, and the command line in production."""
import datetime as dt

from sqlalchemy import func, select

from portal.accounts.models import Role
from portal.extensions import db
from portal.identifiers import org_code_check_character, uscc_check_character
from portal.institutions.models import Institution, LicenceStatus
from portal.registry import importing, imports
from portal.registry.models import ImportState, RegistryImport
from tests.registry.support import officer, row, xlsx
from tests.support import institutions as factories
from tests.support.forms import hidden, post_form


def _uscc(serial: int) -> str:
    body = f"8{serial:07d}"
    first17 = "52330106" + body + org_code_check_character(body)
    return first17 + uscc_check_character(first17)


def _check(client, content: bytes, name: str = "registry.xlsx"):
    import io

    page = client.get("/staff/registry/imports").get_data(as_text=True)
    return client.post("/staff/registry/imports", data={"csrf_token": hidden(page, "csrf_token"),
                                                        "file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def test_a_dry_run_reports_every_row_by_number_and_keeps_nothing(app, signed_in):
    client = officer(app, signed_in)
    body = "MJ012345"
    first17 = "52330106" + body + ("1" if org_code_check_character(body) != "1" else "2")
    bad_org = first17 + uscc_check_character(first17)  # last character right, organisation code wrong
    content = xlsx([row("西湖区甲培训学校", _uscc(1), licence="教民3301068000001号", until="2030-06-30"),
                    row("西湖区乙培训学校", bad_org),
                    row("", county="999999"),
                    row("西湖区丙培训学校", _uscc(1), licence="教民3301068000003号", until="明年")])
    response = _check(client, content)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "character 17 is not the check character of the organisation code" in page or "第17位" in page
    # Rows are numbered as the spreadsheet numbers them: the header is row 1.
    for number in ("<td>3</td>", "<td>4</td>", "<td>5</td>"):
        assert number in page
    assert "<td>2</td>" not in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RegistryImport)) == 0
        assert db.session.scalar(select(Institution.id).where(Institution.name == "西湖区甲培训学校")) is None


def test_preview_submit_and_a_second_officer_applies_it_once(app, signed_in):
    with app.app_context():
        existing = factories.institution(name="西湖区老牌培训学校", uscc=_uscc(20),
                                         licence_number="教民3301068000020号")
        db.session.commit()
        existing_id = existing.id
    first = officer(app, signed_in)
    second = officer(app, signed_in, region="330100", role=Role.ADMIN)
    content = xlsx([row("西湖区新开培训学校", _uscc(21), licence="教民3301068000021号", until="2030-06-30"),
                    row("西湖区老牌培训学校", _uscc(20), licence="教民3301068000020号", until="2029-12-31",
                        supervising_bank="杭州银行西湖支行", fee_account_supervised="是")])
    response = _check(first, content)
    assert response.status_code == 302
    url = response.headers["Location"]
    preview = first.get(url).get_data(as_text=True)
    assert "杭州银行西湖支行" in preview and "西湖区新开培训学校" in preview
    assert post_form(first, url + "/submit", url).status_code == 302
    # The submitter cannot decide it: the decision form is not offered, and a post is refused.
    assert 'name="decision"' not in first.get(url).get_data(as_text=True)
    assert post_form(first, url + "/decide", url, decision="apply").status_code == 403
    assert post_form(second, url + "/decide", url, decision="apply").status_code == 302
    with app.app_context():
        record = db.session.scalar(select(RegistryImport).order_by(RegistryImport.id.desc()))
        assert record.state is ImportState.APPLIED and record.decided_by_id == second.user_id
        new = db.session.scalar(select(Institution).where(Institution.uscc == _uscc(21)))
        assert new.licence_valid_until == dt.date(2030, 6, 30) and new.licence_status is LicenceStatus.VALID
        old = db.session.get(Institution, existing_id)
        assert old.supervising_bank == "杭州银行西湖支行" and old.fee_account_supervised and old.version == 2
    # The same file again changes nothing.
    with app.test_request_context():
        plan = importing.plan(content, None)
    assert plan.summary == {"new": 0, "changed": 0, "unchanged": 2, "invalid": 0}


def test_an_import_outside_the_jurisdiction_answers_404(app, signed_in):
    client = officer(app, signed_in)
    response = _check(client, xlsx([row("西湖区丁培训学校", _uscc(30))]))
    url = response.headers["Location"]
    elsewhere = officer(app, signed_in, region="330108")
    assert elsewhere.get(url).status_code == 404
    assert post_form(elsewhere, url + "/decide", "/staff/registry/imports", decision="apply").status_code == 404


def test_a_row_changed_since_the_preview_is_skipped(app, signed_in):
    with app.app_context():
        target = factories.institution(name="西湖区变动培训学校", uscc=_uscc(40), licence_number="教民3301068000040号")
        db.session.commit()
        target_id = target.id
    first = officer(app, signed_in)
    second = officer(app, signed_in, region="330100", role=Role.ADMIN)
    url = _check(first, xlsx([row("西湖区变动培训学校", _uscc(40), licence="教民3301068000040号",
                                  until="2031-01-31")])).headers["Location"]
    post_form(first, url + "/submit", url)
    with app.app_context():
        db.session.get(Institution, target_id).version += 1  # someone edited it in between
        db.session.commit()
    post_form(second, url + "/decide", url, decision="apply")
    with app.app_context():
        assert db.session.get(Institution, target_id).licence_valid_until is None
        record = db.session.scalar(select(RegistryImport).order_by(RegistryImport.id.desc()))
        assert imports.summary(record)["applied"]["skipped"] == 1


def test_a_thousand_rows_are_checked_and_applied(app):
    rows = [row(f"西湖区千行{n:04d}培训学校", _uscc(1000 + n), licence=f"教民33010690{n:05d}号",
                until="2030-12-31") for n in range(1000)]
    with app.app_context():
        with app.test_request_context():
            plan = importing.plan(xlsx(rows), None)
        assert plan.summary["new"] == 1000 and not plan.invalid
        counts = imports.apply_rows(None, plan.rows, "first load")
        assert counts["created"] == 1000
        assert db.session.scalar(select(func.count()).select_from(Institution)
                                 .where(Institution.name.like("西湖区千行%"))) == 1000


def test_the_command_line_checks_then_applies(app, tmp_path):
    """(scripts/deploy-smoke runs the same command in production mode on an empty PostgreSQL.)"""
    path = tmp_path / "registry.xlsx"
    path.write_bytes(xlsx([row("西湖区命令行培训学校", _uscc(50), licence="教民3301068000050号", until="2030-05-31")]))
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["registry", "import", str(path)])
    assert dry.exit_code == 0 and "1 new" in dry.output and "dry run" in dry.output
    with app.app_context():
        assert db.session.scalar(select(Institution.id).where(Institution.uscc == _uscc(50))) is None
    applied = runner.invoke(args=["registry", "import", str(path), "--apply"])
    assert applied.exit_code == 0 and "applied: 1 new" in applied.output
    with app.app_context():
        assert db.session.scalar(select(Institution.id).where(Institution.uscc == _uscc(50))) is not None
    bad = tmp_path / "bad.csv"
    bad.write_text("机构名称,所属区县代码,培训类别\n,330106,艺术类\n", encoding="utf-8")
    refused = runner.invoke(args=["registry", "import", str(bad), "--apply"])
    assert refused.exit_code != 0 and "row 2:" in refused.output

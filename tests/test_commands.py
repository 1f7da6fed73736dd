"""The `flask --app portal …` commands."""
import stat

from sqlalchemy import func, select

from portal.extensions import db
from portal.institutions.models import Institution
from portal.regions.models import Region
from portal.security.audit import AuditRecord


def test_seed_demo_is_idempotent(runner, app):
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(Institution))
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "institutions: 0 added" in result.output and "regions: 0 added, 0 changed" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Institution)) == before


def test_regions_load_reports_counts_and_audits_a_change(runner, app):
    def loads() -> int:
        with app.app_context():
            return len(db.session.scalars(select(AuditRecord).where(AuditRecord.action == "regions.loaded")).all())

    result = runner.invoke(args=["regions", "load"])
    assert result.exit_code == 0 and "regions: 0 added, 0 changed" in result.output
    assert loads() == 0  # nothing changed, nothing to record
    with app.app_context():
        db.session.get(Region, "330106").name_zh = "旧名称"
        db.session.commit()
    result = runner.invoke(args=["regions", "load"])
    assert result.exit_code == 0 and "1 changed" in result.output
    assert loads() == 1


def test_backup_writes_a_restorable_copy(tmp_path, database_url):
    """The backup holds the registry; on SQLite it opens as a database, on PostgreSQL pg_restore reads it."""
    import shutil
    import sqlite3
    import subprocess

    from portal.backup import backup
    from portal.db import utcnow

    if database_url.startswith("postgresql") and shutil.which("pg_dump") is None:
        import pytest

        pytest.fail("pg_dump is needed to back up PostgreSQL (postgresql-client)")
    path = backup(database_url, tmp_path / "backups", utcnow())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    if database_url.startswith("sqlite"):
        with sqlite3.connect(path) as copy:
            assert copy.execute("SELECT count(*) FROM institutions").fetchone()[0] >= 200
    else:
        listing = subprocess.run(["pg_restore", "--list", str(path)], capture_output=True, text=True)
        assert "TABLE DATA public institutions" in listing.stdout


def test_seed_demo_extends_a_database_seeded_by_an_older_generator(ctx):
    """Same codes under other names (an earlier generator's output) are skipped, not a crash."""
    from portal.institutions import demo

    first = db.session.scalar(select(Institution).where(Institution.uscc.is_not(None)).limit(1))
    first.name = "旧版演示数据里的名称"
    db.session.flush()
    assert demo.seed() == 0  # its original name is free again, but its code is taken: skipped


def test_seed_demo_refuses_production(app):
    from portal.cli import seed_demo

    runner = app.test_cli_runner()
    app.config["ENV_NAME"] = "production"
    try:
        result = runner.invoke(seed_demo)
    finally:
        app.config["ENV_NAME"] = "testing"
    assert result.exit_code != 0 and "not in production" in result.output


def test_demo_accounts_sign_in_with_the_printed_details(ctx):
    import pyotp

    from portal.accounts import demo as accounts_demo
    from portal.accounts import service
    from portal.db import utcnow

    user = service.authenticate("demo.handler", accounts_demo.DEMO_PASSWORD)
    assert user.certificate_number and not user.must_change_password
    code = pyotp.TOTP(accounts_demo.DEMO_TOTP_SECRET).now()
    assert service.verify_second_factor(user, code, utcnow()) == "totp"
    assert {u for u, *_ in accounts_demo.DEMO_ACCOUNTS} >= {"demo.admin", "demo.custodian"}


def test_demo_credentials_name_each_accounts_role_and_area(runner, ctx):
    from portal.accounts import demo as accounts_demo
    from portal.accounts.models import User
    from portal.extensions import db
    from portal.regions import service as regions

    result = runner.invoke(args=["demo-credentials"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    for username, _name, role, region, _certificate in accounts_demo.DEMO_ACCOUNTS:
        line = next(line for line in lines if line.split()[:1] == [username])
        assert role.value in line and f"{region})" in line
        assert regions.get(region).name_zh in line  # the area's Chinese name, as the division table has it
        seeded = db.session.query(User).filter_by(username=username).one()
        assert seeded.region_code == region and seeded.role is role
    assert accounts_demo.DEMO_PASSWORD in result.output

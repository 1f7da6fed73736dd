"""Migrations: `upgrade head` builds exactly the models' schema; every revision goes up and down."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from portal import models  # noqa: F401
from portal.config import PROJECT_ROOT
from portal.extensions import db
from tests.support.apps import make_app
from tests.support.databases import isolated_database

MIGRATIONS = str(PROJECT_ROOT / "migrations")


@pytest.fixture
def empty_app(tmp_path, database_url):
    with isolated_database(database_url, "migrations_test", tmp_path) as url:
        app = make_app(tmp_path, url)
        with app.app_context():
            yield app
            db.session.remove()
            db.engine.dispose()


def revisions() -> list[str]:
    script = ScriptDirectory(MIGRATIONS)
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def test_upgrade_head_matches_the_models(empty_app):
    upgrade(MIGRATIONS)
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_file_names_are_timestamped():
    names = sorted(p.name for p in (PROJECT_ROOT / "migrations" / "versions").glob("*.py"))
    assert names and all(name[:8].isdigit() and name[8] == "_" for name in names)


@pytest.mark.slow  # every migration, up and down
def test_every_revision_upgrades_and_downgrades(empty_app):
    for revision in revisions():
        upgrade(MIGRATIONS, revision)
        downgrade(MIGRATIONS, "-1")
        upgrade(MIGRATIONS, revision)
    downgrade(MIGRATIONS, "base")
    with db.engine.connect() as connection:
        tables = set(db.inspect(connection).get_table_names()) - {"alembic_version"}
    assert tables == set()


def test_migrated_check_constraints_accept_every_enum_value(empty_app):
    """Enums are stored as strings with a CHECK constraint, which autogenerate does not compare:
    a migration that forgets to widen one passes the schema test but refuses real rows."""
    from sqlalchemy import Enum

    upgrade(MIGRATIONS)
    inspector = db.inspect(db.engine)
    for table in db.metadata.sorted_tables:
        checks = " ".join(c["sqltext"] for c in inspector.get_check_constraints(table.name))
        for column in table.columns:
            if isinstance(column.type, Enum):
                for value in column.type.enums:
                    assert f"'{value}'" in checks, f"{table.name}.{column.name} refuses {value!r}"


def test_upgrade_keeps_existing_complaints_and_their_files(empty_app):
    """Upgrading a database that holds data: tables rebuilt by batch migrations on SQLite keep
    their rows, and nothing is left pointing at a row that is gone."""
    from sqlalchemy import text

    first_with_files = "993d817c2a3c"  # complaints, timeline and attachments
    upgrade(MIGRATIONS, first_with_files)
    with db.engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO regions (code, name_zh, name_en, level, parent_code, path_zh, path_en, \"current\")"
            " VALUES ('330106', '西湖区', 'Xihu District', 'county', NULL, '西湖区', 'Xihu District', true)"))
        connection.execute(text(
            "INSERT INTO complaints (case_number, receipt_digest, source, status, category, institution_name,"
            " institution_address, region_code, description, ongoing, anonymous, received_on, acceptance_due,"
            " due_provisional, created_at) VALUES ('330106-20261122-0001', 'd', 'online', 'registered',"
            " 'unlicensed', '小蜜蜂', '文三路', '330106', '周末上课，没有证照，预收一年学费。', true, true,"
            " '2026-11-22', '2026-12-07', false, '2026-11-22 08:00:00')"))
        connection.execute(text("INSERT INTO complaint_events (complaint_id, kind, public, body, created_at)"
                                " VALUES (1, 'registered', true, '', '2026-11-22 08:00:00')"))
        connection.execute(text(
            "INSERT INTO attachments (complaint_id, event_id, filename, media_type, size, ciphertext,"
            " wrapped_key, created_at) VALUES (1, 1, 'evidence-1.jpg', 'image/jpeg', 3, :c, :k,"
            " '2026-11-22 08:00:00')"), {"c": b"abc", "k": b"key"})
    upgrade(MIGRATIONS)
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM attachments")).scalar() == 1
        assert connection.execute(text("SELECT actor_label FROM complaint_events")).scalar() == ""
        assert connection.execute(text("SELECT extended FROM complaints")).scalar() in (False, 0)


def test_reviews_requested_before_the_review_stages_go_to_the_office_above(empty_app):
    """A review asked for before 3bd651dc42c6 left the case concluded at its county; the backfill
    sends it under review to the city with the review's 30 days counted from the request: asked
    on Thursday 2026-11-26 in Beijing (still the 25th in UTC), day 30 is Saturday 2026-12-26,
    so the decision is due on Monday the 28th."""
    from sqlalchemy import text

    upgrade(MIGRATIONS, "14eac83e01b9")
    with db.engine.begin() as connection:
        for code, name, level, parent in (("330000", "浙江省", "province", None),
                                          ("330100", "杭州市", "prefecture", "330000"),
                                          ("330106", "西湖区", "county", "330100")):
            connection.execute(text(
                "INSERT INTO regions (code, name_zh, name_en, level, parent_code, path_zh, path_en, \"current\")"
                " VALUES (:code, :name, :name, :level, :parent, :name, :name, true)"),
                {"code": code, "name": name, "level": level, "parent": parent})
        connection.execute(text("INSERT INTO calendar_years (year, source, entered_at)"
                                " VALUES (2026, 'test', '2026-01-01 00:00:00')"))
        for number, requested in (("0001", "2026-11-25 16:30:00"), ("0002", None)):
            connection.execute(text(
                "INSERT INTO complaints (case_number, receipt_digest, source, status, category, institution_name,"
                " institution_address, region_code, description, ongoing, anonymous, received_on, acceptance_due,"
                " due_provisional, created_at, replied_at, extended, transferred_to, rating, review_requested_at,"
                " handling_region_code, review_stage) VALUES (:number, :number, 'online', 'concluded',"
                " 'unlicensed', '小蜜蜂', '文三路', '330106', '周末上课，没有证照。', true, true, '2026-10-01',"
                " '2026-10-16', false, '2026-10-01 08:00:00', '2026-11-20 02:00:00', false, '', 'unsatisfied',"
                " :requested, '330106', 'none')"), {"number": f"330106-20261001-{number}", "requested": requested})
    upgrade(MIGRATIONS)
    with db.engine.connect() as connection:
        rows = {row.case_number[-4:]: row for row in connection.execute(text(
            "SELECT case_number, status, review_stage, handling_region_code, review_decision_due, next_due,"
            " due_provisional, region_code FROM complaints"))}
    asked, not_asked = rows["0001"], rows["0002"]
    assert (asked.status, asked.review_stage, asked.handling_region_code) == ("under_review", "review", "330100")
    assert str(asked.review_decision_due) == str(asked.next_due) == "2026-12-28"
    assert asked.due_provisional in (False, 0) and asked.region_code == "330106"
    assert (not_asked.status, not_asked.review_stage, not_asked.handling_region_code) == ("concluded", "none",
                                                                                          "330106")


def test_replies_made_before_receipt_was_recorded_count_from_their_day(empty_app):
    """Before 80028ba689d1 the review period ran from the reply's day: a case replied to then is
    taken to have received it that day, in Beijing (17:00 UTC on 11-20 is 11-21), so its period
    stays; a case not replied to has nothing received."""
    from sqlalchemy import text

    upgrade(MIGRATIONS, "5e9a1c3b7d21")
    with db.engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO regions (code, name_zh, name_en, level, parent_code, path_zh, path_en, \"current\")"
            " VALUES ('330106', '西湖区', 'Xihu', 'county', NULL, '西湖区', 'Xihu', true)"))
        for number, replied in (("0001", "2026-11-20 17:00:00"), ("0002", None)):
            connection.execute(text(
                "INSERT INTO complaints (case_number, receipt_digest, source, status, category, institution_name,"
                " institution_address, region_code, description, ongoing, anonymous, received_on, acceptance_due,"
                " due_provisional, created_at, replied_at, extended, transferred_to, handling_region_code,"
                " review_stage) VALUES (:number, :number, 'online', 'concluded', 'unlicensed', '小蜜蜂', '文三路',"
                " '330106', '周末上课，没有证照。', true, true, '2026-10-01', '2026-10-16', false,"
                " '2026-10-01 08:00:00', :replied, false, '', '330106', 'none')"),
                {"number": f"330106-20261001-{number}", "replied": replied})
    upgrade(MIGRATIONS)
    with db.engine.connect() as connection:
        rows = {row.case_number[-4:]: row for row in connection.execute(text(
            "SELECT case_number, reply_received_on, reply_received_how FROM complaints"))}
    assert (str(rows["0001"].reply_received_on), rows["0001"].reply_received_how) == ("2026-11-21", "reply_date")
    assert (rows["0002"].reply_received_on, rows["0002"].reply_received_how) == (None, None)


def test_disclosures_before_the_publication_rules_stay_valid(empty_app):
    """A "minor" disclosure drafted before 3568ab42556c becomes "general" with its months backfilled
    from its publication end (31 January + 3 months → 30 April), and records nothing it never had:
    no legal review, no simplified procedure, no repair attestation, no revocation day."""
    from sqlalchemy import text

    upgrade(MIGRATIONS, "d16f332b88c2")
    with db.engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO regions (code, name_zh, name_en, level, parent_code, path_zh, path_en, \"current\")"
            " VALUES ('330106', '西湖区', 'Xihu', 'county', NULL, '西湖区', 'Xihu', true)"))
        connection.execute(text(
            "INSERT INTO users (username, display_name, role, region_code, password_hash, must_change_password,"
            " active, session_version, created_at, email) VALUES ('old.admin', '管理员', 'admin', '330106', 'x',"
            " false, true, 1, '2026-01-01 00:00:00', '')"))
        connection.execute(text(
            "INSERT INTO disclosures (region_code, party_name, party_type, legal_representative, decision_number,"
            " violation, circumstance, facts, legal_basis, penalties, penalty_content, outside_range_reason,"
            " decision_date, tier, publication_end, authority_name, authority_uscc, data_source, remarks, state,"
            " drafter_id, review_comment, withdrawal_reason, repair_note, created_at) VALUES ('330106', '某培训部',"
            " 'legal_person', '', '杭西教罚〔2026〕1号', 'disguised', 'minor', '事实', '依据', 'warning', '警告', '',"
            " '2026-01-31', 'minor', '2026-04-30', '西湖区教育局', '113301060033010600', '西湖区教育局', '',"
            " 'published', (SELECT id FROM users), '', '', '', '2026-01-31 08:00:00')"))
    upgrade(MIGRATIONS)
    with db.engine.connect() as connection:
        row = connection.execute(text(
            "SELECT tier, period_months, publication_end, simplified_procedure, lifelong, legal_reviewer_name,"
            " legal_reviewed_on, collective_discussion, repair_performed, revoked_on FROM disclosures")).one()
    assert (row.tier, row.period_months, str(row.publication_end)) == ("general", 3, "2026-04-30")
    assert not row.simplified_procedure and not row.lifelong and not row.collective_discussion
    assert row.legal_reviewer_name == "" and row.legal_reviewed_on is None and row.revoked_on is None
    assert not row.repair_performed

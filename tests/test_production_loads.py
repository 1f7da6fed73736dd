"""The reference data a production installation needs loads with PORTAL_ENV=production on an empty
database, without any demo data, each command run as an operator runs it (its own process, the
production configuration, secrets from files): the GB/T 2260 division table (`regions load`), the
holiday table (`holidays import`, from chinesecalendar and from a schedule file for a year it does
not know), the name index (`search reindex`), and `audit verify` over what they recorded. Running a
load again changes nothing. The publication periods and the destinations of transfers and
referrals need no load: they are defaults in code (`publication.periods`, `routing`).

The enforcement catalogue and the institution registry have their own loads and tests."""
from __future__ import annotations

import os
import subprocess
import sys

import chinese_calendar
import pytest
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.config import PROJECT_ROOT
from portal.disclosures.models import Disclosure, PenaltyCategory, Tier
from portal.discretion.models import DiscretionRule
from portal.extensions import db
from portal.institutions.models import Institution
from portal.publication import periods
from portal.regions import service as regions
from portal.regions.models import Region
from portal.security import keys
from portal.security.audit import AuditRecord
from portal.workdays.models import CalendarDay, CalendarYear
from tests.support.apps import make_app
from tests.support.databases import isolated_database

pytestmark = pytest.mark.slow  # a database from scratch and a process per command

SCHEDULE_2027 = "date,kind,name\n2027-01-01,holiday,元旦\n2027-02-20,workday,春节调休\n"


def production_env(instance, database_url: str) -> dict:
    """The environment of a production host: nothing of the test run's own PORTAL_ settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
    env.update({"PORTAL_ENV": "production", "PORTAL_SMS_ADAPTER": "log", "PORTAL_DATABASE_URL": database_url,
                "PORTAL_SECRET_KEY_FILE": str(instance / "secret_key"),
                "PORTAL_RECEIPT_PEPPER_FILE": str(instance / "receipt_pepper"),
                "PORTAL_DATA_KEY_FILE": str(instance / "data_key"),
                "PORTAL_IDENTITY_PUBLIC_KEY_FILE": str(instance / "identity_key.pub"),
                "PORTAL_INSTANCE_PATH": str(instance)})
    redis = os.environ.get("PORTAL_TEST_REDIS_URL")
    if redis:
        env["PORTAL_RATELIMIT_STORAGE_URI"] = redis
    else:
        env["PORTAL_RATELIMIT_ALLOW_MEMORY"] = "1"
    return env


def flask(env: dict, *args: str) -> str:
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "portal", *args], cwd=PROJECT_ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"flask {' '.join(args)}:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
    return result.stdout


def shipped_divisions() -> int:
    """How many divisions the shipped data file holds (read as the loader reads it)."""
    return len(list(regions.read_rows(regions.DATA_FILE)))


def test_reference_data_loads_in_production_on_an_empty_database(tmp_path, database_url):
    with isolated_database(database_url, "production_loads", tmp_path) as url:
        instance = tmp_path / "keys"
        instance.mkdir()
        keys.generate(instance / "secret_key", instance / "receipt_pepper", instance / "data_key",
                      instance / "identity_key.pub", instance / "identity_key")
        (instance / "identity_key").unlink()  # a web host has no identity private key
        env = production_env(instance, url)
        schedule = tmp_path / "2027.csv"
        schedule.write_text(SCHEDULE_2027, encoding="utf-8")

        flask(env, "db", "upgrade")
        flask(env, "keys", "check")
        assert f"{shipped_divisions()} added" in flask(env, "regions", "load")
        known = flask(env, "holidays", "import")
        assert "years entered from chinesecalendar" in known
        assert "2027 entered with 2 exceptional days" in flask(env, "holidays", "import", str(schedule),
                                                                 "--year", "2027")
        flask(env, "search", "reindex")
        assert "0 added, 0 changed, 0 marked old" in flask(env, "regions", "load")  # again: nothing changes
        assert "0 years entered" in flask(env, "holidays", "import")
        flask(env, "audit", "verify")
        refused = subprocess.run([sys.executable, "-m", "flask", "--app", "portal", "seed-demo"], cwd=PROJECT_ROOT,
                                 env=env, capture_output=True, text=True, timeout=300)
        assert refused.returncode != 0 and "not in production" in refused.stderr

        app = make_app(tmp_path / "reader", url)
        with app.app_context():
            count = lambda model: db.session.scalar(select(func.count()).select_from(model))  # noqa: E731
            assert count(Region) == shipped_divisions() + 1  # and 全国 (000000), which the migrations add
            assert regions.get("330106").name_zh == "西湖区"
            years = set(db.session.scalars(select(CalendarYear.year)))
            known_years = {day.year for day in chinese_calendar.holidays}
            assert years == known_years | {2027}
            assert count(CalendarDay) > 0
            # No demo data: no accounts, institutions, decisions or benchmark lines were made.
            assert (count(User), count(Institution), count(Disclosure), count(DiscretionRule)) == (0, 0, 0, 0)
            # What the loads did is in the audit trail, by the system, never by a person.
            loads = db.session.scalars(select(AuditRecord).where(
                AuditRecord.action.in_(("regions.loaded", "holidays.entered")))).all()
            assert {r.action for r in loads} == {"regions.loaded", "holidays.entered"}
            assert {r.actor for r in loads} == {"system"}
            # Publication periods need no rows: the defaults in code answer.
            assert periods.month_range([PenaltyCategory.WARNING], Tier.GENERAL) == (3, 12)

"""The benchmark keeps working: it starts gunicorn, runs every scenario and prints ratios.

Only that it runs and every request succeeded is checked; speed is never asserted here.
"""
import subprocess
import sys

import pytest

from portal.config import PROJECT_ROOT

pytestmark = pytest.mark.slow  # a benchmark as a test: seconds of real servers and load


def test_benchmark_runs_every_scenario_and_prints_ratios():
    result = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "benchmarks" / "run.py"), "--requests", "6", "--clients", "2"],
        capture_output=True, text=True, timeout=180, cwd=PROJECT_ROOT)
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.strip().splitlines()
    assert "ops ratio" in lines[0]
    assert lines[1].startswith("baseline: /healthz") and " 1.00 " in lines[1]
    assert any(line.startswith("registry search") for line in lines)
    assert any(line.startswith("submit a complaint") for line in lines)
    assert any(line.startswith("track a case") for line in lines)
    assert "non-200" not in result.stdout


def _scale_database_url() -> str | None:
    """A database for the province benchmark beside the test database on PostgreSQL (the script
    creates and drops it), or PORTAL_SCALE_DATABASE_URL; None on SQLite alone."""
    import os

    from sqlalchemy.engine import make_url

    if os.environ.get("PORTAL_SCALE_DATABASE_URL"):
        return os.environ["PORTAL_SCALE_DATABASE_URL"]
    test_url = os.environ.get("PORTAL_TEST_DATABASE_URL", "")
    if not test_url.startswith("postgresql"):
        return None
    url = make_url(test_url)
    return url.set(drivername="postgresql", database=f"{url.database}_scale").render_as_string(hide_password=False)


def test_the_province_benchmark_builds_a_small_province_and_prints_every_figure():
    url = _scale_database_url()
    if url is None:
        pytest.skip("the province benchmark needs PostgreSQL (PORTAL_TEST_DATABASE_URL or PORTAL_SCALE_DATABASE_URL)")
    result = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "benchmarks" / "scale.py"), "--scale", "0.0005", "--queries", "3",
         "--database-url", url], capture_output=True, text=True, timeout=1200, cwd=PROJECT_ROOT)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    out = result.stdout
    assert "500 institutions, 1,000 complaints" in out and "10,000 audit records" in out
    for figure in ("inbox, county", "inbox, city", ": overdue", ": case number", "track a case",
                   "name search, 1 character(s)", "name search, USCC", "/stats, a county and month, cold",
                   "audit verify --since-checkpoint", "audit checkpoint", "flask backup", "flask restore",
                   "gunicorn worker RSS"):
        assert figure in out, figure
    table = [line for line in out.splitlines() if line.startswith("| ") and "figure" not in line]
    assert all(line.endswith(("| met |", "| MISSED |", "| — |")) for line in table), table
    assert "database" in out and "dropped" in out

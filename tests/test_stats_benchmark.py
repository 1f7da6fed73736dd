"""The statistics benchmark keeps working: at a tiny size it loads complaints with their
timelines, rebuilds the aggregates, and prints every case beside the goal.

Only that it runs, loads what it says and prints every case is checked; speed is never asserted here.
"""
import subprocess
import sys

import pytest

from portal.config import PROJECT_ROOT

pytestmark = pytest.mark.slow  # a benchmark as a test: a database built and measured


def test_stats_benchmark_runs_at_a_tiny_size():
    result = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "benchmarks" / "stats_scale.py"), "--complaints", "400", "--samples", "3",
         "--compare-old"],
        capture_output=True, text=True, timeout=600, cwd=PROJECT_ROOT)
    assert result.returncode == 0, result.stderr[-2000:]
    out = result.stdout
    assert "400 complaints over 5 years" in out and "empty database" in out
    for case in ("/stats, county and month", "/stats, whole area and month", "/stats.csv, county and month",
                 "old computation"):
        assert case in out
    assert "aggregates rebuilt" in out and " 0 records" not in out

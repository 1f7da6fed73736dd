"""The search benchmark keeps working: at a tiny size it builds its database, measures every
case and, when the public blacklist is served, its throughput beside /healthz.

Only that it runs and prints every case is checked; speed is never asserted here.
"""
import subprocess
import sys

import pytest

from portal.config import PROJECT_ROOT

pytestmark = pytest.mark.slow  # a benchmark as a test: seconds of real servers and load


def test_search_benchmark_runs_at_a_tiny_size():
    result = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "benchmarks" / "search.py"), "--institutions", "500", "--blacklist", "50",
         "--queries", "20", "--requests", "6", "--clients", "2"],
        capture_output=True, text=True, timeout=300, cwd=PROJECT_ROOT)
    assert result.returncode == 0, result.stderr[-2000:]
    out = result.stdout
    assert "'institutions': 500" in out and "'blacklist': 50" in out
    for case in ("institutions, 1 character(s)", "institutions, 2 character(s)", "institutions, 3 character(s)",
                 "institutions, 4 character(s)", "institutions, USCC", "blacklist, 1 character(s)",
                 "blacklist, USCC", "registry page"):
        assert case in out
    assert "baseline: /healthz" in out or "/blacklist is not served yet" in out
    assert "non-200" not in out

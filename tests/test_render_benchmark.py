"""The render benchmark keeps working: at a tiny size it builds the reference app's table and the
portal's database, serves both with gunicorn, loads every page with wrk and prints the ratios.

Only that it runs, every page answered 200 and every ratio is printed is checked; speed is never
asserted here.
"""
import shutil
import subprocess
import sys

import pytest

from portal.config import PROJECT_ROOT

pytestmark = pytest.mark.slow  # a benchmark as a test: seconds of real servers and load


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed (apt install wrk)")
def test_render_benchmark_runs_at_a_tiny_size(tmp_path):
    result = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "benchmarks" / "render.py"), "--folder", str(tmp_path),
         "--institutions", "300", "--blacklist", "30", "--reference-rows", "500", "--seconds", "1", "--rounds", "1"],
        capture_output=True, text=True, timeout=600, cwd=PROJECT_ROOT)
    assert result.returncode == 0, result.stderr[-2000:]
    out = result.stdout
    pages = ("reference: bare hello", "reference: 20-row list page", "portal: /healthz", "portal: /blacklist rendered",
             "portal: /institutions?q=培训 rendered", "portal: /disclosures rendered")
    for page in pages:
        assert page in out
    assert "× the reference list page (goal ≥ 1.00)" in out
    assert "non-2xx" not in out

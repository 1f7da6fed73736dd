"""A worker loads at start only what most requests use: the libraries of one rarely asked page
(PDF notices and letters, XLSX exports, PDF attachments, password strength) wait for that page.

Together they were about 90 MB of every gunicorn worker's memory (fpdf2 with fontTools, openpyxl
with numpy, pypdf, zxcvbn's dictionaries); the goal is a worker under 120 MB (issue #19). A web
worker (`wsgi.py`) also leaves out the migrations' tooling."""
import os
import subprocess
import sys

from portal.config import PROJECT_ROOT

LATER = ("fpdf", "fontTools", "openpyxl", "numpy", "pypdf", "zxcvbn")
MIGRATIONS = ("flask_migrate", "alembic", "mako", "pygments")  # for `flask db` only (11 MB)


def loaded_after(start: str, names: tuple[str, ...], tmp_path) -> list[str]:
    """Which of `names` a fresh interpreter has imported after running `start` (development, SQLite)."""
    code = f"import sys\n{start}\nprint('loaded:', *(name for name in {names!r} if name in sys.modules))"
    env = {**os.environ, "PORTAL_ENV": "development", "PORTAL_INSTANCE_PATH": str(tmp_path),
           "PORTAL_DATABASE_URL": f"sqlite:///{tmp_path / 'portal.db'}"}
    result = subprocess.run([sys.executable, "-c", code], env=env, cwd=PROJECT_ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.strip().splitlines()[-1].split()[1:]


def test_the_app_starts_without_the_libraries_of_rarely_asked_pages(tmp_path):
    assert loaded_after("from portal import create_app\ncreate_app()", LATER, tmp_path) == []


def test_a_web_worker_leaves_the_migrations_tooling_out(tmp_path):
    start = "import wsgi\nfrom portal.operations import readiness\nreadiness.schema_heads()"
    assert loaded_after(start, MIGRATIONS, tmp_path) == []
    assert loaded_after("from portal import create_app\ncreate_app()", MIGRATIONS, tmp_path)  # the commands' app


def test_the_pdf_notice_still_loads_its_library_when_asked(tmp_path):
    code = ("import sys\nfrom portal.notices import pdf\nassert 'fpdf' not in sys.modules\n"
            "cls = pdf._document_class()\nassert 'fpdf' in sys.modules and cls.__name__ == '_Document'\n"
            "print('ok')")
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr[-2000:]

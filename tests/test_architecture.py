"""The layout's rules that the import contract (.importlinter) does not cover: views are thin and
nobody imports them, feature packages stay small, and tests stand alone (docs/design.md)."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from portal.config import PROJECT_ROOT

PORTAL = PROJECT_ROOT / "portal"
TESTS = PROJECT_ROOT / "tests"
VIEW_MODULES = ("views.py", "staff_views.py", "workspace_views.py")
MAX_FEATURE_LINES = 1500


def modules(root: Path) -> list[Path]:
    return sorted(root.rglob("*.py"))


def imported(path: Path) -> list[str]:
    """Every module `path` imports, as dotted names (`from a import b` gives `a` and `a.b`)."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names += [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
    return names


def dotted(path: Path) -> str:
    return ".".join(path.relative_to(PROJECT_ROOT).with_suffix("").parts)


def view_modules() -> list[Path]:
    return [path for path in modules(PORTAL) if path.name in VIEW_MODULES or path.parent.name == "views"]


def test_only_a_features_own_init_imports_its_views():
    views = {dotted(path) for path in view_modules()}
    offenders = []
    for path in modules(PORTAL) + modules(TESTS):
        for name in set(imported(path)) & views:
            own_init = path.name == "__init__.py" and name.startswith(dotted(path.parent) + ".")
            if not own_init and not name.startswith(dotted(path)):
                offenders.append(f"{dotted(path)} imports {name}")
    assert offenders == []


def test_no_form_class_is_defined_in_a_view_module():
    offenders = [f"{dotted(path)}.{node.name}" for path in view_modules()
                 for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                 if isinstance(node, ast.ClassDef) and any("Form" in ast.unparse(base) for base in node.bases)]
    assert offenders == []


def test_views_never_commit():
    offenders = [dotted(path) for path in view_modules() if "commit()" in path.read_text(encoding="utf-8")]
    assert offenders == []


@pytest.mark.parametrize("package", sorted(path.parent.name for path in PORTAL.glob("*/__init__.py")))
def test_a_feature_package_stays_under_its_size(package):
    lines = sum(len(path.read_text(encoding="utf-8").splitlines()) for path in modules(PORTAL / package))
    assert lines <= MAX_FEATURE_LINES, f"portal/{package} has {lines} lines: split it into features"


def test_no_test_module_imports_another():
    test_modules = {dotted(path) for path in modules(TESTS) if path.name.startswith("test_")}
    offenders = [f"{dotted(path)} imports {name}" for path in modules(TESTS)
                 for name in imported(path) if name in test_modules]
    assert offenders == []

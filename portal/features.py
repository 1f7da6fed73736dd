"""Features register themselves. Every package under `portal/` whose `__init__` defines
`init_app(app)` is found here and initialised; that function mounts the feature's blueprints and
adds its commands, navigation links and demo seed. Adding a feature touches no central list."""
from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

from flask import Flask

PACKAGE_ROOT = Path(__file__).resolve().parent


def packages() -> Iterator[ModuleType]:
    """Each package directly under `portal/`, in name order."""
    for module in sorted(pkgutil.iter_modules([str(PACKAGE_ROOT)]), key=lambda found: found.name):
        if module.ispkg:
            yield importlib.import_module(f"portal.{module.name}")


def import_models() -> None:
    """Import every feature's `models` module, so the metadata knows every table."""
    for package in packages():
        try:
            importlib.import_module(f"{package.__name__}.models")
        except ModuleNotFoundError as exc:
            if exc.name != f"{package.__name__}.models":
                raise


def init_app(app: Flask) -> None:
    """Initialise every feature that offers an `init_app`."""
    for package in packages():
        if hasattr(package, "init_app"):
            package.init_app(app)

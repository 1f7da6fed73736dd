"""Parts of the staff case page that other features offer (the identity requests, the reward):
a mechanism like `navigation`, which casework's case page reads and features fill.

A feature above casework registers a panel in its `init_app`: a name, the heading's id, the
template that draws it and a function giving what the template needs. The case page draws each
registered panel in its side column, so casework never imports the features that add to it.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app


@dataclass(frozen=True)
class Panel:
    """A side panel of the case page: the template's variable `name` holds what `build` returns."""

    name: str
    heading_id: str
    template: str
    build: Callable[[Any, Any], dict | None]  # (the case, the officer)
    order: int


def register(app: Flask, panel: Panel) -> None:
    """Add a panel to the staff case page."""
    app.extensions.setdefault("portal.case_panels", []).append(panel)


def add_step_form(app: Flask, name: str, form: type) -> None:
    """Give a casework step its form from a feature above (the destinations of 转办 and 移送)."""
    app.extensions.setdefault("portal.case_step_forms", {})[name] = form


def step_form(name: str) -> type | None:
    return current_app.extensions.get("portal.case_step_forms", {}).get(name)


def add_step_page(app: Flask, name: str, endpoint: str, **values: str) -> None:
    """Send a step's form to a feature's own page (the reply's preview: `endpoint` with the case's
    `complaint_id` and `values`); casework's step route then refuses the step."""
    app.extensions.setdefault("portal.case_step_pages", {})[name] = (endpoint, values)


def step_pages() -> dict[str, tuple[str, dict]]:
    return current_app.extensions.get("portal.case_step_pages", {})


def for_case(complaint: Any, user: Any) -> list[tuple[Panel, dict]]:
    """Each registered panel in order, with what it shows this officer about this case; a panel
    whose `build` returns None has nothing to show. A negative `order` draws it above the actions."""
    found = sorted(current_app.extensions.get("portal.case_panels", []), key=lambda panel: panel.order)
    return [(panel, shown) for panel in found if (shown := panel.build(complaint, user)) is not None]

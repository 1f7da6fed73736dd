"""Deadline reminders to case handlers (`flask --app portal notify deadlines`, run daily)."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Add the reminders' command to the `notify` group."""
    from portal.reminders import cli  # noqa: F401  adds `notify deadlines`

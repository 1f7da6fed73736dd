"""Reminders that features above casework add to the daily `notify deadlines` run (the
enforcement track's clocks): each registers a function that queues its reminders for a day and
returns how many, recording what it sent so each goes once."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app


@dataclass(frozen=True)
class Source:
    name: str
    send: Callable[[dt.date], int]


def register(app: Flask, source: Source) -> None:
    """Add a feature's reminders to the daily run."""
    app.extensions.setdefault("portal.reminder_sources", []).append(source)


def registered() -> list[Source]:
    return list(current_app.extensions.get("portal.reminder_sources", []))

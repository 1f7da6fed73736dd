"""What another track of a case says about casework's own steps: a mechanism like `case_panels`,
which casework reads and features fill (the mediation track, `portal/mediation/track.py`).

- A hold: `hold(complaint, step, today)` returns why an ordinary step must wait for the other
  track (a lazy string staff read), or None. The mediation track holds the acceptance until it
  decides whether to mediate, the conclusion until mediation ends, archiving until the parent's
  word on the money.
- A final result: `final(complaint)` is true when the case was concluded by a written result that
  no review (复查, 复核) follows: the mediation result, which names the other routes instead.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app

HOLDS, FINALS = "portal.case_holds", "portal.case_final_results"


def add_hold(app: Flask, hold: Callable[[Any, str, dt.date], Any]) -> None:
    app.extensions.setdefault(HOLDS, []).append(hold)


def add_final_result(app: Flask, final: Callable[[Any], bool]) -> None:
    app.extensions.setdefault(FINALS, []).append(final)


def held(complaint: Any, name: str, today: dt.date) -> Any:
    """Why another track holds this step now, or None."""
    for hold in current_app.extensions.get(HOLDS, ()):
        if (why := hold(complaint, name, today)) is not None:
            return why
    return None


def final_result(complaint: Any) -> bool:
    """Whether the case was concluded by a written result final on its track."""
    return any(final(complaint) for final in current_app.extensions.get(FINALS, ()))

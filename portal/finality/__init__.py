"""Cases made final by a 复核 (信访工作条例 art. 36): the same facts and reasons are not accepted
again, so staff are warned when a new case has the same reporter or institution as one."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Draw the warning on the staff case page."""
    from portal import case_panels as panels
    from portal.finality import service

    # Drawn above the case page's actions (a negative order): staff see it before deciding to accept.
    panels.register(app, panels.Panel("final", "h-final", "intake/final_panel.html", service.panel, -10))

"""What the parent reads on the tracking page: the institution's position and the refund it proposes
(its documents stay with the office)."""
from __future__ import annotations

from flask import render_template
from markupsafe import Markup

from portal.casework.models import Complaint
from portal.institution_answers import service


def section(complaint: Complaint) -> Markup:
    """The tracking page's section on the institution's answers; empty when there is none."""
    if not service.is_dispute(complaint):
        return Markup("")
    found = service.answers(complaint)
    if not found:
        return Markup("")
    return Markup(render_template("institution_answers/tracking_section.html", answers=found))

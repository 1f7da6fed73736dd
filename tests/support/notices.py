"""Written replies in tests: previewed and confirmed through the staff pages, as an officer does."""
from __future__ import annotations

import html

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.support.forms import hidden

REPLY_STEPS = ("conclude", "decide_review")


def preview_reply(client: FlaskClient, complaint_id: int, step: str, text: str = "",
                  administrative: bool = False) -> TestResponse:
    """Post the case page's reply form: the answer is the preview (or the form back with its error)."""
    page = client.get(f"/staff/cases/{complaint_id}").get_data(as_text=True)
    data = {"csrf_token": hidden(page, "csrf_token"), f"{step}-text": text}
    if administrative:
        data[f"{step}-administrative"] = "y"
    return client.post(f"/staff/cases/{complaint_id}/reply/{step}/preview", data=data)


def confirm_previewed(client: FlaskClient, complaint_id: int, step: str, preview: str) -> TestResponse:
    """Confirm the reply shown on a preview page, as its confirm button sends it."""
    fields = {name: html.unescape(hidden(preview, name) or "") for name in ("csrf_token", "text", "administrative",
                                                                              "seen")}
    return client.post(f"/staff/cases/{complaint_id}/reply/{step}/issue", data=fields)


def issue_reply(client: FlaskClient, complaint_id: int, step: str, text: str = "",
                administrative: bool = False) -> TestResponse:
    """Preview the reply and confirm it; a refused preview is returned as it came."""
    preview = preview_reply(client, complaint_id, step, text, administrative)
    if preview.status_code != 200:
        return preview
    return confirm_previewed(client, complaint_id, step, preview.get_data(as_text=True))

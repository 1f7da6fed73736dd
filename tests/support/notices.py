"""Written replies in tests: previewed and confirmed through the staff pages, as an officer does."""
from __future__ import annotations

import html

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from portal import clock
from portal.casework import service as casework
from portal.extensions import db
from portal.notices import kinds, service
from portal.notices.models import Notice, ReplyDraft
from portal.workflow import Moved
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


def issued_notice(complaint, user) -> Notice:
    """A 受理告知书 issued on the case as its step would (flushed), whatever the case's state."""
    moved = Moved(casework.TRANSITIONS["accept"], complaint.status, complaint.status, "", clock.now())
    office = complaint.handling_region_code
    return service.issue(kinds.get("acceptance"), service.facts_for(complaint, complaint, moved, office), office,
                         user, moved.at)


def waiting_reply(complaint, user, text: str = "经查属实，已责令整改。") -> ReplyDraft:
    """A written reply confirmed by `user` and waiting for its second sign-off (flushed)."""
    draft = ReplyDraft(complaint_id=complaint.id, step="conclude", text=text, drafted_by_id=user.id)
    db.session.add(draft)
    db.session.flush()
    return draft


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

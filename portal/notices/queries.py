"""What the staff case page's panels show of the notices: the waiting reply, and the notices issued."""
from __future__ import annotations

from portal.accounts.models import User
from portal.casework.models import Complaint
from portal.notices import replies, service


def draft_panel(complaint: Complaint, user: User) -> dict | None:
    """Above the actions: a reply waiting for its second sign-off (none: nothing to show)."""
    found = replies.waiting(complaint)
    if found is None:
        return None
    return {"draft": found, "may_sign": replies.may_sign_off(found, complaint, user),
            "own": found.drafted_by_id == user.id}


def case_panel(complaint: Complaint, user: User) -> dict:
    """The case's notices, newest last, each with its kind in the page's language."""
    return {"notices": [(notice, service.label(notice)) for notice in service.for_case(complaint)]}

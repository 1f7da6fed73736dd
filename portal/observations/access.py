"""Who may open a workspace page: a signed-in supervisor, in term today."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, flash, g, redirect, request, url_for
from flask_login import current_user

from portal.accounts import sessions
from portal.accounts.models import Role
from portal.i18n import _
from portal.supervisors import service


def supervisor_required(view: Callable) -> Callable:
    """Signed in (else to sign-in), a supervisor (else 403), in term (else signed out); the
    appointment is `g.supervisor` for the view."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
        if current_user.role is not Role.SUPERVISOR:
            abort(403)
        supervisor = service.current_appointment(current_user._get_current_object())
        if supervisor is None:  # the session loader refuses this too; a second lock on the same door
            sessions.end()
            flash(_("Your appointment as a social supervisor is not in force."), "error")
            return redirect(url_for("accounts.login"))
        g.supervisor = supervisor
        return view(*args, **kwargs)

    return wrapped

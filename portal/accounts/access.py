"""Who may open a staff page: signed in, with one of the page's roles."""
from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import abort, redirect, request, url_for
from flask_login import current_user

from portal.accounts.models import Role

SAFE_NEXT = re.compile(r"/(staff|supervisor)/[A-Za-z0-9/_\-.]*(\?[A-Za-z0-9=&_\-.%]*)?")


def safe_next(target: str | None) -> str | None:
    """A `next` address only if it is a plain back-office path: no host, scheme, spaces or
    control characters that a browser might read as another site."""
    if target and SAFE_NEXT.fullmatch(target) and ".." not in target and not urlsplit(target).netloc:
        return target
    return None


def staff_required(*roles: Role) -> Callable:
    """Require a signed-in staff account (not a supervisor's), and one of `roles` when any are
    named (403 otherwise)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
            # Social supervisors have their own workspace; the back office is never theirs.
            if current_user.role is Role.SUPERVISOR or (roles and current_user.role not in roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator

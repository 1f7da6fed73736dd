"""The mail that tells an account's owner wrong authenticator codes are being entered for it
(registered with `accounts.alerts`; queued in the outbox in the failed attempt's transaction)."""
from __future__ import annotations

from flask import current_app
from flask_babel import force_locale

from portal.accounts.models import User
from portal.i18n import _
from portal.notifications import mail

LOCALES = ("zh_CN", "en")


def _each_language(write) -> list[str]:
    parts = []
    for locale in LOCALES:
        with force_locale(locale):
            parts.append(write())
    return parts


def second_factor_failures(user: User, count: int) -> None:
    """Mail the owner, Chinese first, then English (nothing without an address or with mail off)."""
    if not user.email:
        return
    url = current_app.config["BASE_URL"].rstrip("/") + "/login"
    subject = " / ".join(_each_language(lambda: _("Wrong authenticator codes for your account")))
    body = "\n\n— — —\n\n".join(_each_language(lambda: "\n\n".join((
        _("%(count)d wrong authenticator codes were entered for your account %(username)s since it was "
          "last signed in. Signing in to it from other browsers is slowed down.", count=count,
          username=user.username),
        _("Whoever entered them knew your password. If it was not you, sign in from a browser you have "
          "used before, change your password at once and tell your administrator: %(url)s", url=url),
    )))) + "\n"
    mail.queue(user.email, subject, body, user.region_code)

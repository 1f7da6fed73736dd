"""The current time, and dates as people in the portal's timezone count them."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import current_app

from portal.db import utcnow


def now() -> dt.datetime:
    """The current moment, aware, in UTC."""
    return utcnow()


def zone() -> ZoneInfo:
    """The portal's timezone (Asia/Shanghai unless configured otherwise)."""
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def local_date(moment: dt.datetime) -> dt.date:
    """The calendar day a moment falls on in the portal's timezone."""
    return moment.astimezone(zone()).date()


def today() -> dt.date:
    """Today's date in the portal's timezone (deadlines run from local days)."""
    return local_date(now())

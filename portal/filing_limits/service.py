"""Limits on filing and following complaints, shared by the pages and the API: a client has one
allowance whichever door it uses (a complaint filed through the API counts against the form's).

The API uses the decorators. The public form checks its limits itself, so that a reporter over a
limit gets the form back with what they typed and the time they can send it, and so that a form
returned for correction never counts: only a complaint actually filed counts against the filing
limit, and only the first post of each form (not its corrections) against the posting limit.
"""
from __future__ import annotations

import datetime as dt
import logging
import math

from flask import current_app, g
from flask_babel import format_date, format_time
from limits import parse_many

from portal import clock
from portal.clientkey import client_key
from portal.extensions import limiter
from portal.ratelimits import Refused, refused_until

log = logging.getLogger(__name__)
SUBMIT_SCOPE = "complaint-submit"
POST_SCOPE = "complaint-post"
FORM_POST_SCOPE = "complaint-form-post"


def _submit() -> str:
    return current_app.config["LIMIT_COMPLAINT_SUBMIT"]


def _post() -> str:
    return current_app.config["LIMIT_COMPLAINT_POST"]


def _form_post() -> str:
    return current_app.config["LIMIT_COMPLAINT_FORM_POST"]


def _lookup() -> str:
    return current_app.config["LIMIT_RECEIPT_LOOKUP"]


SUPPLEMENT_SCOPE = "supplement-post"
SUPPLEMENT_BYTES_SCOPE = "supplement-megabytes"


def filed_a_new_complaint(_response) -> bool:
    """Only complaints actually filed count against the submission limit, not corrections or retries."""
    return g.get("filed_new", False)


complaint_posts = limiter.shared_limit(_post, scope=POST_SCOPE, methods=["POST"])
complaints_filed = limiter.shared_limit(_submit, scope=SUBMIT_SCOPE, methods=["POST"],
                                        deduct_when=filed_a_new_complaint)
receipt_lookups = limiter.shared_limit(_lookup, scope="receipt-lookup", methods=["POST"])



def _args(scope: str, *extra: str) -> list[str]:
    # The same keys Flask-Limiter builds for a shared limit, so the API's decorators and these
    # checks count in the same buckets (in Redis when configured, else in memory).
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or ""
    return [part for part in (prefix, client_key(), *extra, scope) if part]


def _take(limit: str, args: list[str], cost: int = 1) -> Refused | None:
    """Count `cost` against every rate in `limit`, or none when any of them has not that much left."""
    if not limiter.enabled:
        return None
    strategy = limiter.limiter  # the in-memory fallback when one is configured and the storage is down
    items = parse_many(limit)
    try:
        full = [item for item in items if not strategy.test(item, *args, cost=cost)]
        if not full:
            for item in items:
                strategy.hit(item, *args, cost=cost)
            return None
        reset = max(strategy.get_window_stats(item, *args).reset_time for item in full)
    except Exception:
        if not current_app.config.get("RATELIMIT_SWALLOW_ERRORS"):
            raise
        log.exception("complaint form limit storage failed; the request is let through")  # no key, no address
        return None
    return refused_until(reset)


def take(limit: str, scope: str, *extra: str, per_client: bool = True) -> Refused | None:
    """Count one against `limit` for this client (or, per_client=False, for `extra` alone), or say until when."""
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or ""
    args = [part for part in (prefix, client_key() if per_client else "", *extra, scope) if part]
    return _take(limit, args)


def take_filing() -> Refused | None:
    """Count a complaint about to be filed from the form, or say until when this client must wait."""
    return _take(_submit(), _args(SUBMIT_SCOPE))


def take_post(form_mark: str, correction: bool) -> Refused | None:
    """Count a post of the complaint form: each form's posts against its own generous allowance,
    and only a form's first post (never a correction) against the client's."""
    refused = _take(_form_post(), _args(FORM_POST_SCOPE, form_mark))
    if refused is None and not correction:
        refused = _take(_post(), _args(POST_SCOPE))
    return refused


def take_supplement(content_length: int | None) -> Refused | None:
    """Count a reporter's post of additions to a case, before any file in it is decoded: one post,
    and the megabytes it sends (what cleaning costs), against this client's allowances."""
    refused = _take(current_app.config["LIMIT_SUPPLEMENT_POST"], _args(SUPPLEMENT_SCOPE))
    megabytes = math.ceil((content_length or 0) / (1024 * 1024))
    if refused is None and megabytes:
        refused = _take(current_app.config["LIMIT_SUPPLEMENT_MEGABYTES"], _args(SUPPLEMENT_BYTES_SCOPE), megabytes)
    return refused


def sendable_time(moment: dt.datetime) -> str:
    """When a limit lets the reporter in again, as a clock time rounded up to the minute, in the
    portal's timezone and the reporter's language (with the day when it is not today)."""
    local = moment.astimezone(clock.zone())
    if local.second or local.microsecond:
        local = local.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    if local.date() == clock.today():
        return format_time(local, "short")
    return f'{format_date(local, "medium")} {format_time(local, "short")}'

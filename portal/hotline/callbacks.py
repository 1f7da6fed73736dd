"""What the hotline is told: each change of a 12345 case's state, its written reply, and the result
of the follow-up call (回访), as signed callbacks delivered by the outbox (channel "callback").

A callback is queued in the transaction of the step that causes it (`on_step`, a workflow listener),
so it leaves only if the step holds. The outbox worker posts it to the partner's callback address,
signed with the partner's secret exactly as the partner signs its requests (`signing`), with the
outbox message's key as the `Idempotency-Key` header on every attempt: the partner drops a second copy.
An answer 2xx is delivered; 408, 425, 429 and 5xx, and a network failure, are tried again later;
any other answer (the partner refuses the message for good) and a stopped partner give up.
"""
from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from flask_babel import force_locale
from sqlalchemy.orm import Session

from portal import clock
from portal.casework.models import Complaint
from portal.db import read_only_transactions
from portal.extensions import db
from portal.hotline import partners, queries, signing
from portal.hotline.models import Order, Partner
from portal.notifications import outbox
from portal.workflow import Moved

CHANNEL = "callback"
TIMEOUT_SECONDS = 10
RETRY_STATUSES = {408, 425, 429}
REPLY_STEPS = ("conclude", "decide_review", "mediation_end")  # the last: the mediation track's written result


class TryAgain(RuntimeError):
    """The partner could not take the callback now (its answer's status is the argument)."""


def _moment(at: dt.datetime) -> str:
    return at.astimezone(clock.zone()).isoformat(timespec="seconds")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A callback is never followed elsewhere: a redirect is the partner's answer, and refused."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _labelled(member: Any) -> dict:
    with force_locale("zh_CN"):  # the hotline's staff read Chinese; the code is stable for machines
        return {"code": member.value, "label": str(member.label)}


def queue(order: Order, complaint: Complaint, event: str, at: dt.datetime, **facts: Any) -> str:
    """Put one callback about the order in the current transaction; returns the outbox key."""
    body = {"event": event, "order_number": order.order_number, "case_number": complaint.case_number,
            "at": _moment(at), **facts}
    return outbox.put(CHANNEL, {"partner_id": order.partner_id, "body": body}, complaint.region_code)


def on_step(object_type: str, record: Any, moved: Moved, actor: Any) -> None:
    """A workflow listener: a step on a 12345 case that changes its state, or gives the written
    reply, is told to the hotline."""
    if object_type != "complaint" or (order := queries.order_of(record)) is None:
        return
    if moved.to_state != moved.from_state:
        facts: dict[str, Any] = {"status": _labelled(record.state), "step": moved.step.name}
        if getattr(moved.step, "public", False) and moved.reason and moved.step.name not in REPLY_STEPS:
            facts["reason"] = moved.reason  # the reason the reporter reads too (not accepted, returned, …)
        if record.transferred_to and moved.step.name in ("transfer", "refer"):
            facts["destination"] = record.transferred_to
        queue(order, record, "status", moved.at, **facts)
    if moved.step.name in REPLY_STEPS:
        queue(order, record, "reply", moved.at, reply=moved.reason, review_stage=_labelled(record.review_stage))


def on_review(complaint: Complaint, now: dt.datetime) -> None:
    """A casework review listener: the reporter's request for a review (复查 or 复核) of a 12345 case
    moves it to the office above; the hotline is told its new state like any other."""
    if (order := queries.order_of(complaint)) is not None:
        queue(order, complaint, "status", now, status=_labelled(complaint.state),
              step="review_requested", review_stage=_labelled(complaint.review_stage))


def notify_followup(complaint: Complaint, result: Any) -> str | None:
    """Tell the hotline the result of a follow-up call (回访) on one of its cases; nothing for a
    case from elsewhere (returns None), so the follow-up feature may call it for every call.

    `result` has `reached` (bool), `rating` (a `casework.models.Rating`, or None when the reporter
    gave none or was not reached), and optionally `comments` (str) and `called_at` (an aware
    datetime; now when absent). Call it in the transaction that records the call: the callback
    leaves only if that commits. Returns the outbox key."""
    order = queries.order_of(complaint)
    if order is None:
        return None
    rating = getattr(result, "rating", None)
    return queue(order, complaint, "followup", getattr(result, "called_at", None) or clock.now(),
                 reached=bool(result.reached), rating=_labelled(rating) if rating is not None else None,
                 comments=getattr(result, "comments", "") or "")


def _partner(partner_id: int) -> tuple[str, str, str] | None:
    """The partner's client id, secret and callback address, read in a session of our own: the
    outbox may deliver while the committing session is still inside its commit. A read: on SQLite
    it must not wait for the write lock the delivering session holds."""
    reading = read_only_transactions.set(True)
    try:
        with Session(bind=db.engine, join_transaction_mode="create_savepoint") as session:
            partner = session.get(Partner, partner_id)
            if partner is None or not partner.active:
                return None
            return partner.client_id, partners.secret_of(partner), partner.callback_url
    finally:
        read_only_transactions.reset(reading)


def deliver(outgoing: outbox.Outgoing) -> None:
    """Post one callback, signed; raises outbox.Permanent when trying again cannot help."""
    found = _partner(outgoing.content["partner_id"])
    if found is None:
        raise outbox.Permanent("partner stopped")
    client_id, secret, url = found
    body = json.dumps(outgoing.content["body"], ensure_ascii=False, separators=(",", ":")).encode()
    path = urlsplit(url).path or "/"
    headers = {**signing.headers(client_id, secret, "POST", path, int(clock.now().timestamp()), body),
               "Content-Type": "application/json; charset=utf-8", "Idempotency-Key": outgoing.key}
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.build_opener(_NoRedirects()).open(request, timeout=TIMEOUT_SECONDS) as answer:
            answer.read(1024)
    except urllib.error.HTTPError as refused:
        if refused.code in RETRY_STATUSES or refused.code >= 500:
            raise TryAgain(refused.code) from None
        raise outbox.Permanent(f"HTTP {refused.code}") from None

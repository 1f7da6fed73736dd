"""Work orders from the 12345 hotline: signed requests checked, an order filed once as a case of
source 12345 through the one filing path, and the hotline's reminders (催办) put on the case's timeline.

A request is accepted only when its signature (`signing`) is right under an active partner's
secret, its timestamp lies within `WINDOW` of our clock, and its nonce was not used by that
partner inside the window (a replay is refused). An order is idempotent by its number: the same
order again gives the same case; another body under the same number is a conflict. The time limits
run from the day the hotline received the call (信访工作条例 第二十三条: the acceptance limit, and
the 5 working days to return a misrouted order, `casework.service.objection_due`).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from portal import clock
from portal.casework.models import Complaint, ComplaintEvent, EventKind
from portal.errors import Conflict, Invalid, NotFound, PortalError
from portal.extensions import db
from portal.hotline import callbacks, partners, signing
from portal.hotline.models import Nonce, Order, Partner
from portal.hotline.orders import OrderDraft
from portal.intake import filing
from portal.security import audit
from portal.text import clean_text

log = logging.getLogger(__name__)
WINDOW = dt.timedelta(minutes=5)  # how far a request's timestamp may be from our clock, either way
URGING_MAX = 2000


class SignatureRefused(PortalError):
    """The request is not signed, or not by an active partner, or not rightly (one answer for all)."""

    status = 401
    code = "signature_refused"


class StaleRequest(SignatureRefused):
    """The timestamp is more than `WINDOW` away from our clock."""

    code = "stale_request"


class Replayed(Conflict):
    """This partner sent this nonce before, inside the window: a replay."""

    code = "replayed"


class OrderConflict(Conflict):
    """The order number was used before with another body."""

    code = "order_conflict"


class OrderNotFound(NotFound):
    """This partner sent no order with this number."""

    code = "order_not_found"


class InvalidUrging(Invalid):
    """A reminder needs its text (at most `URGING_MAX` characters)."""

    code = "invalid_fields"


@dataclass(frozen=True)
class Received:
    order: Order
    complaint: Complaint
    created: bool  # False: the same order sent again


def authenticate(method: str, path: str, headers: Mapping[str, str], body: bytes,
                 now: dt.datetime | None = None) -> Partner:
    """The active partner that signed this request, or a refusal; records the nonce as used."""
    now = now or clock.now()
    client, stamp, nonce, signature = (headers.get(name, "") for name in (
        signing.CLIENT, signing.TIMESTAMP, signing.NONCE, signing.SIGNATURE))
    if not (client and signing.TIMESTAMP_PATTERN.match(stamp) and signing.NONCE_PATTERN.match(nonce)
            and signing.SIGNATURE_PATTERN.match(signature)):
        raise SignatureRefused()
    partner = db.session.scalar(select(Partner).where(Partner.client_id == client[:40]))
    if partner is None or not partner.active or not signing.matches(
            partners.secret_of(partner), signature, method, path, stamp, nonce, body):
        log.warning("hotline: a request with a wrong signature or unknown client was refused")
        raise SignatureRefused()
    if abs(now.timestamp() - int(stamp)) > WINDOW.total_seconds():
        raise StaleRequest()
    _use_nonce(partner, nonce, now)
    return partner


def _use_nonce(partner: Partner, nonce: str, now: dt.datetime) -> None:
    """Keep the nonce for twice the window (a timestamp may be early or late by one window)."""
    db.session.execute(delete(Nonce).where(Nonce.partner_id == partner.id, Nonce.seen_at < now - 2 * WINDOW))
    try:
        with db.session.begin_nested():
            db.session.add(Nonce(partner_id=partner.id, nonce=nonce, seen_at=now))
    except IntegrityError:
        raise Replayed() from None


def body_digest(data: dict) -> str:
    """What an order said, whatever its spacing or key order: SHA-256 of its canonical JSON."""
    return hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
                          .encode()).hexdigest()


def find(partner: Partner, order_number: str) -> Order:
    """The partner's order with this number, with its case."""
    order = db.session.scalar(select(Order).where(Order.partner_id == partner.id,
                                                  Order.order_number == order_number[:64]))
    if order is None:
        raise OrderNotFound(order_number[:64])
    return order


def receive(partner: Partner, data: dict, now: dt.datetime | None = None) -> Received:
    """File the order as a case once; the same order again returns that case."""
    now = now or clock.now()
    draft = OrderDraft.read(data, partner, clock.local_date(now))
    digest = body_digest(data)
    try:
        order = find(partner, draft.order_number)
    except OrderNotFound:
        pass
    else:
        if order.body_digest != digest:
            raise OrderConflict(draft.order_number)
        return Received(order, db.session.get(Complaint, order.complaint_id), created=False)
    filed = filing.file_complaint(draft.filing_draft(), f"hotline:{partner.id}:{draft.order_number}",
                                  draft.received_on, now)
    order = Order(partner_id=partner.id, order_number=draft.order_number, complaint_id=filed.complaint.id,
                  body_digest=digest)
    db.session.add(order)
    db.session.flush()
    audit.record(actor(partner), "hotline.order_received", "complaint", filed.complaint.id,
                 after={"order_number": draft.order_number, "case_number": filed.complaint.case_number,
                        "received_on": str(draft.received_on)})
    return Received(order, filed.complaint, created=True)


def urge(partner: Partner, order_number: str, data: dict, now: dt.datetime | None = None) -> ComplaintEvent:
    """Put the hotline's reminder (催办) on the case's timeline, for staff only."""
    now = now or clock.now()
    order = find(partner, order_number)
    text = data.get("message") if isinstance(data, dict) else None
    if not isinstance(text, str) or not text.strip() or len(text) > URGING_MAX or set(data) - {"message"}:
        raise InvalidUrging()
    complaint = db.session.get(Complaint, order.complaint_id)
    event = ComplaintEvent(complaint_id=complaint.id, kind=EventKind.HOTLINE_URGED, public=False,
                           body=clean_text(text.strip()), actor_label=f"12345 · {partner.name}"[:100],
                           created_at=now)
    db.session.add(event)
    db.session.flush()
    audit.record(actor(partner), "hotline.urged", "complaint", complaint.id, at=now,
                 after={"order_number": order.order_number})
    return event


def actor(partner: Partner) -> str:
    """How the audit trail names a partner."""
    return f"hotline:{partner.client_id}"


def notify_followup(complaint: Complaint, result: Any) -> str | None:
    """Tell the hotline the result of a follow-up call (回访) on one of its cases, in the current
    transaction; nothing (None) for a case from elsewhere. `result`: `callbacks.notify_followup`."""
    return callbacks.notify_followup(complaint, result)

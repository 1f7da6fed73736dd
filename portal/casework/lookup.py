"""Finding a complaint by the receipt code its reporter holds (stored only as a keyed hash)."""
from __future__ import annotations

from sqlalchemy import select

from portal.casework.models import Complaint
from portal.errors import NotFound
from portal.extensions import db
from portal.security import crypto, receipts


class ReceiptNotFound(NotFound):
    """Wrong, unknown or malformed receipt: callers show one message for all three."""


def find_by_receipt(text: str | None) -> Complaint:
    """The complaint a receipt belongs to; every failure raises the same exception."""
    code = receipts.normalise(text)
    # Hashing even a malformed input keeps the work (and time) the same; every pepper of the ring is tried.
    wanted = receipts.digests(code or "-" * receipts.LENGTH, crypto.peppers())
    complaint = db.session.scalar(select(Complaint).where(Complaint.receipt_digest.in_(wanted)))
    if code is None or complaint is None or not receipts.matches(
            code, complaint.receipt_digest, crypto.pepper_of(complaint.receipt_pepper)):
        raise ReceiptNotFound()
    return complaint

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
    pepper = crypto.pepper()
    # Hashing even a malformed input keeps the work (and the time) the same for every answer.
    wanted = receipts.digest(code or "-" * receipts.LENGTH, pepper)
    complaint = db.session.scalar(select(Complaint).where(Complaint.receipt_digest == wanted))
    if code is None or complaint is None or not receipts.matches(code, complaint.receipt_digest, pepper):
        raise ReceiptNotFound()
    return complaint

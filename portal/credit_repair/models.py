"""A penalised party's online credit-repair application and the proof files it sent."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base, UTCDateTime, created_at, intpk, value_enum
from portal.i18n import LabelledEnum, _l, _lp


class ApplicationState(LabelledEnum):
    SUBMITTED = "submitted", _l("Received, waiting for the decision")
    APPROVED = "approved", _l("Approved: publication ended")
    REFUSED = "refused", _lp("credit repair application", "Refused")


class RepairApplication(Base):
    """An application found by its decision number and USCC; the party follows it with a receipt
    code stored only as a keyed hash."""

    __tablename__ = "repair_applications"

    id: Mapped[intpk]
    disclosure_id: Mapped[int] = mapped_column(ForeignKey("disclosures.id"), index=True)
    receipt_digest: Mapped[str] = mapped_column(String(64), unique=True)
    # The fingerprint of the pepper that hashed the receipt (None: before peppers had versions).
    receipt_pepper: Mapped[str | None] = mapped_column(String(32))
    statement: Mapped[str] = mapped_column(Text)  # how the party performed the penalty and removed the effects
    # Set by the disclosures' "repair" step when staff decide (credit_repair.service.record_repair).
    outcome: Mapped[ApplicationState] = mapped_column(value_enum(ApplicationState, 16),
                                                      default=ApplicationState.SUBMITTED, index=True)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reasons: Mapped[str] = mapped_column(Text, default="")  # the staff decision's reasons, shown to the party
    created_at: Mapped[created_at]


class RepairProof(Base):
    """A proof file, cleaned and encrypted with its own key (wrapped by the data key)."""

    __tablename__ = "repair_proofs"
    __table_args__ = (CheckConstraint("size > 0", name="size"),)

    id: Mapped[intpk]
    application_id: Mapped[int] = mapped_column(ForeignKey("repair_applications.id"), index=True)
    filename: Mapped[str] = mapped_column(String(40))  # neutral: "proof-1.pdf"
    media_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    wrapped_key: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[created_at]

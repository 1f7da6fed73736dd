"""One follow-up call (回访) to a reporter after a written reply, as staff record it."""
from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Index, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from portal.casework.models import Complaint, Rating
from portal.db import Base, created_at, intpk, value_enum


class FollowUp(Base):
    """A call after the case's latest reply: reached or not, the reporter's rating when reached."""

    __tablename__ = "follow_ups"

    id: Mapped[intpk]
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)  # the case's county
    reached: Mapped[bool] = mapped_column(Boolean)
    rating: Mapped[Rating | None] = mapped_column(value_enum(Rating, 24))
    comments: Mapped[str] = mapped_column(Text, default="")  # internal: what the reporter said
    reopened: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]


# The cases due a follow-up call (`service.due_count`, counted on every inbox page): only replied,
# named cases, by state and office prefix (a LIKE range on PostgreSQL's pattern ops).
Index("ix_complaints_follow_up_due", Complaint.status, Complaint.handling_region_code, Complaint.replied_at,
      postgresql_ops={"handling_region_code": "varchar_pattern_ops"},
      postgresql_where=text("replied_at IS NOT NULL AND anonymous IS false"),
      sqlite_where=text("replied_at IS NOT NULL AND anonymous IS 0"))

"""Written notices as issued, their number series, each office's settings, and replies awaiting sign-off."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import DDL, Boolean, CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.casework.models import Complaint
from portal.db import Base, UTCDateTime, created_at, intpk, value_enum
from portal.i18n import LabelledEnum, _l

if TYPE_CHECKING:
    from portal.accounts.models import User


class Notice(Base):
    """One document as it was issued: its whole text is stored and never rendered again from the
    case; `sha256` (of `text` in UTF-8) is also in the audit record of its issue."""

    __tablename__ = "notices"
    __table_args__ = (UniqueConstraint("region_code", "number"),)

    id: Mapped[intpk]
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # a key of the kinds registry (`notices.kinds`)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)  # the issuing office
    authority: Mapped[str] = mapped_column(String(100))  # the issuing authority's name, as printed
    title: Mapped[str] = mapped_column(String(40))
    number: Mapped[str] = mapped_column(String(80))  # 文号
    issued_on: Mapped[dt.date] = mapped_column(Date)
    issued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]

    complaint: Mapped[Complaint] = relationship(lazy="raise")


# A notice is kept exactly as issued: the database refuses to change or remove one.
AS_ISSUED = {
    "postgresql": [
        "CREATE OR REPLACE FUNCTION notices_as_issued() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION 'notices are kept as issued'; END; $$ LANGUAGE plpgsql",
        "CREATE TRIGGER notices_no_update BEFORE UPDATE OR DELETE ON notices "
        "FOR EACH ROW EXECUTE FUNCTION notices_as_issued()",
    ],
    "sqlite": [
        "CREATE TRIGGER notices_no_update BEFORE UPDATE ON notices "
        "BEGIN SELECT RAISE(ABORT, 'notices are kept as issued'); END",
        "CREATE TRIGGER notices_no_delete BEFORE DELETE ON notices "
        "BEGIN SELECT RAISE(ABORT, 'notices are kept as issued'); END",
    ],
}
for _dialect, _statements in AS_ISSUED.items():
    for _statement in _statements:
        event.listen(Notice.__table__, "after_create", DDL(_statement).execute_if(dialect=_dialect))


class NoticeCounter(Base):
    """The last sequence number of one office's notices in one year (the 文号's {seq})."""

    __tablename__ = "notice_counters"

    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class OfficeSettings(Base):
    """What an office's administrator sets for its notices; an office without a row uses the defaults."""

    __tablename__ = "notice_settings"

    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), primary_key=True)
    authority: Mapped[str] = mapped_column(String(100))
    short_name: Mapped[str] = mapped_column(String(20))
    number_pattern: Mapped[str] = mapped_column(String(60))
    second_signoff: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class DraftState(LabelledEnum):
    WAITING = "waiting", _l("Waiting for a second sign-off")
    ISSUED = "issued", _l("Signed off and issued")
    RETURNED = "returned", _l("Returned without issuing")


class ReplyDraft(Base):
    """A written reply confirmed by its author in an office that wants a second sign-off: nothing
    reaches the reporter until another certified officer signs it off (then the step is taken)."""

    __tablename__ = "reply_drafts"
    __table_args__ = (
        CheckConstraint("decided_by_id IS NULL OR decided_by_id <> drafted_by_id", name="four_eyes"),
    )

    id: Mapped[intpk]
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    step: Mapped[str] = mapped_column(String(20))  # conclude or decide_review
    text: Mapped[str] = mapped_column(Text)
    administrative: Mapped[bool] = mapped_column(Boolean, default=False)  # 行政复议/行政诉讼 named
    state: Mapped[DraftState] = mapped_column(value_enum(DraftState, 16), default=DraftState.WAITING)
    drafted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[created_at]

    drafted_by: Mapped["User"] = relationship(lazy="raise", foreign_keys=[drafted_by_id])

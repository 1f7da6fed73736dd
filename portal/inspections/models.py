"""Random inspections (双随机、一公开): the item list, draws with their frozen directories and
seed, the drawn targets with their inspectors and results, and recusals."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, UTCDateTime, created_at, intpk, updated_at, value_enum
from portal.i18n import LabelledEnum, _l, _lp
from portal.institutions.models import Institution, InstitutionKind, LicenceStatus

if TYPE_CHECKING:
    from portal.accounts.models import User


class Method(LabelledEnum):
    """How an item is inspected."""
    ON_SITE = "on_site", _l("On-site inspection")
    DOCUMENTS = "documents", _l("Review of documents")
    ONLINE = "online", _l("Online monitoring")


class DrawState(LabelledEnum):
    PREPARED = "prepared", _l("Prepared")
    COMMITTED = "committed", _l("Committed: directories frozen, seed sealed")
    DRAWN = "drawn", _l("Drawn: seed revealed")
    PUBLISHED = "published", _l("Results published")


class Outcome(LabelledEnum):
    """The result of inspecting one target."""
    NO_PROBLEM = "no_problem", _l("No problem found")
    RECTIFY = "rectify", _l("Ordered to rectify")
    CASE_OPENED = "case_opened", _l("Case opened")
    OTHER = "other", _lp("inspection outcome", "Other")


class InspectionItem(Base):
    """One line of a jurisdiction's inspection item list (抽查事项清单)."""

    __tablename__ = "inspection_items"
    __table_args__ = (CheckConstraint("ratio_percent BETWEEN 1 AND 100", name="ratio"),)

    id: Mapped[intpk]
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    legal_basis: Mapped[str] = mapped_column(Text)
    ratio_percent: Mapped[int] = mapped_column(Integer)
    frequency: Mapped[str] = mapped_column(String(100))
    method: Mapped[Method] = mapped_column(value_enum(Method, 16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]


class InspectionDraw(Base):
    """One draw: its parameters, the directories frozen at commitment (the exact canonical JSON
    bytes whose SHA-256 is published), the sealed seed and, after the draw, the revealed one."""

    __tablename__ = "inspection_draws"
    __table_args__ = (
        CheckConstraint("ratio_percent BETWEEN 1 AND 100", name="ratio"),
        CheckConstraint("inspectors_per_target >= 2", name="two_inspectors"),
        CheckConstraint("state = 'prepared' OR (seed_commitment IS NOT NULL AND sealed_seed IS NOT NULL)",
                        name="committed"),
        CheckConstraint("state IN ('prepared', 'committed') OR seed IS NOT NULL", name="revealed"),
    )

    id: Mapped[intpk]
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    item_ids: Mapped[str] = mapped_column(String(500))  # InspectionItem ids, comma-separated
    ratio_percent: Mapped[int] = mapped_column(Integer)
    inspectors_per_target: Mapped[int] = mapped_column(Integer)
    weighting: Mapped[bool] = mapped_column(Boolean, default=False)
    # Target filters: a county inside the jurisdiction, a kind, a licence status (None: all).
    county_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"))
    kind: Mapped[InstitutionKind | None] = mapped_column(value_enum(InstitutionKind, 16, name="draw_kind"))
    licence_status: Mapped[LicenceStatus | None] = mapped_column(value_enum(LicenceStatus, 16, name="draw_licence"))
    observer_ids: Mapped[str] = mapped_column(String(500), default="")  # supervisors, comma-separated
    state: Mapped[DrawState] = mapped_column(value_enum(DrawState, 16), default=DrawState.PREPARED, index=True)
    targets_json: Mapped[bytes | None] = mapped_column(LargeBinary)
    targets_sha256: Mapped[str | None] = mapped_column(String(64))
    inspectors_json: Mapped[bytes | None] = mapped_column(LargeBinary)
    inspectors_sha256: Mapped[str | None] = mapped_column(String(64))
    seed_commitment: Mapped[str | None] = mapped_column(String(64))
    sealed_seed: Mapped[bytes | None] = mapped_column(LargeBinary)  # under the data key until the reveal
    seed: Mapped[str | None] = mapped_column(String(64))
    # A public value that does not exist at the commitment, named then and entered at the draw; the
    # draw ranks by the seed mixed with it (`algorithm.draw_key`). Empty on draws from before.
    public_value_source: Mapped[str] = mapped_column(String(200), default="")
    public_value_date: Mapped[dt.date | None] = mapped_column(Date)
    public_value: Mapped[str | None] = mapped_column(String(200))
    results_due: Mapped[dt.date | None] = mapped_column(Date)
    results_due_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    committed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    drawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]
    committed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    drawn_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    assignments: Mapped[list["Assignment"]] = relationship(back_populates="draw", lazy="raise",
                                                           order_by="Assignment.rank")

    @property
    def item_id_list(self) -> list[int]:
        return [int(value) for value in self.item_ids.split(",") if value]

    @property
    def observer_id_list(self) -> list[int]:
        return [int(value) for value in self.observer_ids.split(",") if value]


class Assignment(Base):
    """A drawn target: its place in the draw, its inspectors (after recusals) and its result."""

    __tablename__ = "inspection_assignments"
    __table_args__ = (UniqueConstraint("draw_id", "institution_id"), UniqueConstraint("draw_id", "rank"))

    id: Mapped[intpk]
    draw_id: Mapped[int] = mapped_column(ForeignKey("inspection_draws.id"), index=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    rank: Mapped[int] = mapped_column(Integer)
    inspector_ids: Mapped[str] = mapped_column(String(200))  # user ids in the seed's order, comma-separated
    outcome: Mapped[Outcome | None] = mapped_column(value_enum(Outcome, 16))
    note: Mapped[str] = mapped_column(Text, default="")
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaints.id"))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    draw: Mapped[InspectionDraw] = relationship(back_populates="assignments", lazy="raise")
    institution: Mapped[Institution] = relationship(lazy="raise")
    recusals: Mapped[list["Recusal"]] = relationship(back_populates="assignment", lazy="raise",
                                                     order_by="Recusal.id")

    @property
    def inspector_id_list(self) -> list[int]:
        return [int(value) for value in self.inspector_ids.split(",") if value]


class Recusal(Base):
    """An inspector stood down from one target for a conflict (回避); the seed names the
    replacement. The reason stays in the back office. The inspector's own declaration holds at
    once; anyone else's waits for a second person (`confirmed_by_id`), and has no replacement yet."""

    __tablename__ = "inspection_recusals"
    __table_args__ = (UniqueConstraint("assignment_id", "inspector_id"),)

    id: Mapped[intpk]
    assignment_id: Mapped[int] = mapped_column(ForeignKey("inspection_assignments.id"), index=True)
    inspector_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    replacement_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: not confirmed yet
    reason: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[created_at]
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    assignment: Mapped[Assignment] = relationship(back_populates="recusals", lazy="raise")
    inspector: Mapped["User"] = relationship(lazy="raise", foreign_keys=[inspector_id])
    replacement: Mapped["User"] = relationship(lazy="raise", foreign_keys=[replacement_id])

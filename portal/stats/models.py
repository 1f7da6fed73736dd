"""The statistics' aggregates, kept current with every change to the records they count
(`portal.stats.keeping`) and rebuilt from scratch by `flask stats rebuild`.

- `StatsRecord`: what one counted record (a complaint, an enforcement case, a disclosure, a
  blacklist entry, a supervisor's observation, a follow-up call, a dispute on the mediation
  track) contributes now: its county and its facts, each
  "figure month bucket" (a complaint received in 2026-03 about fees: `received 2026-03 fees`).
  It is what a change is compared against: the facts it no longer has leave their cells, the new
  ones join theirs.
- `StatsCell`: one county's figure in one month (and bucket: a category, a rating, a number of
  days): how many records it counts, the sums of their record keys' high and low 32 bits (the
  cell key of `portal.cellkey`, without wrapping round, so additions and subtractions commute),
  and the count as published (perturbed by that key, for the figures that are), so the whole
  area's figures are sums the database adds up.
"""
from __future__ import annotations

from sqlalchemy import BigInteger, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base


class StatsRecord(Base):
    """One counted record's facts as last counted."""

    __tablename__ = "stats_records"

    kind: Mapped[str] = mapped_column(String(12), primary_key=True)
    record_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    county: Mapped[str] = mapped_column(String(12))
    facts: Mapped[str] = mapped_column(Text)  # "figure month bucket" lines


class StatsCell(Base):
    """One county × month × figure × bucket: the count, its key sums, the published count."""

    __tablename__ = "stats_cells"
    __table_args__ = (Index("ix_stats_cells_month", "month"),)  # the whole area's months

    county: Mapped[str] = mapped_column(String(12), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    figure: Mapped[str] = mapped_column(String(24), primary_key=True)
    bucket: Mapped[str] = mapped_column(String(32), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    key_high: Mapped[int] = mapped_column(BigInteger)
    key_low: Mapped[int] = mapped_column(BigInteger)
    published: Mapped[int] = mapped_column(Integer)

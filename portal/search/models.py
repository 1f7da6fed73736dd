"""The n-gram index behind name search: any Chinese fragment, one or two characters included."""
from __future__ import annotations

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base


class NameGram(Base):
    """One short substring (1–3 characters) of a searchable name, pointing at its record.
    `kind` says which table `ref_id` belongs to ("institution", "blacklist"); `sort_key` is the
    record's name as listed, so a gram's records can be read in list order from the index alone."""

    __tablename__ = "name_grams"
    __table_args__ = (Index("ix_name_grams_kind_ref_id", "kind", "ref_id"),
                      Index("ix_name_grams_ordered", "kind", "gram", "sort_key", "ref_id"))

    gram: Mapped[str] = mapped_column(String(3), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    ref_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sort_key: Mapped[str] = mapped_column(String(200), default="", server_default="")

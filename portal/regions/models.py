"""The division table, one row per GB/T 2260 code, old codes kept."""
from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base, value_enum
from portal.i18n import LabelledEnum, _l, _lp


class RegionLevel(LabelledEnum):
    COUNTRY = "country", _l("Whole country")  # the one national jurisdiction (000000), no GB/T 2260 division
    PROVINCE = "province", _l("Province")
    PREFECTURE = "prefecture", _l("Prefecture")
    COUNTY = "county", _lp("region level", "County")


class Region(Base):
    """A province, prefecture or county-level division, named in Chinese and in English."""

    __tablename__ = "regions"

    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(128))
    level: Mapped[RegionLevel] = mapped_column(value_enum(RegionLevel, 16))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"), index=True)
    # Whole paths ("浙江省杭州市西湖区", "Xihu District, Hangzhou City, Zhejiang Province") make
    # matching a typed place name one indexed-free LIKE over a few thousand short rows.
    path_zh: Mapped[str] = mapped_column(String(200))
    path_en: Mapped[str] = mapped_column(String(400))
    # Codes dropped from the current table stay, so old records still resolve.
    current: Mapped[bool] = mapped_column(Boolean, default=True)

    def name(self, locale: str) -> str:
        """The division's own name in the given locale."""
        return self.name_zh if locale == "zh_CN" else self.name_en

    def path(self, locale: str) -> str:
        """The full path of names in the given locale."""
        return self.path_zh if locale == "zh_CN" else self.path_en

    @property
    def scope_prefix(self) -> str:
        """The code prefix shared by this division and everything inside it (none for the country)."""
        if self.level is RegionLevel.COUNTRY:
            return ""
        if self.level is RegionLevel.PROVINCE:
            return self.code[:2]
        if self.level is RegionLevel.PREFECTURE:
            return self.code[:4]
        return self.code

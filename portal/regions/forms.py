"""A place field that works without JavaScript: type a name or code, the server resolves it."""
from __future__ import annotations

from collections.abc import Iterable

from wtforms import StringField, ValidationError
from wtforms.utils import unset_value

from portal.i18n import _l, current_locale
from portal.regions import service
from portal.regions.models import Region, RegionLevel
from portal.text import clean_text


class RegionField(StringField):
    """Text in, one `Region` out; several matches become `candidates` for the person to pick (the
    `region_field` macro lists them as radio buttons named `choice_name`, which win over the text)."""

    def __init__(self, label=None, validators=None, levels: Iterable[RegionLevel] | None = None,
                 **kwargs) -> None:
        kwargs.setdefault("filters", [clean_text])
        super().__init__(label, validators, **kwargs)
        self.levels = list(levels) if levels else None
        self.region: Region | None = None
        self.candidates: list[Region] = []

    @property
    def choice_name(self) -> str:
        """The name of the radio buttons that pick one of the candidates (no script needed)."""
        return f"{self.name}_choice"

    def process(self, formdata, data=unset_value, extra_filters=None) -> None:
        super().process(formdata, data, extra_filters)
        chosen = formdata.get(self.choice_name) if formdata else None
        if chosen:
            self.data = clean_text(chosen)

    def pre_validate(self, form) -> None:
        text = (self.data or "").strip()
        if not text:
            return
        self.region, self.candidates = service.resolve(text, self.levels)
        if self.region is not None:
            # Show the place by name; the name resolves to the same place when posted again.
            self.data = self.region.path(current_locale())
            return
        if self.candidates:
            raise ValidationError(_l("Several places match. Choose one from the list below."))
        if self.levels and service.resolve(text)[0] is not None:
            raise ValidationError(_l("Choose a district or county, for example 西湖区."))
        raise ValidationError(_l("No place matches what you typed. Try a shorter name, for example 西湖 or Hangzhou."))

    @property
    def suggest_level(self) -> str:
        """The level the suggestion script should ask for, or empty for any."""
        return self.levels[0].value if self.levels and len(self.levels) == 1 else ""

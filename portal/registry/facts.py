"""An institution's registry facts as one value: what an officer edits, an import row carries and
a version stores; compared field by field for previews and history."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass, field

from sqlalchemy import inspect, select
from sqlalchemy.orm.attributes import set_committed_value

from portal.extensions import db
from portal.i18n import _l, _lp
from portal.institutions.models import Institution, InstitutionKind, LicenceStatus, Premises, RegistrationType

# The label of each field, in the order the history and previews list them.
LABELS = {
    "name": _l("Name"),
    "former_names": _l("Former names"),
    "uscc": _l("Unified social credit code"),
    "region_code": _lp("registry field", "Registered in"),
    "address": _l("Registered address"),
    "kind": _l("Kind of training"),
    "licence_status": _l("Licence status"),
    "licence_number": _l("School-running licence number"),
    "licence_issuer": _l("Issued by"),
    "licence_valid_from": _l("Valid from"),
    "licence_valid_until": _l("Valid until"),
    "registration_type": _l("Registration"),
    "registration_number": _l("Registration number"),
    "legal_representative": _l("Legal representative"),
    "contact_person": _l("Contact person"),
    "contact_mobile": _l("Contact's mobile number"),
    "contact_email": _l("Contact's email"),
    "on_national_platform": _l("On the national supervision platform"),
    "platform_number": _l("National platform number"),
    "platform_registered_on": _l("Registered on the platform on"),
    "supervising_bank": _l("Supervising bank"),
    "fee_account_supervised": _l("Prepaid fees in a supervised account"),
    "filed_prices": _l("Filed prices"),
    "premises": _l("Training premises"),
}
DATES = ("licence_valid_from", "licence_valid_until", "platform_registered_on")
ENUMS = {"kind": InstitutionKind, "licence_status": LicenceStatus, "registration_type": RegistrationType}


@dataclass(frozen=True)
class Facts:
    """Everything about an institution that the registry keeps, but its inspections and closure."""

    name: str
    region_code: str
    kind: InstitutionKind
    uscc: str | None = None
    former_names: str = ""
    address: str = ""
    licence_status: LicenceStatus = LicenceStatus.NONE
    licence_number: str | None = None
    licence_issuer: str = ""
    licence_valid_from: dt.date | None = None
    licence_valid_until: dt.date | None = None
    registration_type: RegistrationType = RegistrationType.NONE
    registration_number: str = ""
    legal_representative: str = ""
    contact_person: str = ""
    contact_mobile: str = ""
    contact_email: str = ""
    on_national_platform: bool = False
    platform_number: str = ""
    platform_registered_on: dt.date | None = None
    supervising_bank: str = ""
    fee_account_supervised: bool = False
    filed_prices: str = ""
    premises: tuple[tuple[str, str], ...] = field(default=())  # (county code, address)

    def to_json(self) -> dict:
        """Plain values: dates as ISO text, enums by value, premises as lists."""
        out = {}
        for name in LABELS:
            value = getattr(self, name)
            if isinstance(value, dt.date):
                value = value.isoformat()
            elif name in ENUMS:
                value = value.value
            elif name == "premises":
                value = [list(place) for place in value]
            out[name] = value
        return out

    @classmethod
    def from_json(cls, data: dict) -> "Facts":
        values = {}
        for name in LABELS:
            if name not in data:
                continue
            value = data[name]
            if name in DATES and value:
                value = dt.date.fromisoformat(value)
            elif name in ENUMS:
                value = ENUMS[name](value)
            elif name == "premises":
                value = tuple((code, address) for code, address in value)
            values[name] = value
        return cls(**values)

    def dumps(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False, sort_keys=True)

    def replace(self, **changes) -> "Facts":
        return dataclasses.replace(self, **changes)


def _premises(institution: Institution) -> list[Premises]:
    """The institution's premises, read now if the query that loaded it did not."""
    state = inspect(institution)
    if "premises" in state.unloaded:
        places = list(db.session.scalars(select(Premises).where(Premises.institution_id == institution.id)
                                         .order_by(Premises.position))) if state.persistent else []
        set_committed_value(institution, "premises", places)
    return institution.premises


def of(institution: Institution) -> Facts:
    """The facts as the registry holds them now."""
    values = {name: getattr(institution, name) for name in LABELS if name != "premises"}
    values["premises"] = tuple((p.region_code, p.address) for p in _premises(institution))
    values["licence_number"] = values["licence_number"] or None
    return Facts(**values)


def write(institution: Institution, facts: Facts) -> None:
    """Set the institution's columns and premises to `facts` (premises replaced when they differ)."""
    for name in LABELS:
        if name != "premises":
            setattr(institution, name, getattr(facts, name))
    current = tuple((p.region_code, p.address) for p in _premises(institution))
    if current != facts.premises:
        institution.premises = [Premises(region_code=code, address=address, position=number)
                                for number, (code, address) in enumerate(facts.premises)]


def changes(old: Facts | None, new: Facts) -> dict[str, tuple[object, object]]:
    """The fields that differ, each as (old, new) in plain values; every field when there is no old."""
    before = old.to_json() if old is not None else {}
    after = new.to_json()
    return {name: (before.get(name), after[name]) for name in LABELS if before.get(name) != after[name]}


def shown(name: str, value: object) -> str:
    """A plain value as a person reads it in a preview or the history."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return str(_l("Yes") if value else _l("No"))
    if name in ENUMS:
        return str(ENUMS[name](value).label)
    if name == "premises":
        return "；".join(f"{address}（{code}）" for code, address in value)
    return str(value)

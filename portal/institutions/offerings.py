"""What other features offer the registry: sections of the institution page, and the records
that make an institution fail the whitelist's fifth condition (an unrectified violation).

Features above the registry register these in their `init_app`, so the registry (which every
feature uses) imports none of them. A record counts for an institution when it is linked to it
or carries its USCC: the same legal person is the same operator whether or not staff linked it.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from sqlalchemy import ColumnElement, and_, or_

from portal.institutions.models import Institution


@dataclass(frozen=True)
class Section:
    """A part of the public institution page: the template reads `sections[name]`."""

    name: str
    fetch: Callable[[Institution, dt.date], Any]


@dataclass(frozen=True)
class Violation:
    """A kind of record that, while in force, keeps an institution off the whitelist; `clause`
    is a SQL test over the row of `institutions` being read. `name` is the verdict's fact."""

    name: str
    clause: Callable[[dt.date], ColumnElement[bool]]


def add_section(app: Flask, section: Section) -> None:
    """Show a feature's records about an institution on its page."""
    app.extensions.setdefault("portal.institution_sections", []).append(section)


def add_violation(app: Flask, violation: Violation) -> None:
    """Count a feature's records in force against the whitelist."""
    app.extensions.setdefault("portal.institution_violations", []).append(violation)


def sections() -> list[Section]:
    return current_app.extensions.get("portal.institution_sections", [])


def violations() -> list[Violation]:
    return current_app.extensions.get("portal.institution_violations", [])


def about(model, institution: Institution) -> ColumnElement[bool]:
    """Records of `model` about one institution: linked to it, or carrying its USCC."""
    if institution.uscc:
        return (model.institution_id == institution.id) | (model.uscc == institution.uscc)
    return model.institution_id == institution.id


def same_operator(column_id, column_uscc) -> ColumnElement[bool]:
    """A record about the row of `institutions` being read: linked to it, or carrying its USCC."""
    return or_(column_id == Institution.id,
               and_(Institution.uscc.is_not(None), column_uscc == Institution.uscc))

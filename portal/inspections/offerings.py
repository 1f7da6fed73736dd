"""What features above offer the inspection draws: further sources of a target's weight.

A feature registers a `WeightSource` in its `init_app` (the refund-conduct flag adds 2 for a
flagged institution); `directories.weights` adds what every source gives to the weight from
complaints and penalty decisions and caps the sum at `MAX_WEIGHT`, so inspections imports none of
them. Weights are frozen into the targets directory at commitment, so a source's later change
never alters a committed draw."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app


@dataclass(frozen=True)
class WeightSource:
    """`extra(institution_ids, today)` gives the whole-number weight to add for some of them."""

    name: str
    extra: Callable[[list[int], dt.date], dict[int, int]]


def add_weight_source(app: Flask, source: WeightSource) -> None:
    """Weigh institutions more in weighted draws by what a feature knows of them."""
    app.extensions.setdefault("portal.inspection_weight_sources", []).append(source)


def weight_sources() -> list[WeightSource]:
    return current_app.extensions.get("portal.inspection_weight_sources", [])

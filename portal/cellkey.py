"""The cell-key method: counts published with a small, fixed noise, so that no combination of
published figures gives a true small count away.

This is the perturbation statistics offices publish with (the Australian Bureau of Statistics'
TableBuilder, Eurostat's recommendation for the census, the German offices' cell-key tools):

- every underlying record (a complaint, a penalty disclosure, a blacklist entry) has a record
  key: a keyed hash of its kind and id under the installation's first pepper, so nothing new is
  stored and nobody without the key can predict it; a rotation keeps the first pepper, so the
  noise never changes (two draws of one figure could be averaged);
- a cell's key is the sum of its records' keys, wrapped round (the same records, the same key,
  in whatever order or table they are counted);
- a fixed perturbation table turns (count, cell key) into the published count: the count plus a
  noise of at most NOISE_BOUND either way, zero on average for every count, never below zero; a
  zero (no records, no key) stays zero, and a count up to NOISE_BOUND may be published as zero.

What is perturbed are the finest cells (a county's figure, or category, in one month); every
total is published as the sum of its cells' published counts. A total therefore tells nobody
anything the cells did not, and the most anyone can learn of a cell from everything published
together is the range its own published count allows: a published 0 is 0 to NOISE_BOUND, a
published p above 0 is max(1, p - NOISE_BOUND) to p + NOISE_BOUND: never fewer than
NOISE_BOUND + 1 possible values. `tests/stats/test_disclosure_audit.py` checks this with a linear
programme over every published table.
"""
from __future__ import annotations

import hashlib
import hmac
import math
from collections.abc import Iterable

from portal.security import crypto

NOISE_BOUND = 4  # the largest change to any published count, either way
KEY_BITS = 64
_MODULUS = 1 << KEY_BITS
_SCALE = 1 << 32  # the perturbation table's probabilities, in 32-bit fractions
# The noise for a count above NOISE_BOUND, in fiftieths: mostly none, rarely the bound.
BASE_WEIGHTS = {-4: 1, -3: 2, -2: 4, -1: 8, 0: 20, 1: 8, 2: 4, 3: 2, 4: 1}


def _tilted(count: int) -> list[tuple[int, int]]:
    """The noise for one count as (noise, cumulative probability out of 2**32). A small count
    cannot go below zero, so its weights are tilted (multiplied by e**(t * noise), t found by
    bisection) until the noise averages zero again: the published count is unbiased."""
    noises = [n for n in BASE_WEIGHTS if count + n >= 0]

    def mean(t: float) -> float:
        weights = [BASE_WEIGHTS[n] * math.exp(t * n) for n in noises]
        return sum(n * w for n, w in zip(noises, weights)) / sum(weights)

    low, high = -10.0, 10.0
    for _ in range(200):
        middle = (low + high) / 2
        low, high = (middle, high) if mean(middle) < 0 else (low, middle)
    weights = [BASE_WEIGHTS[n] * math.exp(low * n) for n in noises]
    total, running, table = sum(weights), 0.0, []
    for n, weight in zip(noises, weights):
        running += weight
        table.append((n, min(_SCALE, round(running / total * _SCALE))))
    table[-1] = (table[-1][0], _SCALE)
    return table


# Counts from 1 to NOISE_BOUND - 1 have their own rows; every larger count shares the last.
PERTURBATION_TABLE = {count: _tilted(count) for count in range(1, NOISE_BOUND + 1)}


def noise(count: int, key: int) -> int:
    """The noise the table gives this count under this cell key (0 for a zero)."""
    if count <= 0:
        return 0
    point = key >> (KEY_BITS - 32)  # the key's top 32 bits: a point in [0, 2**32)
    for n, cumulative in PERTURBATION_TABLE[min(count, NOISE_BOUND)]:
        if point < cumulative:
            return n
    return 0  # not reached: the last cumulative probability is the whole


def perturb(count: int, key: int) -> int:
    """The count as published."""
    return count + noise(count, key)


class RecordKeys:
    """Record keys under the installation's first pepper (read once), remembered while in use."""

    def __init__(self) -> None:
        self._key = crypto.matching_key()
        self._known: dict[tuple[str, int], int] = {}

    def __call__(self, kind: str, record_id: int) -> int:
        known = self._known.get((kind, record_id))
        if known is None:
            digest = hmac.new(self._key, f"stats-record-key:{kind}:{record_id}".encode(), hashlib.sha256).digest()
            known = self._known[(kind, record_id)] = int.from_bytes(digest[:8], "big")
        return known

    def cell(self, kind: str, record_ids: Iterable[int]) -> int:
        """A cell's key: its records' keys added up, wrapped round."""
        return combine(self(kind, record_id) for record_id in record_ids)


def combine(keys: Iterable[int]) -> int:
    """The key of a cell made of cells (or records) with these keys."""
    return sum(keys) % _MODULUS

"""Reward decisions on concluded cases, and the reporter's claim."""
from __future__ import annotations


def panel(complaint, user) -> dict:
    """What the case page shows about the reward (placeholder until written)."""
    return {}

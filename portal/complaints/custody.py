"""Identity custody: a handler's request to see a named reporter, a custodian's decision."""
from __future__ import annotations


def panel(complaint, user) -> dict:
    """What the case page shows about the reporter's identity (placeholder until written)."""
    return {}

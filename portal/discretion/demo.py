"""The discretion benchmark for `make run`: the same catalogue of 教育部令第53号 that
`flask --app portal discretion load` enters in production (`order53.py`)."""
from __future__ import annotations

from portal.discretion import service
from portal.discretion.order53 import ORDER

ORDER_53 = ORDER


def seed_rules() -> int:
    """Add the benchmark lines of 教育部令第53号 that are missing; returns how many."""
    return service.load_catalogue("system")

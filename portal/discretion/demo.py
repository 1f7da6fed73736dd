"""The discretion benchmark from 教育部令第53号 (as DOMAIN.md summarises it) for `make run`."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from portal.casework.models import Category
from portal.discretion.models import Circumstance, DiscretionRule, Level
from portal.discretion.models import PenaltyCategory as P
from portal.extensions import db

ORDER_53 = "《校外培训行政处罚暂行办法》（教育部令第53号）"
MATTER = "对以隐形变异方式违规开展校外培训的行政处罚"
# Disguised training (隐形变异培训): order to correct, refund, warning or public criticism; serious →
# a fine up to ¥50,000; especially serious → ¥50,000 – 100,000. Orders to correct and refunds are
# not penalty categories: the penalty content says them.
RULES = (
    (Circumstance.MINOR, (P.WARNING, P.CRITICISM), None, None),
    (Circumstance.GENERAL, (P.WARNING, P.CRITICISM), None, None),
    (Circumstance.SERIOUS, (P.WARNING, P.CRITICISM, P.FINE), None, Decimal("50000")),
    (Circumstance.ESPECIALLY_SERIOUS, (P.FINE,), Decimal("50000"), Decimal("100000")),
)


def seed_rules() -> int:
    """Add the benchmark lines of 教育部令第53号 that are missing; returns how many. Lines an
    administrator has entered or changed are left alone."""
    existing = set(db.session.execute(select(DiscretionRule.violation, DiscretionRule.circumstance)).all())
    added = 0
    for circumstance, penalties, fine_min, fine_max in RULES:
        if (Category.DISGUISED_TRAINING, circumstance) in existing:
            continue
        db.session.add(DiscretionRule(
            violation=Category.DISGUISED_TRAINING, circumstance=circumstance, matter=MATTER, legal_basis=ORDER_53,
            level=Level.COUNTY, penalties=",".join(p.value for p in P if p in penalties),
            fine_min=fine_min, fine_max=fine_max))
        added += 1
    db.session.flush()
    return added

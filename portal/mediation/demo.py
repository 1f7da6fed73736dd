"""Demo refund disputes for `make run`: one waiting for the decision to mediate, one in mediation
with a session recorded, one agreed and waiting for the parent's word on the money, one ended
without an agreement. Idempotent: each has its own form token."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from portal import clock
from portal.accounts.models import User
from portal.casework.models import Category
from portal.extensions import db
from portal.institutions.models import Institution
from portal.intake import filing
from portal.mediation import service
from portal.mediation.models import EndReason, PaidHow, SessionForm

STORY = "报名时预交了一年学费一万二千元，上了两个月课后孩子不想上了，机构拒绝退还剩余学费。"
# (days ago received, how far the demo handler takes it)
DISPUTES = ((2, "asked"), (12, "mediating"), (30, "agreed"), (40, "failed"))


def seed() -> int:
    """Add the demo disputes that are missing; returns how many."""
    handler = db.session.scalar(select(User).where(User.username == "demo.handler"))
    institution = db.session.scalar(select(Institution).where(Institution.region_code == "330106")
                                    .order_by(Institution.id).limit(1))
    if handler is None or institution is None:
        return 0
    today, added = clock.today(), 0
    for number, (days_ago, stage) in enumerate(DISPUTES, start=1):
        token = f"demo-dispute-{number}"
        if filing.find_by_form_token(token) is not None:
            continue
        received = today - dt.timedelta(days=days_ago)
        draft = filing.Draft(category=Category.FEES_REFUNDS, region_code="330106", description=STORY,
                             institution_id=institution.id, occurred_on=received - dt.timedelta(days=5),
                             identity=filing.ReporterIdentity("演示家长", "13800000001"), mediation=True,
                             mediation_name_shared=number % 2 == 0)
        complaint = filing.file_complaint(draft, token, received, now=clock.now() - dt.timedelta(days=days_ago)
                                          ).complaint
        _advance(complaint, stage, handler, received)
        added += 1
    db.session.commit()
    return added


def _advance(complaint, stage: str, handler: User, received: dt.date) -> None:
    if stage == "asked":
        return
    taken = received + dt.timedelta(days=2)
    record = service.decide(complaint, handler, True, taken)
    service.record_session(record, handler, taken + dt.timedelta(days=3), SessionForm.PHONE, "调解员、家长、机构负责人",
                           "要求退还剩余十个月的学费。", "同意按剩余课时退还，但要扣除教材费。")
    if stage == "agreed":
        service.agree(record, complaint, handler, taken + dt.timedelta(days=7), Decimal("9600.00"),
                      clock.today() + dt.timedelta(days=7), PaidHow.BANK_TRANSFER, "机构退还剩余课时学费，扣除教材费。")
    elif stage == "failed":
        service.end(record, complaint, handler, taken + dt.timedelta(days=7), EndReason.INSTITUTION_REFUSED,
                    "机构负责人明确表示不同意退费，拒绝继续调解。")

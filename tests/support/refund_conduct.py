"""Mediation cases that count against an institution (or not), for the refund-conduct tests."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from portal.casework.models import Category
from portal.extensions import db
from portal.institutions.models import Institution
from portal.mediation.models import EndReason, MediationCase, MediationState, PaidHow
from tests.support.complaints import file, named_identity


def mediation_case(target: Institution, ended_on: dt.date, *, refused: bool = False, broken: bool = False,
                   office: str = "330106") -> MediationCase:
    """A dispute about `target` whose mediation ended on `ended_on`: the institution refused, the
    agreement was broken (the case reopened), or (neither) an agreement kept."""
    complaint = file(received_on=ended_on - dt.timedelta(days=20), category=Category.FEES_REFUNDS,
                     identity=named_identity(), mediation=True, institution_id=target.id,
                     region_code=target.region_code, institution_name=target.name,
                     description="报名时预交了一年学费一万二千元，上了两个月课后机构拒绝退还剩余学费。").complaint
    values = dict(complaint_id=complaint.id, region_code=target.region_code, office_code=office,
                  institution_id=target.id, decided_on=ended_on - dt.timedelta(days=15), ended_on=ended_on)
    if refused:
        values.update(state=MediationState.FAILED, end_reason=EndReason.INSTITUTION_REFUSED, summary="机构拒绝退费。")
    elif broken:
        values.update(state=MediationState.REOPENED, amount=Decimal("800"), pay_by=ended_on, paid_how=PaidHow.CASH,
                      broken_count=1, confirmed_on=ended_on)
    else:
        values.update(state=MediationState.KEPT, amount=Decimal("800"), pay_by=ended_on, paid_how=PaidHow.CASH,
                      confirmed_on=ended_on)
    record = MediationCase(**values)
    db.session.add(record)
    db.session.flush()
    return record


def flagged(target: Institution, today: dt.date, count: int = 2) -> list[MediationCase]:
    """`count` counting cases in the last year: refusals and broken agreements in turn."""
    return [mediation_case(target, today - dt.timedelta(days=30 + 10 * n), refused=n % 2 == 0, broken=n % 2 == 1)
            for n in range(count)]

"""Reading the 12345 orders: the API's answer about one, the staff case page's panel and the inbox's marks."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from flask_babel import force_locale
from sqlalchemy import func, select

from portal import clock
from portal.accounts.models import User
from portal.casework import service as casework
from portal.casework.models import Complaint, ComplaintEvent, EventKind, Source, Status
from portal.extensions import db
from portal.hotline.models import Order, Partner


def moment(at: dt.datetime) -> str:
    """A moment in the portal's timezone, with its offset."""
    return at.astimezone(clock.zone()).isoformat(timespec="seconds")


def order_of(complaint: Complaint) -> Order | None:
    """The work order a case came from, if it came from the hotline."""
    if complaint.source is not Source.HOTLINE_12345:
        return None
    return db.session.scalar(select(Order).where(Order.complaint_id == complaint.id))


def complaint_of(order: Order) -> Complaint:
    return db.session.get(Complaint, order.complaint_id)


def order_json(order: Order, complaint: Complaint) -> dict:
    """What the partner is told about its order: the case, its state and its time limits."""
    objection = casework.objection_due(complaint)
    with force_locale("zh_CN"):
        status = {"code": complaint.state.value, "label": str(complaint.state.label)}
    return {"order_number": order.order_number, "case_number": complaint.case_number, "status": status,
            "received_on": complaint.received_on.isoformat(), "acceptance_due": complaint.acceptance_due.isoformat(),
            "conclusion_due": complaint.conclusion_due.isoformat() if complaint.conclusion_due else None,
            "return_by": objection.day.isoformat() if objection else None}


def panel(complaint: Complaint, user: User) -> dict | None:
    """The case page's panel for a case from the hotline: the order, its partner, the reminders and
    the last day to return it if misrouted; None for any other case."""
    if complaint.source is not Source.HOTLINE_12345:
        return None
    found = db.session.execute(select(Order, Partner).join(Partner, Partner.id == Order.partner_id)
                               .where(Order.complaint_id == complaint.id)).first()
    if found is None:
        return None  # a 12345 call registered by hand at /staff/cases/new
    order, partner = found
    urgings = list(db.session.scalars(select(ComplaintEvent).where(
        ComplaintEvent.complaint_id == complaint.id, ComplaintEvent.kind == EventKind.HOTLINE_URGED)
        .order_by(ComplaintEvent.id.desc())))
    objection = casework.objection_due(complaint) if complaint.status is Status.REGISTERED else None
    return {"order": order, "partner": partner, "urgings": urgings, "objection": objection,
            "today": clock.today()}


def marks(cases: Iterable[Complaint]) -> dict[int, int]:
    """For the inbox: how many reminders (催办) the hotline sent on each case of the page that has any."""
    ids = [c.id for c in cases if c.source is Source.HOTLINE_12345]
    if not ids:
        return {}
    return dict(db.session.execute(select(ComplaintEvent.complaint_id, func.count())
                                   .where(ComplaintEvent.complaint_id.in_(ids),
                                          ComplaintEvent.kind == EventKind.HOTLINE_URGED)
                                   .group_by(ComplaintEvent.complaint_id)).all())

"""When the written reply reached the reporter (送达), and so when the review period starts.

The earliest of: the reporter first opening the case on the tracking page while the reply is
shown there, and a delivery staff record by hand (by post or in person, with its day). The
outbox's mail does not count: it says only that the case changed, never the reply itself. A new
reply (a review decision) starts over: until it is received the case is not archived."""
from __future__ import annotations

import datetime as dt

from portal import clock, workflow
from portal.accounts import service as accounts
from portal.accounts.models import Role, User
from portal.casework.models import Complaint, ComplaintEvent, EventKind, ReplyDelivery, Status
from portal.errors import Invalid, NotAllowed
from portal.extensions import db
from portal.security import audit

BY_HAND = (ReplyDelivery.POST, ReplyDelivery.IN_PERSON)
RECORDERS = (Role.HANDLER, Role.ADMIN)


class DeliveryNotOpen(NotAllowed):
    """Only a concluded case's reply is delivered, by staff of the office that handles it, not recused."""


class BadDeliveryDay(Invalid):
    """The day lies between the reply's day and today (args[0]: "before" or "future")."""


def awaiting(complaint: Complaint) -> bool:
    """Whether the case's written reply is there and has not reached the reporter yet."""
    return complaint.status is Status.CONCLUDED and complaint.replied_at is not None \
        and complaint.reply_received_on is None


def _receive(complaint: Complaint, day: dt.date, how: ReplyDelivery) -> bool:
    """Keep the earliest day the reply reached the reporter; True when this day is it."""
    if complaint.reply_received_on is not None and complaint.reply_received_on <= day:
        return False
    complaint.reply_received_on, complaint.reply_received_how = day, how
    return True


def opened(complaint: Complaint, now: dt.datetime | None = None) -> bool:
    """The reporter has the case open on the tracking page: a reply shown there for the first time
    is received today. Audited as the reporter's (by case, never by person)."""
    if not awaiting(complaint):
        return False
    now = now or clock.now()
    _receive(complaint, clock.local_date(now), ReplyDelivery.TRACKING_PAGE)
    db.session.flush()
    audit.record(f"reporter:{complaint.case_number}", "complaint.reply_received", "complaint", complaint.id,
                 at=now, after={"received_on": str(complaint.reply_received_on),
                                "how": ReplyDelivery.TRACKING_PAGE.value})
    return True


def may_record(complaint: Complaint, user: User) -> bool:
    """Whether the person may record a delivery of this case's reply now."""
    return (user.active and user.role in RECORDERS and complaint.status is Status.CONCLUDED
            and complaint.replied_at is not None and accounts.covers(user, complaint.handling_region_code)
            and not workflow.vetoed(user, "complaint", complaint))


def record(complaint: Complaint, user: User, how: ReplyDelivery, day: dt.date,
           now: dt.datetime | None = None) -> ComplaintEvent:
    """Record that the reply was delivered by post or in person on `day`; the earliest delivery
    starts the review period. An internal timeline entry and an audit record name who recorded it."""
    if not may_record(complaint, user) or how not in BY_HAND:
        raise DeliveryNotOpen(complaint.id)
    now = now or clock.now()
    if day < clock.local_date(complaint.replied_at):
        raise BadDeliveryDay("before")
    if day > clock.local_date(now):
        raise BadDeliveryDay("future")
    before = {"received_on": str(complaint.reply_received_on or ""),
              "how": complaint.reply_received_how.value if complaint.reply_received_how else ""}
    earliest = _receive(complaint, day, how)
    event = ComplaintEvent(complaint_id=complaint.id, kind=EventKind.REPLY_DELIVERED, public=False,
                           body=day.isoformat(), actor_id=user.id,
                           actor_label=user.display_name, created_at=now)
    db.session.add(event)
    db.session.flush()
    audit.record(f"user:{user.id}", "complaint.reply_delivered", "complaint", complaint.id, at=now, before=before,
                 after={"delivered_on": day.isoformat(), "how": how.value, "earliest": earliest,
                        "received_on": str(complaint.reply_received_on)})
    return event


def panel(complaint: Complaint, user: User) -> dict | None:
    """The case page's delivery panel: whether the reply reached the reporter, when and how; None
    before there is a reply."""
    if complaint.replied_at is None or complaint.status not in (Status.CONCLUDED, Status.ARCHIVED):
        return None
    return {"awaiting": awaiting(complaint), "received_on": complaint.reply_received_on,
            "how": complaint.reply_received_how, "may_record": may_record(complaint, user)}

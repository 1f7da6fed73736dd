"""The inbox's page is read as two index walks (cases with something due by deadline, then the
others newest first): every page together is exactly the one sorted list, with every filter."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from portal.accounts.models import User
from portal.casework import queries
from portal.casework.models import Complaint, Status
from portal.extensions import db
from tests.support.accounts import staff_user
from tests.support.complaints import file


def test_the_pages_together_are_the_sorted_list_and_the_totals_come_from_the_counts(app):
    with app.app_context():
        user = staff_user("inbox.pages", region="330100")
        for day in (3, 9, 1, 9, 14, 5, 20, 2, 11):
            file(received_on=dt.date(2026, 11, day), region_code="330106" if day % 2 else "330108")
        file(region_code="630103")  # another jurisdiction's
        cases = list(db.session.scalars(select(Complaint).order_by(Complaint.id)))
        for closed in cases[1:8:2]:  # some have nothing due any more, some are accepted
            closed.next_due, closed.status = None, Status.ARCHIVED
        cases[2].status = Status.ACCEPTED
        db.session.flush()
        user = db.session.get(User, user.id)
        today = dt.date(2026, 11, 25)
        for filters in (queries.InboxFilters(), queries.InboxFilters(status=Status.ARCHIVED),
                        queries.InboxFilters(status=Status.REGISTERED), queries.InboxFilters(county="330106")):
            expected = [c.id for c in db.session.scalars(queries._ordered(
                queries._filtered(user, filters, today, today + dt.timedelta(days=5))
                + ([Complaint.status == filters.status] if filters.status else [])))]
            first = queries.inbox(user, filters, 1, 3, today)
            assert first.page.total == len(expected)
            assert sum(first.counts.values()) >= first.page.total
            read = [c.id for number in range(1, first.page.pages + 2)  # one page past the end: the last again
                    for c in queries.inbox(user, filters, number, 3, today).page.items]
            assert read[:len(expected)] == expected, filters
            assert "630103" not in {c.region_code for c in first.page.items}
        assert queries.inbox(user, queries.InboxFilters(), 1, 3, today).counts[Status.ARCHIVED] == 4

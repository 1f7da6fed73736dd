"""The one commit point: what a view changes is committed only with a successful answer, and
what must follow a commit runs only after it, once, and never for a rolled-back change."""
from __future__ import annotations

import pytest
from flask import Response
from sqlalchemy import select

from portal import transaction
from portal.extensions import db
from portal.workdays.models import CalendarYear

YEAR = 1999  # a year no seed enters


def entered() -> bool:
    return db.session.scalar(select(CalendarYear).where(CalendarYear.year == YEAR)) is not None


def add_year() -> None:
    db.session.add(CalendarYear(year=YEAR, source="transaction test"))
    db.session.flush()


@pytest.mark.parametrize("status, keep, stored", [(200, False, True), (302, False, True), (422, False, False),
                                                   (409, False, False), (422, True, True)])
def test_a_request_commits_only_a_successful_answer(app, status, keep, stored):
    ran: list[str] = []
    with app.test_request_context("/", method="POST"):
        add_year()
        transaction.after_commit(lambda: ran.append("followed"))
        if keep:
            transaction.keep_on_error()
        app.process_response(Response(status=status))  # the after-request hooks, the commit point last
        db.session.remove()
    with app.app_context():
        assert entered() is stored
    assert ran == (["followed"] if stored else [])


def test_a_rolled_back_savepoint_takes_only_its_own_follow_ups(ctx):
    ran: list[str] = []
    transaction.after_commit(lambda: ran.append("outer"))
    savepoint = db.session.begin_nested()
    transaction.after_commit(lambda: ran.append("inner"))
    savepoint.rollback()
    assert ran == []  # nothing runs before the commit
    db.session.commit()
    assert ran == ["outer"]


def test_a_failing_follow_up_is_logged_and_the_others_still_run(ctx, caplog):
    ran: list[str] = []
    transaction.after_commit(lambda: 1 / 0)
    transaction.after_commit(lambda: ran.append("second"))
    db.session.commit()
    assert ran == ["second"] and "a task queued after a commit failed" in caplog.text

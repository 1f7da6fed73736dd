"""Document numbers under concurrency: offices issuing at the same moment never share a number
(the counter is one atomic upsert; on PostgreSQL its row stays locked until the commit)."""
import threading

import pytest
from sqlalchemy import delete, select

from portal.extensions import db
from portal.notices import offices
from portal.notices.models import NoticeCounter

pytestmark = pytest.mark.slow  # threads, each with its own connection, on committed data


def test_simultaneous_issues_take_distinct_sequence_numbers(live_app):
    with live_app.app_context():
        db.session.execute(delete(NoticeCounter).where(NoticeCounter.region_code == "630103"))
        db.session.commit()
    start = threading.Barrier(6)
    taken: list[int] = []
    failures: list[BaseException] = []

    def take() -> None:
        with live_app.app_context():
            try:
                start.wait()
                taken.append(offices.next_seq("630103", 2031))
                db.session.commit()
            except BaseException as error:  # noqa: BLE001 - reported below
                failures.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=take) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == [] and sorted(taken) == [1, 2, 3, 4, 5, 6]
    with live_app.app_context():
        assert db.session.scalar(select(NoticeCounter.last).where(NoticeCounter.region_code == "630103",
                                                                  NoticeCounter.year == 2031)) == 6

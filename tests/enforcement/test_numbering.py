"""立案编号 sequences stay unique when officers open cases at the same moment (SQLite or PostgreSQL)."""
import threading

from portal.enforcement import numbering
from portal.extensions import db
from tests.support.apps import make_app
from tests.support.databases import isolated_database


def test_concurrent_openings_never_share_a_number(tmp_path, database_url):
    with isolated_database(database_url, "enforcement_numbers", tmp_path) as url:
        app = make_app(tmp_path, url)
        with app.app_context():
            db.create_all()
        taken: list[int] = []
        errors: list[Exception] = []

        def officer() -> None:
            try:
                for _ in range(10):
                    with app.app_context():
                        taken.append(numbering.next_sequence("330106", 2026))
                        db.session.commit()
            except Exception as exc:  # reported below
                errors.append(exc)

        threads = [threading.Thread(target=officer) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert errors == []
        assert sorted(taken) == list(range(1, 41))
        with app.app_context():
            assert numbering.next_sequence("330106", 2026) == 41
            db.session.rollback()
            db.session.remove()
            db.engine.dispose()

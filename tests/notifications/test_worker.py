"""The outbox worker as its own process: killed while it delivers, nothing is lost and nothing reaches
the recipient twice (a message interrupted after the server took it goes again under the same
Message-ID, which the recipient's system uses to drop the copy)."""
import asyncio
import email
import os
import signal
import subprocess
import sys
import threading
from email.policy import default

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select, update

from portal import clock
from portal.config import PROJECT_ROOT
from portal.extensions import db
from portal.notifications import mail, outbox
from portal.notifications.models import Attempt, Message, Result, State
from tests.support.apps import make_app
from tests.support.databases import isolated_database
from tests.support.mail import free_port

MESSAGES = 5


class SlowOnThird:
    """Records every message it takes; holds the third one's answer long enough to kill the sender."""

    def __init__(self) -> None:
        self.message_ids: list[str] = []
        self.holding = threading.Event()

    async def handle_DATA(self, _server, _session, envelope) -> str:
        message = email.message_from_bytes(envelope.content, policy=default)
        self.message_ids.append(message["Message-ID"])
        if len(self.message_ids) == 3:
            self.holding.set()
            await asyncio.sleep(3)  # the sender dies waiting for this 250
        return "250 Message accepted for delivery"


@pytest.mark.slow  # two worker processes
def test_a_worker_killed_mid_delivery_loses_nothing_and_sends_each_message_once(tmp_path, database_url):
    sink = SlowOnThird()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    with isolated_database(database_url, "outbox_worker", tmp_path) as url:
        app = make_app(tmp_path / "instance", url, MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port,
                       MAIL_SENDER="noreply@jubao.example.gov.cn", OUTBOX_DELIVERY="worker")
        try:
            with app.app_context():
                db.create_all()
                for n in range(MESSAGES):
                    mail.queue(f"officer{n}@example.org", f"主题 {n}", "正文")
                db.session.commit()
                keys = [m.key for m in db.session.scalars(select(Message).order_by(Message.id))]
            env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
            env.update({"PORTAL_ENV": "development", "PORTAL_DATABASE_URL": url,
                        "PORTAL_INSTANCE_PATH": str(tmp_path / "instance"), "PORTAL_MAIL_SERVER": "127.0.0.1",
                        "PORTAL_MAIL_PORT": str(controller.port), "PORTAL_MAIL_SENDER": "noreply@jubao.example.gov.cn"})
            command = [sys.executable, "-m", "flask", "--app", "portal", "outbox", "work"]
            worker = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE,
                                      stderr=subprocess.STDOUT)
            assert sink.holding.wait(60), "the worker never reached the third message"
            worker.send_signal(signal.SIGKILL)
            worker.wait(10)

            with app.app_context():
                states = dict(db.session.execute(select(Message.key, Message.state)).all())
                assert [states[k] for k in keys] == [State.SENT, State.SENT, State.SENDING, State.PENDING,
                                                     State.PENDING]
                # The lease of the dead worker's claim runs out (two minutes; here, at once).
                db.session.execute(update(Message).where(Message.state == State.SENDING)
                                   .values(claimed_until=clock.now()))
                db.session.commit()
            again = subprocess.run(command + ["--once"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True,
                                   timeout=120)
            assert again.returncode == 0 and "3 sent, 0 not sent" in again.stdout, again.stdout + again.stderr

            with app.app_context():
                messages = list(db.session.scalars(select(Message).order_by(Message.id)))
                assert all(m.state is State.SENT for m in messages)
                interrupted = messages[2]
                results = list(db.session.scalars(select(Attempt.result).where(Attempt.message_id == interrupted.id)
                                                  .order_by(Attempt.number)))
                assert results == [Result.INTERRUPTED, Result.SENT]
                db.session.remove()
                db.engine.dispose()
        finally:
            controller.stop()
    expected = {f"<{key}@jubao.example.gov.cn>" for key in keys}
    assert set(sink.message_ids) == expected  # every message arrived
    # Only the interrupted one reached the server twice, under the same Message-ID: one copy for the reader.
    assert len(sink.message_ids) == MESSAGES + 1
    assert sink.message_ids.count(f"<{keys[2]}@jubao.example.gov.cn>") == 2


def test_in_development_a_thread_of_the_web_process_delivers_after_each_commit(tmp_path, database_url):
    from tests.support.mail import Mailbox

    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    with isolated_database(database_url, "outbox_thread", tmp_path) as url:
        app = make_app(tmp_path / "instance", url, MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port,
                       MAIL_SENDER="noreply@jubao.example.gov.cn", OUTBOX_DELIVERY="thread")
        try:
            with app.app_context():
                db.create_all()
                mail.queue("officer@example.org", "主题", "正文")
                assert box.received == []
                db.session.commit()  # wakes the thread: no wait for its next round
                for _ in range(50):
                    if box.received:
                        break
                    threading.Event().wait(0.1)
                assert len(box.received) == 1
                thread = app.extensions["portal.outbox_thread"]
                assert thread.is_alive()
                outbox.stop_thread(app)
                assert not thread.is_alive()
                db.session.remove()
                db.engine.dispose()
        finally:
            controller.stop()

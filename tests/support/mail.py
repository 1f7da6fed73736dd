"""Mail fixtures (a pytest plugin): a real SMTP server (aiosmtpd) on a free local port, and the app
pointed at it for one test."""
from __future__ import annotations

import email
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from email.policy import default

import pytest
from aiosmtpd.controller import Controller
from flask import Flask

MAIL_SETTINGS = ("MAIL_SERVER", "MAIL_PORT", "MAIL_USERNAME", "MAIL_PASSWORD_FILE", "MAIL_USE_TLS",
                 "MAIL_SENDER", "BASE_URL", "OUTBOX_DELIVERY")
BASE_URL = "https://jubao.example.gov.cn"


class Mailbox:
    """What the SMTP server received: each message with the envelope's recipients."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, _server, _session, envelope) -> str:
        self.received.append((list(envelope.rcpt_tos), email.message_from_bytes(envelope.content, policy=default)))
        return "250 Message accepted for delivery"

    @property
    def messages(self) -> list[EmailMessage]:
        return [message for _to, message in self.received]

    def to(self, address: str) -> list[EmailMessage]:
        return [message for rcpt, message in self.received if address in rcpt]

    def about(self, case_number: str) -> list[tuple[list[str], EmailMessage]]:
        return [(rcpt, message) for rcpt, message in self.received if case_number in message["Subject"]]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def mail_settings(app: Flask, **settings) -> Iterator[None]:
    saved = {name: app.config.get(name) for name in MAIL_SETTINGS}
    app.config.update({"MAIL_USERNAME": None, "MAIL_PASSWORD_FILE": None, "MAIL_USE_TLS": False,
                       "MAIL_SENDER": "noreply@jubao.example.gov.cn", "BASE_URL": BASE_URL, **settings})
    try:
        yield
    finally:
        app.config.update(saved)


@pytest.fixture
def mailbox(app: Flask) -> Iterator[Mailbox]:
    """Mail on, delivered to a real SMTP server that keeps what it receives."""
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        with mail_settings(app, MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port):
            yield box
    finally:
        controller.stop()


@pytest.fixture
def mail_down(app: Flask) -> Iterator[None]:
    """Mail on, but nothing listens on the configured port."""
    with mail_settings(app, MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port()):
        yield


class SilentServer:
    """A TCP server on a free local port that accepts connections and never says a word: an SMTP
    client waits for a greeting that does not come."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.1)
        self.port = self.listener.getsockname()[1]
        self.connections: list[socket.socket] = []
        self.connected = threading.Event()
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while not self.stopped.is_set():
            try:
                connection, _address = self.listener.accept()
            except TimeoutError:
                continue
            self.connections.append(connection)
            self.connected.set()

    def hang_up(self) -> None:
        """Close everything: a client still waiting learns the server has gone."""
        self.stopped.set()
        self.thread.join(timeout=5)
        for connection in self.connections:
            connection.close()
        self.listener.close()


@pytest.fixture
def silent_mail_server(app: Flask) -> Iterator[SilentServer]:
    """Mail on, delivered by a worker process as in production, to a server that never answers."""
    server = SilentServer()
    try:
        with mail_settings(app, MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, OUTBOX_DELIVERY="worker"):
            yield server
    finally:
        server.hang_up()

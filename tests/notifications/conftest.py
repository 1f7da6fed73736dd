"""A real SMTP server (aiosmtpd) on a free local port, and the app pointed at it for one test."""
from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from email.policy import default

import pytest
from aiosmtpd.controller import Controller
from flask import Flask

MAIL_SETTINGS = ("MAIL_SERVER", "MAIL_PORT", "MAIL_USERNAME", "MAIL_PASSWORD_FILE", "MAIL_USE_TLS",
                 "MAIL_SENDER", "BASE_URL")
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

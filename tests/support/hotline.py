"""A 12345 platform for tests: it signs its requests to the portal and receives the portal's signed
callbacks on a local HTTP server, checking each signature with its own implementation of the scheme
in docs/hotline-12345.md (never the portal's code)."""
from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from flask.testing import FlaskClient
from werkzeug.test import TestResponse


def signature(secret: str, method: str, path: str, timestamp: str, nonce: str, body: bytes) -> str:
    """The documented canonical string, signed: six lines, HMAC-SHA256, lower-case hex."""
    lines = ["HOTLINE-HMAC-SHA256", method.upper(), path, timestamp, nonce, hashlib.sha256(body).hexdigest()]
    return hmac.new(secret.encode("utf-8"), "\n".join(lines).encode("utf-8"), hashlib.sha256).hexdigest()


@dataclass
class Callback:
    path: str
    headers: dict
    body: dict
    verified: bool


@dataclass
class Platform:
    """The hotline's side: its credentials, what it received, and how it answers the next callbacks."""

    client_id: str = ""
    secret: str = ""
    received: list[Callback] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)  # statuses for the next callbacks (then 200)
    url: str = ""

    def signed_headers(self, method: str, path: str, body: bytes, timestamp: int | None = None,
                       nonce: str | None = None, secret: str | None = None) -> dict:
        timestamp = str(int(time.time()) if timestamp is None else timestamp)
        nonce = nonce or secrets.token_urlsafe(18)
        return {"X-Hotline-Client": self.client_id, "X-Hotline-Timestamp": timestamp, "X-Hotline-Nonce": nonce,
                "X-Hotline-Signature": signature(secret or self.secret, method, path, timestamp, nonce, body)}

    def send(self, client: FlaskClient, method: str, path: str, data: dict | None = None, **signing) -> TestResponse:
        """A signed request to the portal, as the platform sends it."""
        body = json.dumps(data, ensure_ascii=False).encode() if data is not None else b""
        headers = self.signed_headers(method, path, body, **signing)
        return client.open(path, method=method, data=body, headers=headers,
                           content_type="application/json" if data is not None else None)

    def events(self, order_number: str) -> list[dict]:
        """The verified callbacks about one order, in the order they arrived."""
        return [c.body for c in self.received if c.verified and c.body.get("order_number") == order_number]

    def verify(self, handler: BaseHTTPRequestHandler, body: bytes) -> bool:
        headers = handler.headers
        stamp = headers.get("X-Hotline-Timestamp", "")
        expected = signature(self.secret, handler.command, handler.path.split("?")[0], stamp,
                             headers.get("X-Hotline-Nonce", ""), body)
        return (headers.get("X-Hotline-Client") == self.client_id and stamp.isdigit()
                and abs(time.time() - int(stamp)) <= 300
                and hmac.compare_digest(expected, headers.get("X-Hotline-Signature", "")))


def serve(platform: Platform) -> ThreadingHTTPServer:
    """Start the platform's callback endpoint on a free local port (`platform.url`)."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            verified = platform.verify(self, body)
            status = platform.answers.pop(0) if platform.answers else (200 if verified else 401)
            platform.received.append(Callback(self.path, dict(self.headers), json.loads(body), verified))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    platform.url = f"http://127.0.0.1:{server.server_address[1]}/12345/callbacks"
    return server


def order(number: str, received_on: str, **overrides) -> dict:
    """A work order as the platform sends it."""
    values = {"order_number": number, "received_on": received_on, "region": "330106", "category": "unlicensed",
              "institution_name": "小蜜蜂学习屋", "institution_address": "杭州市西湖区文三路100号",
              "description": "来电人反映：该机构周末给小学生上数学课，没有任何证照，还要求预交一年学费。",
              "occurred_on": received_on, "caller": {"name": "测试来电人", "phone": "13912345678"}}
    values.update(overrides)
    return values

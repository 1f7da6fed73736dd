"""A local stand-in for Tencent Cloud SMS (a pytest plugin): an HTTP server that checks each SendSms
request's TC3-HMAC-SHA256 signature and answers with the provider's documented bodies.

The signature check is written here from Tencent Cloud's "Signature v3" document, independently of
portal/notifications/tencent_sms.py (it imports nothing of it): the canonical request is rebuilt
from the request as received — its method, path, query, the headers SignedHeaders names, the body —
and `verify_documented_example` checks this code against the document's own worked example.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from flask import Flask

SECRET_ID = "AKIDtestportal0000000000000000000000"
SECRET_KEY = "test-secret-key-for-the-local-stand-in"
SDK_APP_ID = "1400006666"
SIGN_NAME = "教育监管"
TEMPLATE_IDS = {"news": "2001001", "notice": "2001002", "code": "2001003", "recovered": "2001004",
                "institution_link": "2001005"}
SMS_SETTINGS = ("SMS_ADAPTER", "SMS_SECRET_ID", "SMS_SECRET_KEY_FILE", "SMS_APP_ID", "SMS_SIGN_NAME",
                "SMS_TEMPLATES", "SMS_REGION", "SMS_ENDPOINT")


def tc3_signature(secret_key: str, method: str, path: str, query: str, headers: dict[str, str],
                  signed_headers: str, payload: bytes, timestamp: int, service: str) -> str:
    """The signature of a request, following the document's four steps."""
    names = signed_headers.split(";")
    # Each signed header as "name:value", both in lower case and trimmed, one per line, in the order named.
    canonical_headers = "".join(f"{name.lower()}:{headers[name].strip().lower()}\n" for name in names)
    canonical = "\n".join([method, path, query, canonical_headers, signed_headers,
                           hashlib.sha256(payload).hexdigest()])
    date = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
    scope = f"{date}/{service}/tc3_request"
    to_sign = "\n".join(["TC3-HMAC-SHA256", str(timestamp), scope, hashlib.sha256(canonical.encode()).hexdigest()])

    def step(key: bytes, text: str) -> bytes:
        return hmac.new(key, text.encode(), hashlib.sha256).digest()

    signing_key = step(step(step(("TC3" + secret_key).encode(), date), service), "tc3_request")
    return hmac.new(signing_key, to_sign.encode(), hashlib.sha256).hexdigest()


# The document's worked example (DescribeInstances on cvm, 2019-02-25): its masked key as printed, its
# payload byte for byte, and the signature the document gives.
DOCUMENTED_EXAMPLE = {
    "secret_key": "Gu5t9xGARNpq86cd98joQYCN3*******",
    "payload": b'{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}',
    "timestamp": 1551113065,
    "host": "cvm.tencentcloudapi.com",
    "signature": "2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c",
}


def verify_documented_example() -> bool:
    example = DOCUMENTED_EXAMPLE
    return tc3_signature(example["secret_key"], "POST", "/", "",
                         {"content-type": "application/json; charset=utf-8", "host": example["host"]},
                         "content-type;host", example["payload"], example["timestamp"], "cvm") == example["signature"]


@dataclass
class Received:
    """One SendSms request the stand-in accepted as correctly signed."""

    phone_numbers: list[str]
    template_id: str
    params: list[str]
    sign_name: str
    app_id: str
    session_context: str
    region: str


@dataclass
class Provider:
    """What the stand-in received, and the answers to give next (codes, in order; then "Ok")."""

    received: list[Received] = field(default_factory=list)
    refused_signatures: int = 0
    next_codes: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer_next(self, *codes: str) -> None:
        with self.lock:
            self.next_codes.extend(codes)

    def texts_to(self, number: str) -> list[Received]:
        return [message for message in self.received if f"+86{number}" in message.phone_numbers]

    def last_code_to(self, number: str) -> str:
        """The verification code in the newest "code" text to this number."""
        codes = [m for m in self.texts_to(number) if m.template_id == TEMPLATE_IDS["code"]]
        return codes[-1].params[0]


def error_body(code: str, message: str) -> dict:
    return {"Response": {"Error": {"Code": code, "Message": message}, "RequestId": str(uuid.uuid4())}}


# Codes the document reports as a request-level Error (the rest come back in the number's SendStatus).
REQUEST_LEVEL = ("AuthFailure", "InternalError", "RequestLimitExceeded", "InvalidParameter", "MissingParameter",
                 "UnauthorizedOperation")


def make_handler(provider: Provider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_args) -> None:  # quiet
            pass

        def _answer(self, body: dict) -> None:
            data = json.dumps(body, ensure_ascii=False).encode()
            self.send_response(200)  # the API answers 200 with an Error in the body
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:  # noqa: N802
            payload = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            headers = {name.lower(): value for name, value in self.headers.items()}
            problem = self._check(headers, payload)
            if problem:
                self._answer(error_body(*problem))
                return
            body = json.loads(payload)
            with provider.lock:
                code = provider.next_codes.pop(0) if provider.next_codes else "Ok"
            if code.startswith(REQUEST_LEVEL):
                self._answer(error_body(code, "refused by the stand-in as asked"))
                return
            if code == "Ok":
                provider.received.append(Received(body["PhoneNumberSet"], body["TemplateId"],
                                                  body.get("TemplateParamSet", []), body.get("SignName", ""),
                                                  body["SmsSdkAppId"], body.get("SessionContext", ""),
                                                  headers.get("x-tc-region", "")))
            number = body["PhoneNumberSet"][0]
            self._answer({"Response": {"SendStatusSet": [{
                "SerialNo": f"5000:{uuid.uuid4().int % 10**20}", "PhoneNumber": number, "Fee": 1 if code == "Ok" else 0,
                "SessionContext": body.get("SessionContext", ""), "Code": code,
                "Message": "send success" if code == "Ok" else "refused by the stand-in as asked",
                "IsoCode": "CN"}], "RequestId": str(uuid.uuid4())}})

        def _check(self, headers: dict[str, str], payload: bytes) -> tuple[str, str] | None:
            if headers.get("x-tc-action") != "SendSms" or headers.get("x-tc-version") != "2021-01-11":
                return "InvalidAction", "The action or version is not SendSms 2021-01-11."
            if not headers.get("x-tc-region"):
                return "MissingParameter", "The request is missing X-TC-Region."
            authorization = headers.get("authorization", "")
            try:
                algorithm, rest = authorization.split(" ", 1)
                parts = dict(part.strip().split("=", 1) for part in rest.split(","))
                secret_id, date, service, terminator = parts["Credential"].split("/")
                timestamp = int(headers["x-tc-timestamp"])
            except (ValueError, KeyError):
                return "AuthFailure.InvalidAuthorization", "Authorization in the request header is invalid."
            if algorithm != "TC3-HMAC-SHA256" or terminator != "tc3_request" or service != "sms":
                return "AuthFailure.InvalidAuthorization", "Authorization in the request header is invalid."
            if secret_id != SECRET_ID:
                return "AuthFailure.SecretIdNotFound", "The SecretId is not found."
            if abs(time.time() - timestamp) > 300:
                return "AuthFailure.SignatureExpire", "Signature expired."
            if date != datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d"):
                return "AuthFailure.InvalidAuthorization", "The credential's date is not the timestamp's."
            signed = parts["SignedHeaders"]
            names = signed.split(";")
            if not {"content-type", "host"} <= set(names) or any(name not in headers for name in names):
                return "AuthFailure.InvalidAuthorization", "SignedHeaders must name content-type and host."
            path, _sep, query = self.path.partition("?")
            expected = tc3_signature(SECRET_KEY, self.command, path, query, headers, signed, payload, timestamp,
                                     service)
            if not hmac.compare_digest(expected, parts.get("Signature", "")):
                with provider.lock:
                    provider.refused_signatures += 1
                return "AuthFailure.SignatureFailure", "The provided credentials could not be validated."
            return None

    return Handler


@contextmanager
def running_provider() -> Iterator[tuple[Provider, str]]:
    provider = Provider()
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(provider))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider, f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextmanager
def provider_settings(app: Flask, endpoint: str, key_folder, **settings) -> Iterator[None]:
    """Point the app's SMS adapter at the stand-in (settings may override, e.g. a wrong key)."""
    key_file = key_folder / "sms_secret_key"
    key_file.write_text(SECRET_KEY + "\n")
    saved = {name: app.config.get(name) for name in SMS_SETTINGS}
    app.config.update({"SMS_ADAPTER": "tencent", "SMS_SECRET_ID": SECRET_ID, "SMS_SECRET_KEY_FILE": str(key_file),
                       "SMS_APP_ID": SDK_APP_ID, "SMS_SIGN_NAME": SIGN_NAME, "SMS_REGION": "ap-guangzhou",
                       "SMS_TEMPLATES": ",".join(f"{name}={tid}" for name, tid in TEMPLATE_IDS.items()),
                       "SMS_ENDPOINT": endpoint, **settings})
    try:
        yield
    finally:
        app.config.update(saved)


@pytest.fixture
def sms_provider(app: Flask, tmp_path) -> Iterator[Provider]:
    """SMS on, through the real Tencent adapter, to the local stand-in; what it received is kept."""
    with running_provider() as (provider, endpoint), provider_settings(app, endpoint, tmp_path):
        yield provider

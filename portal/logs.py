"""Logs: one line per record, as text or JSON (PORTAL_LOG_FORMAT), each with the time, level,
worker pid and the request's id; one access line per request (method, route pattern, status,
duration) on the `portal.access` logger.

What a log line never carries: client addresses, receipt codes, identities, complaint text. The
portal's own messages name kinds and counts only; the access line names the route's pattern
(`/cases/<int:complaint_id>`), never the path or query; and tracebacks are scrubbed here, because
database errors quote the statement's values (SQLAlchemy's "[parameters: …]", PostgreSQL's
"DETAIL: Key (…)=(…)", a driver quoting the value it refused). Production engines also run with
`hide_parameters=True`, so the values never reach the exception at all.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import re
import secrets
import sys
import time
import traceback
from typing import IO

from flask import Flask, g, has_request_context, request

ACCESS_LOGGER = "portal.access"
FORMATS = ("text", "json")
REQUEST_ID_HEADER = "X-Request-ID"
VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
HANDLER_MARK = "_portal_handler"
HIDDEN = "[scrubbed]"
# Where a database error quotes values: everything after these markers, up to the line's end
# (parameters may span lines: the whole remainder of an exception message goes).
SCRUB_AFTER = re.compile(r"(\[parameters:|DETAIL:|Key \(|Failing row contains)", re.IGNORECASE)
# In an exception's message, anything quoted may be a value (`invalid literal for int(): '…'`).
QUOTED = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"")


def scrub(text: str) -> str:
    """A message without the values a database error quotes (see the module's docstring)."""
    match = SCRUB_AFTER.search(text)
    return text if match is None else text[:match.start()] + f"{match.group(1)} {HIDDEN}"


def scrubbed_exception(exc_info) -> str:
    """A traceback whose frames are kept and whose exception messages are scrubbed."""
    kind, value, tb = exc_info
    lines = []
    for part in traceback.TracebackException(kind, value, tb).format():
        if part.startswith("  File ") or part.startswith("Traceback"):
            lines.append(part.splitlines()[0] + "\n")  # the frame, not the source line's values
        else:
            lines.append(QUOTED.sub("'…'", scrub(part)))
    return "".join(lines).rstrip()


def request_fields() -> dict:
    """The current request's id and route (pattern only), when there is a request."""
    if not has_request_context():
        return {}
    rule = request.url_rule.rule if request.url_rule is not None else None
    return {"request_id": g.get("request_id"), "route": rule, "method": request.method}


class TextFormatter(logging.Formatter):
    """`2026-12-03T01:02:03.456Z INFO [pid] request-id logger: message`, tracebacks scrubbed."""

    def format(self, record: logging.LogRecord) -> str:
        fields = request_fields()
        when = dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds")
        line = (f"{when.replace('+00:00', 'Z')} {record.levelname} [{record.process}] "
                f"{fields.get('request_id') or '-'} {record.name}: {scrub(record.getMessage())}")
        if record.exc_info:
            line += "\n" + scrubbed_exception(record.exc_info)
        return line


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, pid, request id, route, and what
    the record carries in `extra=` (status, duration); a scrubbed traceback under "exception"."""

    EXTRA = ("status", "duration_ms")

    def format(self, record: logging.LogRecord) -> str:
        when = dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds")
        body = {"time": when.replace("+00:00", "Z"), "level": record.levelname, "logger": record.name,
                "message": scrub(record.getMessage()), "pid": record.process, **request_fields()}
        body.update({key: getattr(record, key) for key in self.EXTRA if hasattr(record, key)})
        if record.exc_info:
            body["exception"] = scrubbed_exception(record.exc_info)
        return json.dumps(body, ensure_ascii=False)


def make_handler(stream: IO[str], log_format: str) -> logging.Handler:
    """A handler writing `stream` in the chosen format."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    setattr(handler, HANDLER_MARK, True)
    return handler


def configure_root(log_format: str, level: str) -> None:
    """Send every logger's records to stderr in the chosen format (once per process)."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, HANDLER_MARK, False)]:
        root.removeHandler(handler)
    root.addHandler(make_handler(sys.stderr, log_format))
    root.setLevel(level)


def init_app(app: Flask) -> None:
    """Request ids, the access line, and (outside tests) the root handler."""
    if not app.testing:
        configure_root(app.config["LOG_FORMAT"], app.config["LOG_LEVEL"])
    access = logging.getLogger(ACCESS_LOGGER)

    @app.before_request
    def start() -> None:
        g.request_started = time.perf_counter()
        offered = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = offered if VALID_REQUEST_ID.match(offered) else secrets.token_hex(8)

    @app.after_request
    def log_access(response):
        # Registered before every other after-request hook, so it runs last and logs the final status.
        started = g.get("request_started")
        duration = round((time.perf_counter() - started) * 1000, 1) if started else None
        if g.get("request_id"):
            response.headers[REQUEST_ID_HEADER] = g.request_id
        access.info("%s %s %s %sms", request.method, request.url_rule.rule if request.url_rule else "-",
                    response.status_code, duration, extra={"status": response.status_code, "duration_ms": duration})
        return response

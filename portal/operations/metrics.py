"""Prometheus metrics at `/metrics`, for a bearer token (PORTAL_METRICS_TOKEN; unset, 404).

Counted per request: answers by route pattern, method and status; latency by route; unexpected
errors. Read at each scrape: cases past their deadline per responsible office (a region code),
and the outbox: messages waiting, failed, and the age of the oldest waiting one. Labels never carry a path, a query, an
address or anything a person typed: the route's pattern and a region code at most.

Several gunicorn workers: set PROMETHEUS_MULTIPROC_DIR to an empty folder the workers can write
before they start (the service unit clears it); each worker then writes its counts there and any
worker's `/metrics` adds them up (prometheus-client's multiprocess mode; `gunicorn.conf.py` tells
it when a worker exits).
"""
from __future__ import annotations

import hmac
import time

from flask import Flask, Response, current_app, g, request
from flask.signals import got_request_exception, request_finished
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from portal import clock
from portal.casework.models import Complaint
from portal.errors import NotFound
from portal.extensions import db
from portal.notifications import outbox

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)

OWN = CollectorRegistry(auto_describe=True)  # this process's counts (single-process mode)
REQUESTS = Counter("portal_requests", "Requests answered, by route pattern, method and status",
                   ["route", "method", "status"], registry=OWN)
LATENCY = Histogram("portal_request_duration_seconds", "Time to answer, by route pattern", ["route"],
                    buckets=LATENCY_BUCKETS, registry=OWN)
ERRORS = Counter("portal_unhandled_errors", "Requests that ended in an unexpected exception (a 500)", ["route"],
                 registry=OWN)


def route() -> str:
    return request.url_rule.rule if request.url_rule is not None else "unmatched"


class CaseCollector(Collector):
    """Read at each scrape from the database: overdue cases per responsible office."""

    def collect(self):
        overdue = GaugeMetricFamily("portal_overdue_cases", "Cases past the deadline their office works to, "
                                    "by responsible office (region code)", labels=["office"])
        rows = db.session.execute(select(Complaint.handling_region_code, func.count())
                                  .where(Complaint.next_due < clock.today())
                                  .group_by(Complaint.handling_region_code))
        for office, count in rows:
            overdue.add_metric([office], count)
        yield overdue
        held = outbox.backlog()
        yield GaugeMetricFamily("portal_outbox_waiting", "Outgoing messages waiting or being sent", value=held.waiting)
        yield GaugeMetricFamily("portal_outbox_failed", "Outgoing messages that gave up (see /staff/outbox)",
                                value=held.failed)
        yield GaugeMetricFamily("portal_outbox_oldest_waiting_seconds", "Age of the oldest message waiting",
                                value=held.oldest_waiting_seconds or 0)


def _finished(sender: Flask, response: Response, **_extra) -> None:
    started = g.get("request_started")
    REQUESTS.labels(route(), request.method, str(response.status_code)).inc()
    if started is not None:
        LATENCY.labels(route()).observe(time.perf_counter() - started)


def _failed(sender: Flask, exception: BaseException, **_extra) -> None:
    ERRORS.labels(route()).inc()


def exposition() -> bytes:
    """Every metric in Prometheus's text format: the workers' counts and the database's figures."""
    if current_app.config.get("PROMETHEUS_MULTIPROC_DIR"):
        workers = CollectorRegistry()
        MultiProcessCollector(workers)
        counts = generate_latest(workers)
    else:
        counts = generate_latest(OWN)
    cases = CollectorRegistry()
    cases.register(CaseCollector())
    return counts + generate_latest(cases)


def authorised() -> bool:
    token = current_app.config.get("METRICS_TOKEN")
    offered = request.headers.get("Authorization", "")
    return bool(token) and hmac.compare_digest(offered.encode(), f"Bearer {token}".encode())


def serve() -> Response:
    """The metrics for a caller with the token; anyone else gets the 404 of an unknown page."""
    if not authorised():
        raise NotFound()
    return Response(exposition(), content_type=CONTENT_TYPE, headers={"Cache-Control": "no-store"})


def init_app(app: Flask) -> None:
    request_finished.connect(_finished, app)
    got_request_exception.connect(_failed, app)

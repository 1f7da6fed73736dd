"""Operations endpoints: readiness for load balancers and monitors, metrics for Prometheus."""
from __future__ import annotations

from flask import Blueprint, jsonify

from portal.operations import metrics, readiness

bp = Blueprint("operations", __name__)


@bp.get("/readyz")
def readyz():
    """Each dependency's state as JSON; 503 when one the portal needs fails."""
    ready, body = readiness.report()
    response = jsonify(body)
    response.status_code = 200 if ready else 503
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/metrics")
def prometheus_metrics():
    """Prometheus metrics, for the bearer of PORTAL_METRICS_TOKEN only (404 otherwise)."""
    return metrics.serve()

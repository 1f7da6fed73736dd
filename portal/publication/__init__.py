"""The rules of publishing a penalty decision, as data and pure counting: when it is due (and its
withdrawal after a revocation), how long it stays published given its penalties and severity.
Disclosures (above) apply them; this package keeps the periods table, which province
administrators change at `/staff/publication-periods`, and imports no feature above the discretion
benchmark."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the staff page of the publication periods."""
    from portal.publication.staff_views import bp

    app.register_blueprint(bp)

"""Home page and health check."""
from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from portal.extensions import db
from portal.security.headers import public_cache

bp = Blueprint("site", __name__)


@bp.get("/")
@public_cache(300)
def home():
    """What a parent can do here, in plain words."""
    return render_template("site/home.html")


@bp.get("/privacy")
@public_cache(300)
def privacy():
    """The personal-information notice (个人信息保护法 arts. 17, 35): what is collected, why, who sees
    it, how long it is kept and how to ask about it."""
    return render_template("site/privacy.html")


@bp.get("/healthz")
def healthz():
    """200 when the database answers, 503 otherwise (for load balancers and monitors)."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:  # the commit point rolls the failed transaction back: the answer is an error
        return jsonify(status="unavailable", database=False), 503
    return jsonify(status="ok", database=True)

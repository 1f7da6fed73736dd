"""The blacklist procedure in the back office, and batch import."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("blacklist_staff", __name__, url_prefix="/staff/blacklist")

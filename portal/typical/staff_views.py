"""Writing and reviewing typical cases in the back office."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("typical_staff", __name__, url_prefix="/staff/typical-cases")

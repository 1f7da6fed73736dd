"""Public typical cases (/cases)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("typical", __name__)

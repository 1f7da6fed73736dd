"""Public blacklist pages: list, detail, CSV and Atom."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("blacklist", __name__)

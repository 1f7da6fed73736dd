"""`flask --app portal notify …`: the group of notifications that run on a schedule (a daily cron
job); the features that send them add their commands to it."""
from __future__ import annotations

from flask.cli import AppGroup

notify_cli = AppGroup("notify", help="Email notifications.")

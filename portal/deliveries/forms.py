"""The outbox page's one form: a button whose only field is its CSRF token."""
from __future__ import annotations

from flask_wtf import FlaskForm


class RetryForm(FlaskForm):
    """Try a failed message again."""

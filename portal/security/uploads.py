"""Uploaded files stay in memory until they are cleaned: Werkzeug's default spools any upload over
500 KB to the system's temporary folder, where a phone photo would lie unencrypted, GPS and all,
outside the portal's keys and beyond its deletion. In memory, a request holds at most
MAX_CONTENT_LENGTH (Werkzeug refuses a larger body before reading it, 413)."""
from __future__ import annotations

import io
import typing as t

from flask import Request


class InMemoryUploadsRequest(Request):
    """Flask's request, keeping every uploaded file in a BytesIO (see the module's docstring)."""

    def _get_file_stream(self, total_content_length: int | None, content_type: str | None,
                         filename: str | None = None, content_length: int | None = None) -> t.IO[bytes]:
        return io.BytesIO()

"""A short-lived cache of rendered public list pages, kept in each process.

A public list is the same for every anonymous reader of one language, and its response already
tells shared caches they may keep it for minutes (`public_cache`); this keeps the rendered HTML
for PAGE_CACHE_SECONDS so a busy list is rendered once per interval, not once per reader. Only
the body is kept (headers and cookies are made afresh), and never for a signed-in person, a
session with messages waiting to be shown, or an answer other than a plain page.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import current_app, request, session
from flask_login import current_user

from portal.i18n import current_locale

MAX_PAGES = 256

_pages: OrderedDict[tuple, tuple[float, str]] = OrderedDict()
_lock = threading.Lock()


def clear() -> None:
    with _lock:
        _pages.clear()


def cached_page(view: Callable) -> Callable:
    """Serve the view's rendered page from the cache while it is fresh."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        seconds = current_app.config["PAGE_CACHE_SECONDS"]
        if not seconds or current_user.is_authenticated or session.get("_flashes"):
            return view(*args, **kwargs)
        key = (current_app.config["SQLALCHEMY_DATABASE_URI"], request.endpoint, request.full_path, current_locale())
        now = time.monotonic()
        with _lock:
            hit = _pages.get(key)
            if hit and hit[0] > now:
                _pages.move_to_end(key)
                return hit[1]
        page = view(*args, **kwargs)
        if isinstance(page, str):
            with _lock:
                _pages[key] = (now + seconds, page)
                _pages.move_to_end(key)
                while len(_pages) > MAX_PAGES:
                    _pages.popitem(last=False)
        return page

    return wrapped

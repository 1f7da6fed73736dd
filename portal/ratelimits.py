"""Rate-limit storage that outlives its server: Redis when it answers, this process's memory when not.

Flask-Limiter raises whatever its storage raises, so a Redis that is down or unreachable would
turn every limited request (every complaint, lookup and sign-in) into a 500. The portal wraps
the configured storage: when it fails, the same limits are counted per process (each gunicorn
worker keeps its own counts, so a client gets at most workers × the limit) and a warning is
logged once per outage; the server is tried again every RETRY_SECONDS and a recovery is logged.
A deployment that prefers to refuse limited requests while the counts cannot be shared sets
PORTAL_RATELIMIT_ON_STORAGE_ERROR=refuse: those requests are answered 503, nothing is saved.
"""
from __future__ import annotations

import datetime as dt
import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, current_app, g, request
from limits.storage import MemoryStorage, MovingWindowSupport, SlidingWindowCounterSupport, Storage, storage_from_string
from werkzeug.exceptions import ServiceUnavailable

log = logging.getLogger(__name__)
SCHEME = "failover+"
ON_ERROR_CHOICES = ("allow", "refuse")
RETRY_SECONDS = 30  # while the server is down, one request per process tries it again this often
TIMEOUT_SECONDS = 1.0  # a Redis that does not answer costs a request at most this (connect, then reply)


class StorageUnavailable(ServiceUnavailable):
    """The limits cannot be counted where they are shared, and the deployment chose to refuse."""


def failover_uri(uri: str) -> str:
    """The storage URI Flask-Limiter is given for the configured one (memory needs no failover)."""
    return uri if uri.startswith("memory") or uri.startswith(SCHEME) else SCHEME + uri


class FailoverStorage(Storage, MovingWindowSupport, SlidingWindowCounterSupport):
    """A shared storage with a per-process memory storage behind it (see the module's docstring)."""

    STORAGE_SCHEME = [SCHEME + scheme for scheme in ("redis", "rediss", "redis+unix", "valkey", "valkeys",
                                                     "redis+sentinel", "redis+cluster", "memcached")]

    def __init__(self, uri: str, on_error: str = "allow", wrap_exceptions: bool = False, **options: Any):
        if on_error not in ON_ERROR_CHOICES:
            raise ValueError(f"on_error must be one of {ON_ERROR_CHOICES}, not {on_error!r}")
        inner = uri[len(SCHEME):]
        if inner.split(":", 1)[0] in ("redis", "rediss", "redis+unix", "valkey", "valkeys"):
            options = {"socket_connect_timeout": TIMEOUT_SECONDS, "socket_timeout": TIMEOUT_SECONDS,
                       **options}
        self.shared = storage_from_string(inner, **options)
        self.local = MemoryStorage()
        self.on_error = on_error
        self.down_since: float | None = None
        self.retry_at = 0.0
        self.lock = threading.Lock()
        super().__init__(uri, wrap_exceptions=wrap_exceptions)

    @property
    def base_exceptions(self) -> tuple[type[Exception], ...]:
        return ()  # the shared storage's errors never leave this class

    @property
    def down(self) -> bool:
        """Whether the shared storage failed and is not due to be tried again yet."""
        return self.down_since is not None

    def _call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        if self.down_since is None or time.monotonic() >= self.retry_at:
            try:
                result = getattr(self.shared, name)(*args, **kwargs)
            except self.shared.base_exceptions as exc:
                self._failed(exc)
            else:
                self._answered()
                return result
        if self.on_error == "refuse":
            raise StorageUnavailable()
        return getattr(self.local, name)(*args, **kwargs)

    def _failed(self, exc: Exception) -> None:
        with self.lock:
            first = self.down_since is None
            now = time.monotonic()
            if first:
                self.down_since = now
            self.retry_at = now + RETRY_SECONDS
        if first:
            action = "refusing limited requests (503)" if self.on_error == "refuse" else "counting per process"
            log.warning("rate limit storage unreachable (%s): %s until it answers; retrying every %d s",
                        type(exc).__name__, action, RETRY_SECONDS)

    def _answered(self) -> None:
        if self.down_since is None:
            return
        with self.lock:
            since, self.down_since = self.down_since, None
        if since is not None:
            log.warning("rate limit storage answers again after %.0f s: limits are shared again",
                        time.monotonic() - since)

    def reachable(self) -> bool:
        """Ask the shared storage now, whatever the retry schedule says (for /readyz)."""
        try:
            return bool(self.shared.check())
        except Exception:  # noqa: BLE001  check() should not raise; a storage that does is not ready
            return False

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        return self._call("incr", key, expiry, amount)

    def get(self, key: str) -> int:
        return self._call("get", key)

    def get_expiry(self, key: str) -> float:
        return self._call("get_expiry", key)

    def check(self) -> bool:
        return self.reachable()

    def reset(self) -> int | None:
        self.local.reset()
        try:
            return self.shared.reset()
        except self.shared.base_exceptions as exc:
            self._failed(exc)
            return None

    def clear(self, key: str) -> None:
        self.local.clear(key)
        self._call("clear", key)

    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        return self._call("acquire_entry", key, limit, expiry, amount)

    def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        return self._call("get_moving_window", key, limit, expiry)

    def acquire_sliding_window_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        return self._call("acquire_sliding_window_entry", key, limit, expiry, amount)

    def get_sliding_window(self, key: str, expiry: int) -> tuple[int, float, int, float]:
        return self._call("get_sliding_window", key, expiry)

    def clear_sliding_window(self, key: str, expiry: int) -> None:
        self._call("clear_sliding_window", key, expiry)


COUNT_HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")


def hide_counts(view: Callable) -> Callable:
    """Mark a view whose answers must not carry X-RateLimit headers: on the sign-in pages they
    would tell anyone how many wrong passwords an account has had. A 429 keeps Retry-After (the
    view's own, in `g.retry_after`, or the limiter's)."""
    view.hide_rate_limit_counts = True  # type: ignore[attr-defined]
    return view


def _hide_counts(response: Response) -> Response:
    view = current_app.view_functions.get(request.endpoint or "")
    if not getattr(view, "hide_rate_limit_counts", False):
        return response
    for name in COUNT_HEADERS:
        response.headers.pop(name, None)
    if g.get("retry_after"):
        response.headers["Retry-After"] = str(g.retry_after)
    elif response.status_code != 429:
        response.headers.pop("Retry-After", None)
    return response


def add_hooks(app: Flask) -> None:
    """Hide the counts where `hide_counts` asks (call before `limiter.init_app`, so that this hook
    runs after the limiter's, which adds them)."""
    app.after_request(_hide_counts)


def configure(app: Flask) -> None:
    """Point Flask-Limiter at the failover storage (call before `limiter.init_app`)."""
    config = app.config
    config["RATELIMIT_STORAGE_URI"] = failover_uri(config["RATELIMIT_STORAGE_URI"])
    if config["RATELIMIT_STORAGE_URI"].startswith(SCHEME):
        config["RATELIMIT_STORAGE_OPTIONS"] = {**config.get("RATELIMIT_STORAGE_OPTIONS", {}),
                                               "on_error": config["RATELIMIT_ON_STORAGE_ERROR"]}


def shared_storage(limiter: Any) -> FailoverStorage | None:
    """The limiter's failover storage, or None when limits are kept in memory only."""
    storage = limiter.storage
    return storage if isinstance(storage, FailoverStorage) else None


@dataclass(frozen=True)
class Refused:
    """A limit reached, and the moment it lets the client in again (the forms that count their own
    limits say when: the complaint form, sign-in)."""

    until: dt.datetime

    @property
    def seconds(self) -> int:
        return max(1, math.ceil(self.until.timestamp() - time.time()))


def refused_until(reset: float) -> Refused:
    """The refusal of a limit whose window resets at `reset` (seconds since the epoch)."""
    return Refused(dt.datetime.fromtimestamp(math.ceil(reset), dt.UTC))

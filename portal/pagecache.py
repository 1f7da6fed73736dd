"""The cache of rendered public list pages, shared by every worker and host through Redis.

A public list is the same for every anonymous reader of one language, so its rendered HTML is
kept for PAGE_CACHE_SECONDS and served again instead of being rendered once per reader. Only the
body is kept (headers and cookies are made afresh), and never for a signed-in person, a session
with messages waiting to be shown, a query with parameters the page does not know, or an answer
other than a plain page.

A page belongs to page families (`cached_page("blacklist")`); a feature says which of its models
make up a family (`watch`). A commit that adds, changes or deletes such a row raises the family's
generation after the commit (`transaction.queue`), and a kept page carries the generations it was
rendered under: a page whose family has moved on is a miss on every worker and host at once, so a
withdrawn decision disappears with the commit that withdraws it. Nothing is ever looked up or
deleted by pattern. The generations are read before the page is rendered, so a page rendered
while a change commits is kept under the older generation and never served.

With PAGE_CACHE_URL (redis://…) the pages and generations live in Redis; without it, in this
process (the embedded default: one process, the same invalidation). When Redis fails, pages are
rendered for every request (nothing breaks), one warning is logged per outage and Redis is tried
again every RETRY_SECONDS; a generation that could not be raised leaves the other hosts' copies
for at most PAGE_CACHE_SECONDS, and is logged.
"""
from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from functools import wraps
from typing import Any

from flask import Flask, current_app, has_app_context, request, session
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from portal import transaction
from portal.i18n import current_locale

log = logging.getLogger(__name__)
MAX_PAGES = 256  # per process, in the embedded default
RETRY_SECONDS = 30  # while Redis is down, one request per process tries it again this often
TIMEOUT_SECONDS = 0.5  # a Redis that does not answer costs a page at most this (connect, then reply)
CHANGED = "portal.pagecache"  # the transaction queue of families changed by a commit
EXTENSION = "portal.pagecache"


class LocalPages:
    """Pages and generations in this process's memory (a short LRU list)."""

    def __init__(self) -> None:
        self.pages: OrderedDict[str, tuple[float, str, str]] = OrderedDict()
        self.generations: dict[str, int] = {}
        self.lock = threading.Lock()

    def lookup(self, families: Sequence[str], key: str) -> tuple[str, str | None]:
        """The families' generations as one tag, and the page kept under `key` for that tag."""
        now = time.monotonic()
        with self.lock:
            tag = ".".join(str(self.generations.get(family, 0)) for family in families)
            hit = self.pages.get(key)
            if hit is None or hit[0] <= now or hit[1] != tag:
                return tag, None
            self.pages.move_to_end(key)
            return tag, hit[2]

    def keep(self, key: str, tag: str, page: str, seconds: int) -> None:
        with self.lock:
            self.pages[key] = (time.monotonic() + seconds, tag, page)
            self.pages.move_to_end(key)
            while len(self.pages) > MAX_PAGES:
                self.pages.popitem(last=False)

    def bump(self, families: Iterable[str]) -> None:
        with self.lock:
            for family in families:
                self.generations[family] = self.generations.get(family, 0) + 1

    def clear(self) -> None:
        with self.lock:
            self.pages.clear()


class RedisPages:
    """Pages and generations in Redis: one round trip (MGET) per page served."""

    def __init__(self, url: str, prefix: str) -> None:
        import redis

        self.client = redis.Redis.from_url(url, socket_connect_timeout=TIMEOUT_SECONDS,
                                           socket_timeout=TIMEOUT_SECONDS)
        self.errors: tuple[type[Exception], ...] = (redis.RedisError, OSError)
        self.prefix = prefix
        self.down_since: float | None = None
        self.retry_at = 0.0
        self.lock = threading.Lock()

    def _generation(self, family: str) -> str:
        return f"{self.prefix}:generation:{family}"

    def lookup(self, families: Sequence[str], key: str) -> tuple[str, str | None] | None:
        """As `LocalPages.lookup`; None while Redis does not answer (then nothing is kept)."""
        if self.down_since is not None and time.monotonic() < self.retry_at:
            return None
        try:
            *generations, kept = self.client.mget([*map(self._generation, families), f"{self.prefix}:page:{key}"])
        except self.errors as exc:
            self._failed(exc)
            return None
        self._answered()
        tag = ".".join((g or b"0").decode() for g in generations)
        if kept is None:
            return tag, None
        kept_tag, _sep, page = kept.partition(b"\n")
        return tag, page.decode() if kept_tag.decode() == tag else None

    def keep(self, key: str, tag: str, page: str, seconds: int) -> None:
        try:
            self.client.set(f"{self.prefix}:page:{key}", tag.encode() + b"\n" + page.encode(), ex=seconds)
        except self.errors as exc:
            self._failed(exc)

    def bump(self, families: Iterable[str]) -> None:
        families = sorted(families)
        try:
            with self.client.pipeline(transaction=False) as pipe:
                for family in families:
                    pipe.incr(self._generation(family))
                pipe.execute()
        except self.errors as exc:
            self._failed(exc)
            log.warning("page cache: the change of %s could not be announced (%s); other workers may show "
                        "the old pages for up to %d s", ", ".join(families), type(exc).__name__,
                        current_app.config["PAGE_CACHE_SECONDS"])
        else:
            self._answered()

    def clear(self) -> None:
        for name in self.client.scan_iter(f"{self.prefix}:*"):
            self.client.delete(name)

    def _failed(self, exc: Exception) -> None:
        with self.lock:
            first = self.down_since is None
            now = time.monotonic()
            self.down_since = self.down_since or now
            self.retry_at = now + RETRY_SECONDS
        if first:
            log.warning("page cache unreachable (%s): rendering every page until it answers; retrying every %d s",
                        type(exc).__name__, RETRY_SECONDS)

    def _answered(self) -> None:
        if self.down_since is None:
            return
        with self.lock:
            since, self.down_since = self.down_since, None
        if since is not None:
            log.warning("page cache answers again after %.0f s", time.monotonic() - since)


def _store() -> LocalPages | RedisPages:
    return current_app.extensions[EXTENSION]["store"]


def clear() -> None:
    """Forget every kept page of this app (tests, and after restoring a backup)."""
    _store().clear()


def watch(app: Flask, family: str, *models: type) -> None:
    """Make a change to a row of any of `models` invalidate the pages of `family`."""
    tables = app.extensions[EXTENSION]["tables"]
    for model in models:
        tables.setdefault(model.__table__.name, set()).add(family)


def _changed_families(tables: Iterable[str]) -> set[str]:
    watched = current_app.extensions[EXTENSION]["tables"]
    return {family for table in tables for family in watched.get(table, ())}


def _announce(session: Session, families: set[str]) -> None:
    for family in sorted(families):
        transaction.queue(CHANGED, family, session)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context: Any) -> None:
    if not has_app_context() or EXTENSION not in current_app.extensions:
        return
    touched = [obj for obj in (*session.new, *session.deleted)] + \
        [obj for obj in session.dirty if session.is_modified(obj, include_collections=False)]
    _announce(session, _changed_families({obj.__table__.name for obj in touched if hasattr(obj, "__table__")}))


@event.listens_for(Session, "do_orm_execute")
def _on_statement(state: ORMExecuteState) -> None:
    if (state.is_insert or state.is_update or state.is_delete) and has_app_context() \
            and EXTENSION in current_app.extensions:
        table = getattr(state.statement, "table", None)
        if table is not None:
            _announce(state.session, _changed_families({table.name}))


def _bump(families: list[str]) -> None:
    _store().bump(set(families))


def _key(families: Sequence[str]) -> str:
    parts = (current_app.config["SQLALCHEMY_DATABASE_URI"], request.host_url, request.endpoint or "",
             request.full_path, current_locale(), ",".join(families))
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


def _cacheable(params: frozenset[str]) -> bool:
    return bool(current_app.config["PAGE_CACHE_SECONDS"]) and not current_user.is_authenticated \
        and not session.get("_flashes") and set(request.args) <= params


def cached_page(*families: str, params: Iterable[str] = ()) -> Callable[[Callable], Callable]:
    """Serve the view's rendered page from the cache while its families have not changed.
    `params` are the query parameters the page reads (with `page` and `lang`); a request with any
    other parameter is rendered and not kept, so made-up parameters cannot fill the cache."""
    known = frozenset({"page", "lang", *params})

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not _cacheable(known):
                return view(*args, **kwargs)
            key, store = _key(families), _store()
            found = store.lookup(families, key)
            if found is None:
                return view(*args, **kwargs)
            tag, page = found
            if page is not None:
                return page
            page = view(*args, **kwargs)
            if isinstance(page, str):
                store.keep(key, tag, page, current_app.config["PAGE_CACHE_SECONDS"])
            return page

        return wrapped

    return decorator


def init_app(app: Flask) -> None:
    """The store the configuration names (Redis, or this process) and the after-commit hook."""
    url = app.config.get("PAGE_CACHE_URL")
    store = RedisPages(url, app.config["PAGE_CACHE_KEY_PREFIX"]) if url else LocalPages()
    app.extensions[EXTENSION] = {"store": store, "tables": {}}
    transaction.on_commit(CHANGED, _bump)

"""Public list pages are rendered once for anonymous readers of one language and kept until a
record they show changes (or PAGE_CACHE_SECONDS pass); never served from the cache to a
signed-in person or with someone's messages. Kept in this process, or in Redis for every worker
and host; Redis down means rendering, not failing."""
from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Iterator

import pytest
import redis
from flask import Flask

from portal import config, pagecache
from portal.blacklist.models import BlacklistEntry, BlacklistReason, BlacklistState
from portal.extensions import db
from portal.institutions.models import InstitutionKind
from tests.support.servers import free_port

PAGE = "/blacklist?lang=zh_CN"


def _use(app: Flask, store) -> None:
    app.extensions[pagecache.EXTENSION]["store"] = store


@pytest.fixture
def caching(app: Flask) -> Iterator[Flask]:
    """The test app keeping pages in this process for a minute."""
    saved = app.extensions[pagecache.EXTENSION]["store"]
    _use(app, pagecache.LocalPages())
    app.config["PAGE_CACHE_SECONDS"] = 60
    yield app
    app.config["PAGE_CACHE_SECONDS"] = 0
    _use(app, saved)


def redis_store(url: str | None = None) -> pagecache.RedisPages:
    return pagecache.RedisPages(url or config.TestingConfig().TEST_REDIS_URL, f"test-pages-{secrets.token_hex(4)}")


@pytest.fixture
def shared(caching: Flask) -> Iterator[pagecache.RedisPages]:
    """The test app keeping pages in Redis (PORTAL_TEST_REDIS_URL), under a prefix of its own."""
    store = redis_store()
    try:
        store.client.ping()
    except redis.ConnectionError:
        pytest.fail("Redis is needed at PORTAL_TEST_REDIS_URL; .ci/run starts it")
    _use(caching, store)
    yield store
    store.clear()


def add_entry(name: str) -> None:
    db.session.add(BlacklistEntry(region_code="330106", name=name, training_type=InstitutionKind.SUBJECT,
                                  reason=BlacklistReason.UNLICENSED, facts="无证办学。", authority_name="西湖区教育局",
                                  listed_on=dt.date(2026, 11, 20), state=BlacklistState.LISTED))
    db.session.flush()


def added_and_committed(app: Flask, name: str) -> None:
    with app.app_context():
        add_entry(name)
        db.session.commit()


def test_a_page_is_kept_until_a_record_of_its_family_is_committed(caching, client):
    first = client.get(PAGE).get_data(as_text=True)
    with caching.app_context():
        add_entry("未提交培训班")  # flushed, then rolled back: nothing changed for readers
        db.session.rollback()
    assert client.get(PAGE).get_data(as_text=True) == first
    assert caching.extensions[pagecache.EXTENSION]["store"].generations == {}
    added_and_committed(caching, "缓存测试培训班")
    assert "缓存测试培训班" in client.get(PAGE).get_data(as_text=True)


def test_a_change_outside_the_family_keeps_the_page(caching, client):
    from portal.typical.models import ArticleState, TypicalCase

    first = client.get(PAGE).get_data(as_text=True)
    with caching.app_context():
        case = db.session.scalars(db.select(TypicalCase).where(TypicalCase.state == ArticleState.PUBLISHED)).first()
        case.title = case.title + "（修订）"
        db.session.commit()
        assert client.get(PAGE).get_data(as_text=True) == first
        assert "（修订）" in client.get("/cases?lang=zh_CN").get_data(as_text=True)


def test_the_registry_search_follows_the_blacklist_too(caching, client):
    url = "/institutions?q=%E5%9F%B9%E8%AE%AD&lang=zh_CN"
    first = client.get(url).get_data(as_text=True)
    assert client.get(url).get_data(as_text=True) == first
    with caching.app_context():
        tables = caching.extensions[pagecache.EXTENSION]["tables"]
        assert tables["blacklist_entries"] == {"blacklist"} and "institutions" in tables["institutions"]
    added_and_committed(caching, "搜索页失效培训班")
    with caching.app_context():
        assert caching.extensions[pagecache.EXTENSION]["store"].generations["blacklist"] >= 1


def test_each_language_and_query_has_its_own_page(caching, client):
    zh = client.get("/blacklist?lang=zh_CN").get_data(as_text=True)
    en = client.get("/blacklist?lang=en").get_data(as_text=True)
    assert zh != en and 'lang="en"' in en and 'lang="zh-CN"' in zh
    assert client.get("/blacklist?lang=en&reason=safety").get_data(as_text=True) != en


def test_a_parameter_the_page_does_not_read_is_rendered_and_not_kept(caching, client):
    client.get("/blacklist?lang=zh_CN&utm=1")
    client.get("/blacklist?lang=zh_CN&q=%E5%9F%B9")
    assert len(caching.extensions[pagecache.EXTENSION]["store"].pages) == 1


def renamed_behind_the_cache(app: Flask, name: str) -> None:
    """A listed entry renamed in SQL the portal's models do not see: no page is evicted for it."""
    with app.app_context():
        entry_id = db.session.scalar(db.select(BlacklistEntry.id).where(BlacklistEntry.state == BlacklistState.LISTED)
                                     .order_by(BlacklistEntry.listed_on.desc(), BlacklistEntry.id.desc()))
        db.session.execute(db.text("UPDATE blacklist_entries SET name = :name WHERE id = :id"),
                           {"name": name, "id": entry_id})
        db.session.commit()


def test_a_signed_in_person_always_gets_a_fresh_page(caching, client):
    from portal.accounts.models import Role
    from tests.support.accounts import make_account, sign_in

    _id, secret = make_account(caching, "cache.viewer", Role.CUSTODIAN, "330106")
    client.get(PAGE)
    renamed_behind_the_cache(caching, "登录后可见培训班")
    assert "登录后可见培训班" not in client.get(PAGE).get_data(as_text=True)  # still the kept page
    sign_in(client, "cache.viewer", secret)
    assert "登录后可见培训班" in client.get(PAGE).get_data(as_text=True)


def test_pages_in_redis_are_shared_and_evicted_by_a_commit_anywhere(shared, caching, client):
    first = client.get(PAGE).get_data(as_text=True)
    assert list(shared.client.scan_iter(f"{shared.prefix}:page:*"))  # kept in Redis, not in the process
    other_host = pagecache.RedisPages(config.TestingConfig().TEST_REDIS_URL, shared.prefix)
    tag, page = other_host.lookup(["blacklist"], next(iter(_page_keys(shared))))
    assert page == first and tag == "0"
    other_host.bump({"blacklist"})  # what another host's commit announces
    assert shared.lookup(["blacklist"], next(iter(_page_keys(shared))))[1] is None
    added_and_committed(caching, "共享缓存培训班")
    assert shared.client.get(f"{shared.prefix}:generation:blacklist") == b"2"
    assert "共享缓存培训班" in client.get(PAGE).get_data(as_text=True)


def _page_keys(store: pagecache.RedisPages) -> list[str]:
    return [name.decode().rsplit(":", 1)[1] for name in store.client.scan_iter(f"{store.prefix}:page:*")]


def test_with_redis_down_pages_are_rendered_and_the_outage_logged_once(caching, client, caplog):
    caplog.set_level(logging.WARNING, logger="portal.pagecache")
    _use(caching, redis_store(f"redis://127.0.0.1:{free_port()}/6"))
    assert client.get(PAGE).status_code == 200
    added_and_committed(caching, "缓存宕机培训班")  # the change is saved; its announcement is lost
    assert "缓存宕机培训班" in client.get(PAGE).get_data(as_text=True)
    messages = [r.getMessage() for r in caplog.records]
    assert sum("page cache unreachable" in m for m in messages) == 1
    assert any("could not be announced" in m and "blacklist" in m for m in messages)

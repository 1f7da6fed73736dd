"""Public list pages are rendered once per interval for anonymous readers of one language, and
never served from the cache to a signed-in person or with someone's messages."""
from __future__ import annotations

import pytest

from portal import pagecache
from portal.blacklist.models import BlacklistEntry, BlacklistReason, BlacklistState
from portal.extensions import db
from portal.institutions.models import InstitutionKind


@pytest.fixture
def caching(app):
    pagecache.clear()
    app.config["PAGE_CACHE_SECONDS"] = 60
    yield app
    app.config["PAGE_CACHE_SECONDS"] = 0
    pagecache.clear()


def add_entry(name: str) -> None:
    import datetime as dt

    db.session.add(BlacklistEntry(region_code="330106", name=name, training_type=InstitutionKind.SUBJECT,
                                  reason=BlacklistReason.UNLICENSED, facts="无证办学。", authority_name="西湖区教育局",
                                  listed_on=dt.date(2026, 11, 20), state=BlacklistState.LISTED))
    db.session.flush()


def test_a_fresh_page_is_served_from_the_cache_until_it_expires(caching, client, ctx):
    first = client.get("/blacklist?lang=zh_CN").get_data(as_text=True)
    add_entry("缓存测试培训班")
    cached = client.get("/blacklist?lang=zh_CN").get_data(as_text=True)
    assert cached == first and "缓存测试培训班" not in cached
    caching.config["PAGE_CACHE_SECONDS"] = 0
    assert "缓存测试培训班" in client.get("/blacklist?lang=zh_CN").get_data(as_text=True)


def test_each_language_and_query_has_its_own_page(caching, client):
    zh = client.get("/blacklist?lang=zh_CN").get_data(as_text=True)
    en = client.get("/blacklist?lang=en").get_data(as_text=True)
    assert zh != en and 'lang="en"' in en and 'lang="zh-CN"' in zh
    assert client.get("/blacklist?lang=en&reason=safety").get_data(as_text=True) != en


def test_a_signed_in_person_always_gets_a_fresh_page(caching, client):
    from portal.accounts.models import Role
    from tests.support.accounts import make_account, sign_in

    _id, secret = make_account(caching, "cache.viewer", Role.CUSTODIAN, "330106")
    client.get("/blacklist?lang=zh_CN")
    with caching.app_context():
        add_entry("登录后可见培训班")
        db.session.commit()
    sign_in(client, "cache.viewer", secret)
    assert "登录后可见培训班" in client.get("/blacklist?lang=zh_CN").get_data(as_text=True)

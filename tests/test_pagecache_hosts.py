"""The public page cache is shared by every host: a decision withdrawn through one host is shown
as withdrawn by the other on its next request.

Two gunicorn processes (two "hosts") serve one database and keep pages in one Redis. The page
is kept on both (a change made in SQL behind the portal's back does not show), then a handler
withdraws the decision through host A, and host B's next page shows the withdrawal.
"""
from __future__ import annotations

import os
import secrets

import pyotp
import pytest
import redis
from sqlalchemy import create_engine, text

from portal import clock, demo
from portal.accounts.models import Role, User
from portal.disclosures import service
from portal.extensions import db
from tests.support.accounts import PASSWORD, make_account, staff_user
from tests.support.apps import make_app
from tests.support.databases import isolated_database
from tests.support.disclosures import draft_disclosure
from tests.support.forms import hidden
from tests.support.servers import Browser, free_port, start_host

pytestmark = pytest.mark.slow  # starts two real portal hosts

PARTY = "双主机缓存培训学校"
LIST = "/disclosures?lang=en"


def published_decision(app) -> tuple[int, str, str]:
    """Demo data, a handler of 西湖区 who can sign in, and a decision published by that office."""
    with app.app_context():
        db.create_all()
        list(demo.seed())
        db.session.commit()
    _user_id, secret = make_account(app, "hosts.handler", Role.HANDLER, "330106")
    with app.app_context():
        handler = db.session.scalar(db.select(User).where(User.username == "hosts.handler"))
        disclosure = draft_disclosure(handler, party_name=PARTY, decision_number="杭西教罚〔2026〕977号")
        service.submit(disclosure, handler)
        service.review(disclosure, staff_user("hosts.reviewer", Role.REVIEWER, "330100"), True)
        db.session.commit()
        return disclosure.id, secret, clock.today().isoformat()


def card(page: str, name: str) -> str:
    """The list item of the decision whose party is `name` ('' when it is not listed)."""
    if name not in page:
        return ""
    start = page.rindex("<li", 0, page.index(name))
    return page[start:page.index("</li>", start)]


def sign_in(browser: Browser, secret: str) -> None:
    _status, page = browser.request("GET", "/login")
    browser.request("POST", "/login", {"csrf_token": hidden(page, "csrf_token"), "username": "hosts.handler",
                                       "password": PASSWORD})
    _status, page = browser.request("GET", "/login/code")
    status, _page = browser.request("POST", "/login/code", {"csrf_token": hidden(page, "csrf_token"),
                                                            "code": pyotp.TOTP(secret).now()})
    assert status == 302


def test_a_decision_withdrawn_on_one_host_is_shown_withdrawn_by_the_other(tmp_path, database_url, redis_url):
    prefix = f"test-hosts-{secrets.token_hex(4)}"
    with isolated_database(database_url, "page_cache_hosts", tmp_path) as url:
        instance = tmp_path / "instance"
        disclosure_id, secret, today = published_decision(make_app(instance, url))
        env = {**os.environ, "PORTAL_ENV": "production", "PORTAL_SMS_ADAPTER": "log",
               "PORTAL_INSTANCE_PATH": str(instance), "PORTAL_DATABASE_URL": url, "PORTAL_SECURE_COOKIES": "0",
               "PORTAL_RATELIMIT_STORAGE_URI": redis_url, "PORTAL_RATELIMIT_KEY_PREFIX": prefix,
               "PORTAL_PAGE_CACHE_URL": redis_url, "PORTAL_PAGE_CACHE_KEY_PREFIX": prefix,
               "PORTAL_PAGE_CACHE_SECONDS": "600"}  # only the withdrawal can evict the page within the test
        ports = [free_port(), free_port()]
        hosts = [start_host(env, port) for port in ports]
        try:
            a, b = Browser(ports[0]), Browser(ports[1])
            for reader in (a, b):
                assert card(reader.get(LIST), PARTY) and "Withdrawn" not in card(reader.get(LIST), PARTY)
            engine = create_engine(url)
            with engine.begin() as connection:  # behind the portal's back: no page is evicted for it
                connection.execute(text("UPDATE disclosures SET party_name = :name WHERE id = :id"),
                                   {"name": PARTY + "（改）", "id": disclosure_id})
            engine.dispose()
            for reader in (a, b):
                assert card(reader.get(LIST), PARTY) and "（改）" not in reader.get(LIST)  # both serve the kept page

            sign_in(a, secret)
            page = a.get(f"/staff/disclosures/{disclosure_id}")
            status, _page = a.request("POST", f"/staff/disclosures/{disclosure_id}/withdraw", {
                "csrf_token": hidden(page, "csrf_token"), "withdraw-state": "published",
                "withdraw-reason": "复议决定撤销原处罚决定", "withdraw-revoked_on": today})
            assert status == 302

            withdrawn = card(b.get(LIST), PARTY + "（改）")
            assert "Withdrawn" in withdrawn  # host B renders afresh on its very next request
        finally:
            for host in hosts:
                host.terminate()
                host.wait(timeout=10)
            client = redis.Redis.from_url(redis_url)
            for key in client.scan_iter(f"{prefix}*"):
                client.delete(key)

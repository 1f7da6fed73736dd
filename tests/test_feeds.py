"""Feeds link to PORTAL_BASE_URL when it is set, else to the address the request was made to."""
import xml.etree.ElementTree as ET

import pytest

from portal.feeds import ATOM

FEEDS = ("/disclosures.atom", "/cases.atom", "/blacklist.atom")


def links(response) -> list[str]:
    root = ET.fromstring(response.get_data())
    return [link.get("href") for link in root.iter(f"{{{ATOM}}}link")] + [root.find(f"{{{ATOM}}}id").text]


@pytest.mark.parametrize("feed", FEEDS)
def test_without_a_base_url_links_follow_the_host_and_port_asked(app, client, monkeypatch, feed):
    monkeypatch.setitem(app.config, "BASE_URL_SET", False)
    response = client.get(feed, base_url="http://127.0.0.1:5071")
    assert response.status_code == 200
    found = links(response)
    assert found and all(href.startswith("http://127.0.0.1:5071/") for href in found), found


@pytest.mark.parametrize("feed", FEEDS)
def test_a_configured_base_url_wins_over_the_host_header(app, client, monkeypatch, feed):
    monkeypatch.setitem(app.config, "BASE_URL_SET", True)
    monkeypatch.setitem(app.config, "BASE_URL", "https://jiandu.example.gov.cn/")
    response = client.get(feed, base_url="http://evil.example:8080")
    found = links(response)
    assert found and all(href.startswith("https://jiandu.example.gov.cn/") for href in found), found
    assert "evil.example" not in response.get_data(as_text=True)


def test_the_setting_is_read_from_the_environment(monkeypatch):
    from portal.config import Config

    monkeypatch.delenv("PORTAL_BASE_URL", raising=False)
    assert Config().BASE_URL_SET is False
    monkeypatch.setenv("PORTAL_BASE_URL", "https://jiandu.example.gov.cn")
    config = Config()
    assert config.BASE_URL_SET is True and config.BASE_URL == "https://jiandu.example.gov.cn"

"""Languages: locale choice, the switcher, catalogue completeness, every page in both languages."""
import re

import pytest
from babel.messages.pofile import read_po

from portal.cli import extract_messages
from portal.config import PROJECT_ROOT
from portal.i18n import match_locale
from tests.support.pages import english_phrases, public_page_urls, visible_text

TRANSLATIONS = PROJECT_ROOT / "translations"


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.get_data(as_text=True)).group(1)


@pytest.mark.parametrize("tag,locale", [
    ("zh", "zh_CN"), ("zh-CN", "zh_CN"), ("zh-Hans", "zh_CN"), ("zh_CN", "zh_CN"),
    ("zh-TW", "zh_CN"), ("en", "en"), ("en-GB", "en"), ("fr", None), ("", None),
])
def test_language_tags_map_to_supported_locales(tag, locale):
    assert match_locale(tag) == locale


def test_default_is_simplified_chinese(client):
    assert html_lang(client.get("/")) == "zh-CN"


def test_accept_language_is_honoured(client):
    assert html_lang(client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"})) == "en"
    assert html_lang(client.get("/", headers={"Accept-Language": "zh-Hans,en;q=0.5"})) == "zh-CN"
    assert html_lang(client.get("/", headers={"Accept-Language": "fr, de"})) == "zh-CN"


def test_lang_parameter_beats_cookie_beats_header(client):
    response = client.get("/institutions?lang=en", headers={"Accept-Language": "zh-CN"})
    assert html_lang(response) == "en"
    assert "lang=en" in response.headers["Set-Cookie"]
    assert html_lang(client.get("/", headers={"Accept-Language": "zh-CN"})) == "en"  # the cookie
    assert html_lang(client.get("/?lang=zh_CN")) == "zh-CN"


def test_unknown_lang_falls_back_silently(client):
    response = client.get("/?lang=xx")
    assert response.status_code == 200
    assert html_lang(response) == "zh-CN"


def test_switcher_keeps_the_current_page_and_query(client):
    page = client.get("/institutions?q=培训&kind=arts").get_data(as_text=True)
    link = re.search(r'href="([^"]*lang=en[^"]*)"', page).group(1).replace("&amp;", "&")
    assert link.startswith("/institutions?")
    assert "kind=arts" in link and "lang=en" in link and "q=%E5%9F%B9%E8%AE%AD" in link


@pytest.mark.parametrize("path", ["/%5Cevil.example", "/%5C%5Cevil.example/x",
                                  "/institutions/%5Cevil.example"])
def test_switcher_on_an_error_page_never_leaves_the_site(client, path):
    """The link is built from the route (or is the query alone), never from the path as sent."""
    response = client.get(path + "?a=1")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    link = re.search(r'href="([^"]*lang=en[^"]*)"', page).group(1).replace("&amp;", "&")
    assert "evil" not in link and "\\" not in link, link
    assert link.startswith("?") or (link.startswith("/") and not link.startswith("//")), link
    assert "a=1" in link


def test_switcher_on_a_routed_page_uses_the_route(client):
    page = client.get("/institutions/999999999?lang=zh_CN").get_data(as_text=True)
    link = re.search(r'href="([^"]*lang=en[^"]*)"', page).group(1).replace("&amp;", "&")
    assert link == "/institutions/999999999?lang=en"


def test_committed_pot_is_not_stale(tmp_path):
    fresh = tmp_path / "fresh.pot"
    extract_messages(fresh)
    ids = lambda path: {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(path.open("rb")) if m.id}
    committed, current = ids(TRANSLATIONS / "messages.pot"), ids(fresh)
    assert current - committed == set(), "new strings: run `flask --app portal translate update`"
    assert committed - current == set(), "removed strings: run `flask --app portal translate update`"


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_catalogue_headers_are_not_fuzzy(locale):
    """`pybabel compile` silently skips a whole catalogue whose header is marked fuzzy."""
    catalog = read_po((TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").open("rb"), locale=locale)
    assert not catalog.fuzzy


def test_every_zh_cn_entry_is_translated_and_not_fuzzy():
    catalog = read_po((TRANSLATIONS / "zh_CN" / "LC_MESSAGES" / "messages.po").open("rb"), locale="zh_CN")
    pot = read_po((TRANSLATIONS / "messages.pot").open("rb"))
    problems = []
    for message in pot:
        if not message.id:
            continue
        entry = catalog.get(message.id, message.context)  # a message context (pgettext) keeps its own entry
        strings = [] if entry is None else (entry.string if isinstance(entry.string, tuple) else [entry.string])
        if entry is None or not all(strings) or entry.fuzzy:
            problems.append(message.id)
    assert problems == []


def test_every_public_page_renders_in_both_languages(client, app):
    urls = public_page_urls(app)
    assert {"/", "/institutions", "/institutions/1"} <= set(urls)
    for url in urls:
        for lang, tag in (("zh_CN", "zh-CN"), ("en", "en")):
            response = client.get(url, query_string={"lang": lang})
            assert response.status_code == 200, url
            assert html_lang(response) == tag
            assert re.search(r"<title>[^<]+</title>", response.get_data(as_text=True)), url
        chinese = visible_text(client.get(url, query_string={"lang": "zh_CN"}).get_data(as_text=True))
        assert english_phrases(chinese) == [], f"untranslated text on {url}"


def test_error_pages_are_translated(client):
    chinese = visible_text(client.get("/no-such-page?lang=zh_CN").get_data(as_text=True))
    assert "页面不存在" in chinese and english_phrases(chinese) == []
    english = client.get("/no-such-page?lang=en").get_data(as_text=True)
    assert "Page not found" in english


def test_switcher_ignores_hostile_parameters(client):
    """Parameters that url_for would treat specially are kept as plain text, never obeyed."""
    response = client.get("/institutions/5?endpoint=x&_method=POST&_external=1&_anchor=y&institution_id=7",
                          headers={"Host": "evil.example"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    link = re.search(r'href="([^"]*lang=en[^"]*)"', page).group(1).replace("&amp;", "&")
    assert link.startswith("/institutions/5?") and "evil.example" not in page
    assert "institution_id=7" in link and "#" not in link


def test_repeated_parameters_survive_the_switch(client):
    page = client.get("/institutions?kind=arts&kind=sports").get_data(as_text=True)
    link = re.search(r'href="([^"]*lang=en[^"]*)"', page).group(1).replace("&amp;", "&")
    assert link.count("kind=") == 2

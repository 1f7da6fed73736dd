"""Which pages are public, and reading what a page shows."""
from __future__ import annotations

import re
from html.parser import HTMLParser

from flask import Flask

# Public pages with a path argument, and a real value to fill it with.
SAMPLE_ARGS = {"institution_id": 1, "disclosure_id": 1, "typical_case_id": 1, "entry_id": 1, "draw_id": 1}
# Pages that need a tracking session or serve files; they have their own tests.
SKIP_ENDPOINTS = {"static", "site.healthz", "operations.readyz", "operations.prometheus_metrics",
                  "regions.suggest", "complaints.case", "complaints.download",
                  "receipt_recovery.code"}  # without a recovery under way it leads to the form


def public_page_urls(app: Flask) -> list[str]:
    """Every public GET page: rules outside /staff/, /supervisor/ and /api/ that render HTML."""
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in SKIP_ENDPOINTS:
            continue
        if rule.rule.startswith(("/staff", "/supervisor", "/api", "/login")):
            continue
        if rule.rule.endswith((".csv", ".atom", ".json", ".py")):
            continue
        if not set(rule.arguments) <= set(SAMPLE_ARGS):
            continue
        with app.test_request_context():
            from flask import url_for

            urls.append(url_for(rule.endpoint, **{a: SAMPLE_ARGS[a] for a in rule.arguments}))
    return sorted(set(urls))


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in ("alt", "title", "placeholder", "aria-label") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """The text a reader sees or hears: element text plus alt, title and ARIA labels."""
    parser = _TextExtractor()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


ENGLISH_PHRASE = re.compile(r"\b[A-Za-z]{2,}(?:[ ,'][A-Za-z]{2,}){2,}")
# The language switcher names English in English on purpose.
ALLOWED_ENGLISH = {"English"}


def english_phrases(text: str) -> list[str]:
    """Runs of three or more English words: on a Chinese page, a string that escaped translation."""
    return [m for m in ENGLISH_PHRASE.findall(text) if m not in ALLOWED_ENGLISH]

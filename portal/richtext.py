"""The one sanitiser: Markdown that staff write becomes HTML, and every piece of HTML the portal
shows as markup passes the same allowlist first.

Markdown is rendered with raw HTML switched off (typed tags come out as text), then `bleach`
keeps only the tags, attributes and URL schemes below. Pages show only what `render` returned
and was stored; `|safe` is used on nothing else.
"""
from __future__ import annotations

import html
import re
from collections.abc import Iterator
from urllib.parse import unquote

import bleach
from bleach.html5lib_shim import Filter
from markdown_it import MarkdownIt

ALLOWED_TAGS = frozenset({
    "p", "br", "hr", "strong", "em", "ul", "ol", "li", "blockquote", "h2", "h3", "h4", "a", "code", "pre",
    "table", "thead", "tbody", "tr", "th", "td",
})
ALLOWED_ATTRIBUTES = {"a": ["href", "title"], "ol": ["start"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener"
# The article's title is the page's h1: Markdown's "#" and "##" headings become h2, and nothing
# goes below h4.
TOP_HEADING, LOWEST_HEADING = 2, 4


SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f-\xa0]+")


def hidden_scheme(href: str) -> str | None:
    """The scheme a link would have once percent-escapes, whitespace and control characters are
    taken out (`jav%09ascript:` is `javascript:`), or None for a relative link."""
    found = SCHEME.match(IGNORED_IN_URLS.sub("", unquote(html.unescape(href))).lower())
    return found.group(1) if found else None


class LinkRel(Filter):
    """Every remaining link gets rel="nofollow noopener" (a link to another site is not an
    endorsement, and the opened page gets no handle on ours); an address that hides a scheme
    outside the allowlist behind escapes loses its href."""

    def __iter__(self) -> Iterator[dict]:
        for token in super().__iter__():
            if token["type"] in ("StartTag", "EmptyTag") and token["name"] == "a":
                href = token["data"].get((None, "href"))
                if href is not None and hidden_scheme(href) not in ALLOWED_PROTOCOLS | {None}:
                    del token["data"][(None, "href")]
                token["data"][(None, "rel")] = LINK_REL
            yield token


CLEANER = bleach.Cleaner(tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, protocols=ALLOWED_PROTOCOLS,
                         strip=True, strip_comments=True, filters=[LinkRel])


def _shift_headings(state) -> None:
    """Move Markdown headings under the page's own h1."""
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(max(int(token.tag[1]), TOP_HEADING), LOWEST_HEADING)
            token.tag = f"h{level}"


def _markdown() -> MarkdownIt:
    # Raw HTML off: a typed <script> shows as text. Single line breaks kept, as Chinese authors
    # expect. Images off: `![text](url)` stays a plain link, and no picture is fetched from elsewhere.
    parser = MarkdownIt("commonmark", {"html": False, "breaks": True, "linkify": False, "typographer": False})
    parser.enable("table").disable("image")
    parser.core.ruler.push("shift_headings", _shift_headings)
    return parser


MARKDOWN = _markdown()


def clean(html: str) -> str:
    """HTML with everything outside the allowlist removed (tags, attributes, comments, URL schemes)."""
    return CLEANER.clean(html or "")


def render(source: str) -> str:
    """Markdown as sanitised HTML, ready to store and show."""
    return clean(MARKDOWN.render(source or "")).strip()

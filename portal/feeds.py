"""Atom 1.0 feeds of the public lists: the feed's frame here, each list adds its entries."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from flask import Response, current_app, has_request_context, request, url_for

from portal.i18n import current_locale
from portal.text import xml_safe

ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def base_url() -> str:
    """Where links point: PORTAL_BASE_URL when it is set (a production site sets it, so a forged
    Host header changes nothing); otherwise the address this request was made to, port included."""
    if current_app.config["BASE_URL_SET"] or not has_request_context():
        return current_app.config["BASE_URL"].rstrip("/")
    return request.host_url.rstrip("/")


def absolute(endpoint: str, **values) -> str:
    """An absolute address of a page, for a feed."""
    return base_url() + url_for(endpoint, **values)


def text(parent: ET.Element, tag: str, content: str, **attributes: str) -> ET.Element:
    """A child element holding `content`, without the characters XML does not allow."""
    element = ET.SubElement(parent, tag, {name: xml_safe(value) for name, value in attributes.items()})
    element.text = xml_safe(content)
    return element


def start(title: str, feed_endpoint: str, page_endpoint: str) -> tuple[ET.Element, ET.Element]:
    """The feed element in the page's language with its title (and the authority's name), id,
    links and author; and its empty <updated>, for the caller to fill once entries are known."""
    locale = current_locale()
    root = ET.Element("feed", {"xmlns": ATOM, XML_LANG: "zh-CN" if locale == "zh_CN" else "en"})
    authority = current_app.config["AUTHORITY_NAME_ZH" if locale == "zh_CN" else "AUTHORITY_NAME_EN"]
    text(root, "title", f"{title} · {authority}")
    text(root, "id", absolute(feed_endpoint))
    ET.SubElement(root, "link", {"rel": "self", "type": "application/atom+xml", "href": absolute(feed_endpoint)})
    ET.SubElement(root, "link", {"rel": "alternate", "type": "text/html", "href": absolute(page_endpoint)})
    text(ET.SubElement(root, "author"), "name", authority)
    return root, text(root, "updated", "")


def respond(root: ET.Element) -> Response:
    return Response(ET.tostring(root, encoding="utf-8", xml_declaration=True), mimetype="application/atom+xml")

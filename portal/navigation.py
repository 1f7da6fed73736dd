"""The registry of links each feature adds to the header: the public site's menu, the back
office's sections (by role) and the social supervisors' workspace. `site/` draws them."""
from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app
from flask_babel.speaklater import LazyString

PUBLIC, STAFF, SUPERVISOR = "public", "staff", "supervisor"


@dataclass(frozen=True)
class Link:
    """One menu entry: its endpoint, label, place in the menu, the endpoints of pages that belong
    to it (so it is marked current there), in the back office the roles that see it, and the roles
    whose work starts there (where they land after signing in)."""

    endpoint: str
    label: LazyString
    order: int
    related: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    lands: tuple[str, ...] = ()


def add(app: Flask, area: str, *links: Link) -> None:
    """Add links to one area's menu."""
    app.extensions.setdefault("portal.navigation", {}).setdefault(area, []).extend(links)


def links(area: str) -> list[Link]:
    """The area's links in menu order, those of mounted pages only."""
    found = current_app.extensions.get("portal.navigation", {}).get(area, [])
    return sorted((link for link in found if link.endpoint in current_app.view_functions),
                  key=lambda link: link.order)


def landing(role: str) -> str | None:
    """The endpoint where this role's work starts (the first mounted link, in menu order, that
    names the role as landing there), or None when no feature offers one."""
    for area in (STAFF, SUPERVISOR):
        for link in links(area):
            if role in link.lands:
                return link.endpoint
    return None

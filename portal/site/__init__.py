"""The home page, the health check and the header every page shares."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the home page; give every template the menus and the site's identity."""
    from portal import navigation as links
    from portal.i18n import _l
    from portal.site import navigation
    from portal.site.views import bp

    app.register_blueprint(bp)
    links.add(app, links.PUBLIC, links.Link("site.home", _l("Home"), 10))
    navigation.init_app(app)

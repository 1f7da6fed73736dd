"""The header's navigation, drawn from the links each feature registers (`portal.navigation`)."""
from __future__ import annotations

from flask import Flask, current_app, request

from portal import navigation


def nav_links() -> list[dict]:
    """Links for the header, marking the section the current page belongs to; in the back
    office, its sections for the signed-in person's role; in the workspace, the supervisor's."""
    from flask_login import current_user

    area, role = navigation.PUBLIC, None
    if request.path.startswith("/supervisor/") and current_user.is_authenticated:
        area = navigation.SUPERVISOR
    elif request.path.startswith("/staff/") and current_user.is_authenticated:
        area, role = navigation.STAFF, current_user.role.value
    return [{"endpoint": link.endpoint, "label": link.label,
             "current": request.endpoint == link.endpoint or request.endpoint in link.related}
            for link in navigation.links(area) if role is None or not link.roles or role in link.roles]


def has_endpoint(endpoint: str) -> bool:
    """True when a feature's page exists, so a template can link it only then."""
    return endpoint in current_app.view_functions


def site_identity() -> dict:
    """The authority running the site, in the page's language, and the footer's registrations."""
    from portal.i18n import current_locale

    config = current_app.config
    name = config["AUTHORITY_NAME_ZH"] if current_locale() == "zh_CN" else config["AUTHORITY_NAME_EN"]
    return {"authority_name": name, "contact_phone": config["CONTACT_PHONE"],
            "icp_number": config["ICP_NUMBER"], "psb_number": config["PSB_NUMBER"]}


def init_app(app: Flask) -> None:
    """Give every template the navigation helpers and the site's identity."""
    app.context_processor(lambda: {"nav_links": nav_links, "has_endpoint": has_endpoint, **site_identity()})

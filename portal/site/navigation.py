"""The header's navigation: each feature's main page, shown once that feature is mounted."""
from __future__ import annotations

from flask import Flask, current_app, request

from portal.i18n import _l

# (endpoint, label, other endpoints that belong to the same item)
NAVIGATION = (
    ("site.home", _l("Home"), ()),
    ("complaints.new", _l("File a complaint"), ()),
    ("complaints.track", _l("Track a case"), ("complaints.case",)),
    ("institutions.index", _l("Institutions"), ("institutions.detail",)),
    ("disclosures.index", _l("Penalty disclosures"), ("disclosures.detail",)),
    ("disclosures.matters", _l("Enforcement matters"), ()),
    ("typical.index", _l("Typical cases"), ("typical.detail",)),
    ("blacklist.index", _l("Blacklist"), ("blacklist.detail",)),
    ("inspections.index", _l("Random inspections"), ("inspections.detail",)),
    ("stats.index", _l("Statistics"), ()),
)


# The back office's sections: (endpoint, label, roles that see it (empty: all staff), related).
STAFF_NAVIGATION = (
    ("casework.inbox", _l("Cases"), (), ("casework.case", "casework.step")),
    ("casework.register", _l("Register a complaint"), ("admin", "handler"), ()),
    ("custody.queue", _l("Identity requests"), ("custodian",), ("custody.decide",)),
    ("audit.index", _l("Audit log"), ("admin",), ()),
    ("staff.users", _l("Accounts"), ("admin",), ("staff.user_detail", "staff.new_user")),
    ("workdays.index", _l("Holidays"), ("admin",), ()),
    ("disclosure_staff.index", _l("Disclosures"), ("admin", "handler", "reviewer"),
     ("disclosure_staff.new", "disclosure_staff.detail", "disclosure_staff.submit", "disclosure_staff.review",
      "disclosure_staff.withdraw", "disclosure_staff.repair", "disclosure_staff.discretion",
      "disclosure_staff.new_rule", "disclosure_staff.edit_rule")),
    ("typical_staff.index", _l("Typical cases"), ("admin", "handler", "reviewer"),
     ("typical_staff.new", "typical_staff.detail", "typical_staff.submit", "typical_staff.review",
      "typical_staff.withdraw")),
    ("blacklist_staff.index", _l("Blacklist"), ("admin", "handler", "reviewer"),
     ("blacklist_staff.new", "blacklist_staff.detail", "blacklist_staff.step", "blacklist_staff.import_list")),
    ("inspection_staff.index", _l("Inspections"), ("admin", "handler", "reviewer"),
     ("inspection_staff.detail", "inspection_staff.new", "inspection_staff.item_list", "inspection_staff.item_edit",
      "inspection_staff.commit", "inspection_staff.draw", "inspection_staff.recusal", "inspection_staff.result",
      "inspection_staff.publish")),
    ("supervisor_staff.inbox", _l("Supervisors' submissions"), ("admin", "handler"),
     ("supervisor_staff.observation", "supervisor_staff.open_case")),
    ("supervisor_staff.index", _l("Social supervisors"), ("admin", "handler"),
     ("supervisor_staff.new", "supervisor_staff.detail", "supervisor_staff.step", "supervisor_staff.duty_record")),
)

# The social supervisors' workspace: (endpoint, label, related endpoints).
SUPERVISOR_NAVIGATION = (
    ("supervisor.dashboard", _l("Overview"), ()),
    ("supervisor.submissions", _l("My submissions"), ("supervisor.detail", "supervisor.edit", "supervisor.new")),
    ("supervisor.duty_record", _l("Duty record"), ()),
    ("supervisor.account", _l("My account"), ()),
)


def nav_links() -> list[dict]:
    """Links for the header, marking the section the current page belongs to; in the back
    office, its sections for the signed-in person's role."""
    from flask_login import current_user

    links = []
    if request.path.startswith("/supervisor/") and current_user.is_authenticated:
        return [{"endpoint": endpoint, "label": label,
                 "current": request.endpoint == endpoint or request.endpoint in related}
                for endpoint, label, related in SUPERVISOR_NAVIGATION if endpoint in current_app.view_functions]
    if request.path.startswith("/staff/") and current_user.is_authenticated:
        for endpoint, label, roles, related in STAFF_NAVIGATION:
            if endpoint in current_app.view_functions and (not roles or current_user.role.value in roles):
                current = request.endpoint == endpoint or request.endpoint in related
                links.append({"endpoint": endpoint, "label": label, "current": current})
        return links
    for endpoint, label, related in NAVIGATION:
        if endpoint in current_app.view_functions:
            current = request.endpoint == endpoint or request.endpoint in related
            links.append({"endpoint": endpoint, "label": label, "current": current})
    return links


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

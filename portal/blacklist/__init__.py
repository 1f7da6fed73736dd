"""The blacklist (黑名单): listing with notice and defence, removal, and the public list (importing
a list published elsewhere is `portal.blacklist_import`)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the public and staff pages (the import page among them); add menu entries and demo entries."""
    from portal import demo, navigation, pagecache
    from portal.blacklist import demo as blacklist_demo
    from portal.blacklist import offerings as blacklist_offerings
    from portal.blacklist import service
    from portal.blacklist.models import BlacklistEntry
    from portal.blacklist.staff_views import bp as staff_bp
    from portal.blacklist.views import bp as public_bp
    from portal.i18n import _l
    from portal.institutions import offerings
    from portal.navigation import Link
    from portal.recusal import service as recusal
    from portal.search import cli as search_cli

    app.register_blueprint(public_bp)
    app.register_blueprint(staff_bp)
    pagecache.watch(app, "blacklist", BlacklistEntry)
    recusal.add_kind(app, recusal.Kind("blacklist_entry", _l("Blacklist entry"), service.for_staff,
                                       lambda e: e.region_code, lambda e: e.name, "blacklist_staff.detail", "entry_id"))
    offerings.add_section(app, offerings.Section("blacklist_entries", blacklist_offerings.for_institution))
    offerings.add_violation(app, offerings.Violation("blacklisted", blacklist_offerings.blacklisted))
    search_cli.add_source(app, "blacklist entries", blacklist_offerings.reindex_names)
    navigation.add(app, navigation.PUBLIC, Link("blacklist.index", _l("Blacklist"), 80, related=("blacklist.detail",)))
    navigation.add(app, navigation.STAFF, Link(
        "blacklist_staff.index", _l("Blacklist"), 90, roles=("admin", "handler", "reviewer"),
        related=("blacklist_staff.new", "blacklist_staff.detail", "blacklist_staff.step", "blacklist_staff.objection",
                 "blacklist_staff.answer",
                 "blacklist_import.import_list")))
    demo.register(app, "blacklist", "demo blacklist entries", blacklist_demo.seed,
                  after=("institutions", "accounts", "disclosures"))

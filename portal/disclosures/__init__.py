"""Penalty disclosures (行政处罚信息公示), the enforcement catalogue and discretion benchmarks."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the public and staff pages; add the menu entries and demo decisions."""
    from portal import demo, navigation, pagecache
    from portal.disclosures import demo as disclosures_demo
    from portal.disclosures import offerings as disclosure_offerings
    from portal.disclosures import service
    from portal.disclosures.models import Disclosure
    from portal.disclosures.staff_views import bp as staff_bp
    from portal.disclosures.views import bp as public_bp
    from portal.i18n import _l
    from portal.institutions import offerings
    from portal.navigation import Link
    from portal.recusal import service as recusal

    app.register_blueprint(public_bp)
    app.register_blueprint(staff_bp)
    pagecache.watch(app, "disclosures", Disclosure)
    recusal.add_kind(app, recusal.Kind("disclosure", _l("Penalty disclosure"), service.for_staff,
                                       lambda d: d.region_code, lambda d: d.decision_number,
                                       "disclosure_staff.detail", "disclosure_id"))
    offerings.add_section(app, offerings.Section("disclosures", disclosure_offerings.for_institution))
    offerings.add_violation(app, offerings.Violation("penalised", disclosure_offerings.penalised))
    navigation.add(app, navigation.PUBLIC,
                   Link("disclosures.index", _l("Penalty disclosures"), 50, related=("disclosures.detail",)),
                   Link("disclosures.matters", _l("Enforcement matters"), 60))
    navigation.add(app, navigation.STAFF, Link(
        "disclosure_staff.index", _l("Disclosures"), 70, roles=("admin", "handler", "reviewer"),
        related=("disclosure_staff.new", "disclosure_staff.detail", "disclosure_staff.submit",
                 "disclosure_staff.review", "disclosure_staff.withdraw", "disclosure_staff.revocation",
                 "credit_repair_staff.repair", "publication_staff.index", "publication_staff.change",
                 "discretion_staff.discretion",
                 "discretion_staff.new_rule",
                 "discretion_staff.edit_rule")))
    demo.register(app, "disclosures", "demo penalty disclosures", disclosures_demo.seed,
                  after=("institutions", "accounts", "complaints", "discretion"))

"""Refund conduct (issue #21): institutions that repeatedly refuse refunds or break refund
agreements on the mediation track are flagged to staff and weigh more in inspection draws; only a
recorded decision (认定), proposed by one officer and approved by another, takes the whitelist's
"no unrectified violation" condition from them. Above `mediation` and `inspections`, which it reads
and feeds; neither knows it."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the staff pages and the menu entry; offer the registry a violation and a section of the
    public page, the inspection draws a weight source, and the registry page and the mediation panel
    their mark (the template global `refund_conduct_mark(institution_id)`)."""
    from portal import navigation, pagecache
    from portal.i18n import _l
    from portal.inspections import directories
    from portal.institutions import offerings as institution_offerings
    from portal.navigation import Link
    from portal.refund_conduct import flags, queries, service
    from portal.refund_conduct.models import ConductDecision
    from portal.refund_conduct.staff_views import bp, mark

    app.register_blueprint(bp)
    app.add_template_global(mark, "refund_conduct_mark")
    institution_offerings.add_violation(app, institution_offerings.Violation("refund_conduct", service.clause))
    institution_offerings.add_section(app, institution_offerings.Section("refund_conduct_finding",
                                                                         queries.finding_shown))
    directories.add_weight_source(app, flags.extra_weight)
    pagecache.watch(app, "institutions", ConductDecision)  # the "whitelisted only" lists change with a finding
    navigation.add(app, navigation.STAFF, Link("refund_conduct.index", _l("Refund conduct"), 96,
                                               roles=("admin", "handler", "reviewer"),
                                               related=("refund_conduct.institution",)))

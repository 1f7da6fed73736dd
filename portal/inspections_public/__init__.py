"""Random inspections in public: the list of draws, one draw with everything needed to recompute it,
its JSON and the standalone script, an institution's published results on its registry page, and
the demo draws (they reach into every part of a draw, so they live above it)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the public pages; add the results to the institution page, the menu entry and the demo
    draws `make run` shows."""
    from portal import demo, navigation
    from portal.i18n import _l
    from portal.inspections_public import demo as inspections_demo
    from portal.inspections_public import results
    from portal.inspections_public.views import bp
    from portal.institutions import offerings
    from portal.navigation import Link

    app.register_blueprint(bp)
    offerings.add_section(app, offerings.Section(
        "inspection_results", lambda institution, _today: results.results_for_institution(institution.id)))
    navigation.add(app, navigation.PUBLIC,
                   Link("inspections.index", _l("Random inspections"), 90, related=("inspections.detail",)))
    demo.register(app, "inspections", "demo inspection draws", inspections_demo.seed,
                  after=("institutions", "accounts", "supervisors"))

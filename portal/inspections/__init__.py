"""Random inspections (双随机): item lists, committed draws, recusal, published results."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the staff pages; add the verify command, the menu entry and the recount (the public pages
    and the demo draws are `portal.inspections_public`'s)."""
    from portal import navigation
    from portal.i18n import _l
    from portal.inspections import recompute
    from portal.inspections.cli import inspections_cli
    from portal.inspections.staff_views import bp as staff_bp
    from portal.inspections.views.items import bp as items_bp
    from portal.navigation import Link
    from portal.workdays import recompute as workdays_recompute

    app.register_blueprint(staff_bp)
    app.register_blueprint(items_bp)
    app.cli.add_command(inspections_cli)
    workdays_recompute.register(app, workdays_recompute.Recount(
        recompute.KIND, _l("Inspection draw"), recompute.FIELDS, recompute.recompute))
    navigation.add(app, navigation.STAFF, Link(
        "inspection_staff.index", _l("Inspections"), 100, roles=("admin", "handler", "reviewer"),
        related=("inspection_staff.detail", "inspection_staff.new", "inspection_items.item_list",
                 "inspection_items.item_edit", "inspection_staff.commit", "inspection_staff.draw",
                 "inspection_staff.recusal", "inspection_staff.result", "inspection_staff.publish")))

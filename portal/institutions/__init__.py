"""The registry of training institutions (校外培训机构), keyed by USCC where they have one."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the registry's public pages; add the menu entry and demo institutions."""
    from portal import demo, navigation, pagecache
    from portal.i18n import _l
    from portal.institutions import demo as institutions_demo
    from portal.institutions import service
    from portal.institutions.models import InspectionRecord, Institution, Premises
    from portal.institutions.views import bp
    from portal.navigation import Link
    from portal.search import cli as search_cli

    app.register_blueprint(bp)
    pagecache.watch(app, "institutions", Institution, Premises, InspectionRecord)
    search_cli.add_source(app, "institutions", service.reindex_names)
    navigation.add(app, navigation.PUBLIC,
                   Link("institutions.index", _l("Institutions"), 40, related=("institutions.detail",)))
    demo.register(app, "institutions", "institutions", institutions_demo.seed, after=("regions",))

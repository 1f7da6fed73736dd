"""Keeping the registry (登记管理): registry officers create and edit institutions (every version kept),
enter annual inspections, import files with a second officer's approval; licences about to expire."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the officers' pages; add the import command, the menu entry and the inbox notice."""
    from portal import navigation
    from portal.i18n import _l
    from portal.navigation import Link
    from portal.registry import notice
    from portal.registry.cli import registry_cli
    from portal.registry.views.imports import bp as imports_bp
    from portal.registry.views.institutions import bp

    app.register_blueprint(bp)
    app.register_blueprint(imports_bp)
    app.cli.add_command(registry_cli)
    app.add_template_global(notice.inbox_notice, "registry_inbox_notice")
    navigation.add(app, navigation.STAFF, Link(
        "registry.index", _l("Registry"), 95, roles=("admin", "handler", "reviewer"),
        related=("registry.detail", "registry.new", "registry.edit", "registry.close", "registry.inspection",
                 "registry_imports.index", "registry_imports.check", "registry_imports.detail",
                 "registry_imports.submit", "registry_imports.withdraw", "registry_imports.decide")))

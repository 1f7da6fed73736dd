"""Social supervisors (社会监督员): the appointed people and their terms, and the public list
(the workspace where they submit is `portal.observations`, the staff's pages `portal.supervision`)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the public list; add the sign-in check for the term and the demo supervisors."""
    from portal import demo
    from portal.accounts import sessions
    from portal.supervisors import demo as supervisors_demo
    from portal.supervisors import service
    from portal.supervisors.views import bp as public_bp

    sessions.add_sign_in_check(app, service.may_sign_in)
    app.register_blueprint(public_bp)
    demo.register(app, "supervisors", "demo social supervisors", supervisors_demo.seed,
                  after=("institutions", "accounts", "complaints", "typical"))

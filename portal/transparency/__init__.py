"""The audit log made checkable from outside: signed Merkle tree heads, their proofs, the public
/transparency page with monthly counts, and the commands that sign and check the heads."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the public page; add the signing commands to `flask audit` and the heads to its verify."""
    from portal.audit.cli import FURTHER_CHECKS, START_POINTS, audit_cli
    from portal.transparency import cli
    from portal.transparency.views import bp

    app.register_blueprint(bp)
    audit_cli.add_command(cli.checkpoint_command)
    audit_cli.add_command(cli.signing_key_command)
    if cli.verify_heads not in FURTHER_CHECKS:
        FURTHER_CHECKS.append(cli.verify_heads)
    if cli.start_point not in START_POINTS:
        START_POINTS.append(cli.start_point)

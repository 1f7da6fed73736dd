"""The discretion benchmark (裁量基准) and the enforcement matters catalogue built from it.

Its pages are the penalty disclosures' (`disclosure_staff.discretion`, `disclosures.matters`):
drafting a disclosure checks the penalty against it, so they are read and kept side by side."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Add the demo benchmark lines."""
    from portal import demo
    from portal.discretion import demo as discretion_demo

    demo.register(app, "discretion", "the discretion benchmark of 教育部令第53号", discretion_demo.seed_rules)

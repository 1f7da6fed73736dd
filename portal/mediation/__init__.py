"""The mediation track (调解, 市场监督管理投诉举报处理暂行办法 arts. 16–22): a parent who wants their
money back from an institution; the office's decision to mediate, the sessions, the agreement or
its failure with the written result, the parent's word on the money, the report track opened on a
violation the dispute revealed."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the pages; add the written results' kinds, the case page's panel, the inbox's marks and
    the tracking page's part (template globals the casework inbox and intake's case page call); hold
    the ordinary acceptance, conclusion and archiving while the track decides them; the demo disputes."""
    from portal import case_panels as panels
    from portal import case_tracks, demo
    from portal.institutions import offerings as institution_offerings
    from portal.mediation import demo as mediation_demo
    from portal.mediation import kinds, offerings, queries, track
    from portal.mediation.staff_views import bp as staff_bp
    from portal.mediation.views import bp, tracking_part
    from portal.notices import kinds as notice_kinds

    demo.register(app, "disputes", "demo refund disputes", mediation_demo.seed, after=("complaints",))
    case_tracks.add_hold(app, track.hold)  # the complaint's own states follow the track (track.py)
    case_tracks.add_final_result(app, track.final)
    app.register_blueprint(staff_bp)
    app.register_blueprint(bp)
    for kind in kinds.KINDS:
        notice_kinds.register(app, kind)
    panels.register(app, panels.Panel("mediation", "h-mediation", "mediation/case_panel.html", queries.panel, 6))
    app.add_template_global(queries.marks, "mediation_marks")
    app.add_template_global(tracking_part, "mediation_tracking")
    institution_offerings.add_section(app, institution_offerings.Section("refund_disputes",
                                                                         offerings.refunds_about))

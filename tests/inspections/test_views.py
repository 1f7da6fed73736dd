"""Random inspections through the pages: a handler prepares, commits and draws, records a
recusal and results and publishes them; the public page shows the commitment before the draw
(never the seed), then the draw, then the results; another jurisdiction's draw answers 404."""
import datetime as dt
import json
import re

import pytest
from flask import render_template

from portal import clock
from portal.accounts.models import Role
from portal.extensions import db
from portal.inspections import algorithm, published, service
from portal.inspections.models import DrawState, InspectionDraw, Recusal
from portal.inspections_public import results
from portal.security import crypto
from tests.support.forms import post_form
from tests.support.inspections import city_items, handler, prepare_draw


@pytest.fixture
def officer_client(signed_in):
    return signed_in(Role.HANDLER, "330106", username="insp.web", certificate="浙杭执字9301")


def state_of(draw_id):
    return db.session.get(InspectionDraw, draw_id).state


def test_the_form_keeps_the_input_and_says_what_is_wrong(app, officer_client):
    with app.app_context():
        item_ids = city_items()
    response = post_form(officer_client, "/staff/inspections/new?lang=en", "/staff/inspections/new",
                         title="第一批", items=str(item_ids[0]), ratio_percent="10", inspectors_per_target="1",
                         county="", kind="", licence_status="")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "At least 2 and at most 5 inspectors." in page
    assert 'value="第一批"' in page and 'value="10"' in page
    with app.app_context():
        assert db.session.query(InspectionDraw).filter_by(title="第一批").count() == 0


def test_prepare_commit_draw_recuse_record_publish(app, officer_client, signed_in):
    with app.app_context():
        item_ids = city_items()
    response = post_form(officer_client, "/staff/inspections/new", "/staff/inspections/new", title="网页流程抽查",
                         items=[str(i) for i in item_ids[:2]], ratio_percent="20", inspectors_per_target="2",
                         weighting="y", county="", kind="", licence_status="")
    assert response.status_code == 302, response.get_data(as_text=True)
    draw_url = response.headers["Location"]
    draw_id = int(draw_url.rsplit("/", 1)[1])
    public = f"/inspections/{draw_id}"
    assert officer_client.get(public).status_code == 404  # prepared: not public yet
    assert officer_client.get(f"{public}.json").status_code == 404

    source = "中国福利彩票双色球第2026143期开奖号码"
    with app.app_context():
        local_today = clock.today()
    tomorrow = (local_today + dt.timedelta(days=1)).isoformat()
    unnamed = post_form(officer_client, f"{draw_url}/commit?lang=en", draw_url, **{"commit-state": "prepared"})
    assert unnamed.status_code == 422 and "Name the public value" in unnamed.get_data(as_text=True)
    today = post_form(officer_client, f"{draw_url}/commit?lang=en", draw_url, **{
        "commit-state": "prepared", "commit-public_value_source": source,
        "commit-public_value_date": local_today.isoformat()})
    assert today.status_code == 422 and "the value must not exist yet" in today.get_data(as_text=True)
    assert source in today.get_data(as_text=True)  # what was typed is kept
    assert post_form(officer_client, f"{draw_url}/commit", draw_url, **{
        "commit-state": "prepared", "commit-public_value_source": source,
        "commit-public_value_date": tomorrow}).status_code == 302
    with app.app_context():
        draw = db.session.get(InspectionDraw, draw_id)
        seed = crypto.decrypt_text(draw.sealed_seed)
        commitment, targets_hash = draw.seed_commitment, draw.targets_sha256
    page = officer_client.get(public + "?lang=en").get_data(as_text=True)
    assert commitment in page and targets_hash in page and source in page
    assert seed not in page and "The draw has not been made yet" in page
    document = json.loads(officer_client.get(f"{public}.json").get_data(as_text=True))
    assert document["seed"] is None and document["seed_commitment"] == commitment
    assert seed not in officer_client.get(draw_url).get_data(as_text=True)  # nor in the back office

    # A page left open before the commit is out of date: its step is refused.
    assert post_form(officer_client, f"{draw_url}/commit", draw_url, **{"commit-state": "prepared"}).status_code == 409
    early = post_form(officer_client, f"{draw_url}/draw?lang=en", draw_url, **{
        "draw-state": "committed", "draw-public_value": "03 08 15 21 27 30 + 12"})
    assert early.status_code == 422 and "draw from that day on" in early.get_data(as_text=True)
    with app.app_context():  # the day comes
        db.session.get(InspectionDraw, draw_id).public_value_date = clock.today()
        db.session.commit()
    missing = post_form(officer_client, f"{draw_url}/draw?lang=en", draw_url, **{"draw-state": "committed"})
    assert missing.status_code == 422 and "Enter the public value named at the commitment" in missing.get_data(
        as_text=True)
    assert post_form(officer_client, f"{draw_url}/draw", draw_url, **{
        "draw-state": "committed", "draw-public_value": "０３ ０８ 15  21 27 30 + 12"}).status_code == 302
    page = officer_client.get(public + "?lang=en").get_data(as_text=True)
    assert seed in page and commitment in page and "03 08 15 21 27 30 + 12" in page  # as normalised
    document = json.loads(officer_client.get(f"{public}.json").get_data(as_text=True))
    assert document["public_value"] == "03 08 15 21 27 30 + 12" and algorithm.verify(document) == []
    assert algorithm.verify(dict(document, public_value="03 08 15 21 27 30 + 13")) != []  # the value counts
    with app.app_context():
        draw = db.session.get(InspectionDraw, draw_id)
        rows = published.assignments_of(draw)
        first, names = rows[0], [a.institution.name for a in rows]
        recused = next(i for i in first.inspector_id_list if i != officer_client.user_id)  # not their own
    for name in names:
        assert name in page
    assert re.search(rf'href="/institutions/{first.institution_id}"', page)

    response = post_form(officer_client, f"{draw_url}/recusal", draw_url, **{
        "recuse-state": "drawn", "recuse-pair": f"{first.id}:{recused}", "recuse-reason": "其配偶在该机构任职"})
    assert response.status_code == 302
    assert "stood down" not in officer_client.get(public + "?lang=en").get_data(as_text=True)  # proposed only
    with app.app_context():
        proposal_id = db.session.scalar(db.select(Recusal.id).filter_by(assignment_id=first.id, inspector_id=recused))
    confirm = f"{draw_url}/recusals/{proposal_id}/confirm"
    assert post_form(officer_client, confirm, draw_url, **{f"confirm{proposal_id}-state": "drawn"}).status_code == 409
    second = signed_in(Role.HANDLER, "330106", username="insp.web.second", certificate="浙杭执字9302")
    assert post_form(second, confirm, draw_url, **{f"confirm{proposal_id}-state": "drawn"}).status_code == 302
    page = officer_client.get(public + "?lang=en").get_data(as_text=True)
    assert "stood down" in page and "其配偶在该机构任职" not in page

    response = post_form(officer_client, f"{draw_url}/publish", draw_url, **{"publish-state": "drawn"})
    assert response.status_code == 409  # no results yet
    response = post_form(officer_client, f"{draw_url}/result?lang=en", draw_url, assignment=str(first.id), **{
        f"r{first.id}-state": "drawn", f"r{first.id}-outcome": "rectify", f"r{first.id}-note": ""})
    assert response.status_code == 422 and "Say what was found." in response.get_data(as_text=True)
    for row in rows:
        outcome, note = ("rectify", "安全出口被锁，责令立即整改") if row.id == first.id else ("no_problem", "")
        response = post_form(officer_client, f"{draw_url}/result", draw_url, assignment=str(row.id), **{
            f"r{row.id}-state": "drawn", f"r{row.id}-outcome": outcome, f"r{row.id}-note": note})
        assert response.status_code == 302
    page = officer_client.get(public + "?lang=en").get_data(as_text=True)
    assert "安全出口被锁" not in page  # not before publication
    assert post_form(officer_client, f"{draw_url}/publish", draw_url, **{"publish-state": "drawn"}).status_code == 302
    page = officer_client.get(public + "?lang=en").get_data(as_text=True)
    assert "安全出口被锁，责令立即整改" in page and "Ordered to rectify" in page
    with app.app_context():
        assert state_of(draw_id) is DrawState.PUBLISHED
        assert published.verify_stored(db.session.get(InspectionDraw, draw_id)).problems == []
    with app.test_request_context("/?lang=en"):
        html = render_template("inspections/_institution_results.html",
                               inspection_results=results.results_for_institution(first.institution_id))
    assert "网页流程抽查" in html and "安全出口被锁" in html and f"/inspections/{draw_id}" in html


def test_another_jurisdictions_draw_is_not_found(app, officer_client):
    with app.app_context():
        far = handler("insp.far.handler", "330108")
        draw = prepare_draw(far)
        db.session.commit()
        draw_id = draw.id
    assert officer_client.get(f"/staff/inspections/{draw_id}").status_code == 404
    response = post_form(officer_client, f"/staff/inspections/{draw_id}/commit", "/staff/inspections",
                         **{"commit-state": "prepared"})
    assert response.status_code == 404
    with app.app_context():
        assert state_of(draw_id) is DrawState.PREPARED


def test_the_public_list_shows_committed_draws_newest_first(app, client):
    with app.app_context():
        officer = handler()
        hidden_draw = prepare_draw(officer, title="尚未承诺的抽查")
        shown = prepare_draw(officer, title="刚刚承诺的抽查")
        service.commit(shown, officer)
        db.session.commit()
    page = client.get("/inspections?lang=en").get_data(as_text=True)
    assert "刚刚承诺的抽查" in page and "尚未承诺的抽查" not in page
    assert page.index("刚刚承诺的抽查") < page.index("2026年第三季度西湖区")
    assert hidden_draw.id


def test_the_public_draw_page_does_not_grow_queries_with_its_targets(app, client, count_queries):
    with app.app_context():
        small = db.session.query(InspectionDraw).filter(InspectionDraw.state == DrawState.PUBLISHED).first().id
        officer = handler()
        big = prepare_draw(officer, ratio_percent=100)
        service.commit(big, officer)
        service.reveal(big, officer)
        db.session.commit()
        big_id = big.id
    client.get(f"/inspections/{small}")
    with count_queries() as few:
        client.get(f"/inspections/{small}")
    with count_queries() as many:
        client.get(f"/inspections/{big_id}")
    assert many.count == few.count


def test_the_institution_page_shows_its_published_results(ctx, client):
    from sqlalchemy import select

    from portal.inspections.models import Assignment

    draw = db.session.scalar(select(InspectionDraw).where(InspectionDraw.state == DrawState.PUBLISHED))
    target = db.session.scalar(select(Assignment).where(Assignment.draw_id == draw.id).order_by(Assignment.rank))
    page = client.get(f"/institutions/{target.institution_id}?lang=en").get_data(as_text=True)
    section = page.split('id="h-inspection-results"')[1].split("</section>")[0]
    assert f'href="/inspections/{draw.id}"' in section and str(target.outcome.label) in section
    from portal.institutions.models import Institution

    drawn = select(Assignment.institution_id).where(Assignment.draw_id == draw.id)
    untouched = db.session.scalar(select(Institution.id).where(Institution.id.not_in(drawn)).limit(1))
    other = client.get(f"/institutions/{untouched}?lang=en").get_data(as_text=True)
    assert 'id="h-inspection-results"' not in other

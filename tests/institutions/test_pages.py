"""The institution page ("is this place safe to pay?") and the registry's whitelist filter."""
import re

from sqlalchemy import select, update

from portal import cellkey, clock
from portal.blacklist.models import BlacklistState
from portal.casework.models import Complaint, Status
from portal.extensions import db
from portal.institutions.models import AnnualInspection, Institution, LicenceStatus
from portal.typical.models import ArticleState
from tests.support import institutions as factories
from tests.support.pages import visible_text


def today(app):
    with app.test_request_context():
        return clock.today()


def make(app, **overrides) -> int:
    with app.app_context():
        institution = factories.institution(**overrides)
        db.session.commit()
        return institution.id


def concluded_text(app, complaint_ids: list[int]) -> str:
    """What the page says of these concluded complaints: their count as the cell-key method
    publishes it (portal.cellkey), "fewer than 5" below five."""
    with app.app_context():
        shown = cellkey.perturb(len(complaint_ids), cellkey.RecordKeys().cell("complaint", complaint_ids))
    if shown < 5:
        return "Fewer than 5 complaints about this institution have been concluded"
    return f"About {shown} complaints about this institution have been concluded"


def page_text(client, institution_id: int, lang: str = "en") -> str:
    response = client.get(f"/institutions/{institution_id}?lang={lang}")
    assert response.status_code == 200
    return visible_text(response.get_data(as_text=True))


def test_a_whitelisted_institution_says_so_first(client, app):
    text = page_text(client, make(app))
    assert text.index("On the whitelist") < text.index("Licence and registration")
    assert "Not on the whitelist" not in text and "On the blacklist" not in text
    assert "Not on the blacklist." in text and concluded_text(app, []) in text
    assert "3 months or 60 class hours" in text and "supervised fee account" in text


def test_the_reasons_are_given_when_not_whitelisted(client, app):
    text = page_text(client, make(app, licence_status=LicenceStatus.EXPIRED, on_national_platform=False,
                                  annual_inspection=AnnualInspection.FAILED))
    assert "Not on the whitelist" in text
    assert "No valid school-running licence (Licence expired)" in text
    assert "No passed annual inspection on record (Not passed, 2025)" in text
    assert "Not registered on the national supervision platform" in text
    assert "No business or civil-affairs registration" not in text


def test_a_blacklisted_institution_is_a_prominent_warning_with_its_entries(client, app):
    with app.app_context():
        institution = factories.institution()
        factories.blacklist_entry(institution, BlacklistState.LISTED)
        factories.blacklist_entry(institution, BlacklistState.REMOVED, listed_on=None)
        factories.blacklist_entry(institution, BlacklistState.PROPOSED)  # not public: never shown
        db.session.commit()
        institution_id = institution.id
    html = client.get(f"/institutions/{institution_id}?lang=en").get_data(as_text=True)
    assert html.index('role="alert"') < html.index("Licence and registration")
    text = visible_text(html)
    assert "On the blacklist: do not pay this institution" in text
    assert "An unrectified violation is on record: listed on the blacklist" in text
    assert text.count("Safety hazards") == 2 and "Proposed" not in text
    assert ("/blacklist/" in html) is ("blacklist.detail" in app.view_functions)


def test_disclosures_typical_cases_and_the_complaint_count(client, app):
    day = today(app)
    with app.app_context():
        institution = factories.institution()
        drafter = factories.staff("page_drafter")
        current = factories.disclosure(institution, day, drafter)
        factories.disclosure(institution, day, drafter, publication_end=day.replace(year=day.year - 1),
                             decision_date=day.replace(year=day.year - 2))  # over: not shown
        factories.typical_case(institution, drafter, title="鲸鱼座培训学校消防隐患案")
        factories.typical_case(institution, drafter, ArticleState.DRAFT, title="草稿不可见")
        complaints = list(db.session.scalars(select(Complaint.id).limit(3)))
        db.session.execute(update(Complaint).where(Complaint.id.in_(complaints[:2]))
                           .values(institution_id=institution.id, status=Status.CONCLUDED))
        db.session.execute(update(Complaint).where(Complaint.id == complaints[2])
                           .values(institution_id=institution.id, status=Status.IN_PROGRESS))
        db.session.commit()
        institution_id, decision = institution.id, current.decision_number
    html = client.get(f"/institutions/{institution_id}?lang=zh_CN").get_data(as_text=True)
    text = visible_text(html)
    assert decision in text and html.count("/disclosures/") == 1
    assert "鲸鱼座培训学校消防隐患案" in text and "草稿不可见" not in text
    english = page_text(client, institution_id)
    assert concluded_text(app, complaints[:2]) in english  # in progress: not counted
    assert "An unrectified violation is on record: a penalty decision is currently published" in english


def test_the_page_runs_a_fixed_number_of_queries(client, app, count_queries):
    bare = make(app, name="西湖区空白记录培训学校")
    day = today(app)
    with app.app_context():
        busy = factories.institution(name="西湖区多记录培训学校")
        drafter = factories.staff("count_drafter")
        for _ in range(3):
            factories.blacklist_entry(busy)
            factories.disclosure(busy, day, drafter)
            factories.typical_case(busy, drafter)
        db.session.commit()
        busy_id = busy.id
    with count_queries() as empty:
        client.get(f"/institutions/{bare}")
    with count_queries() as full:
        client.get(f"/institutions/{busy_id}")
    # one per section (the open complaints' count and the refund disputes among them; a refund-conduct finding)
    assert empty.count == full.count <= 13


def test_whitelisted_only_filter_works_without_script_and_paginates(client, app):
    whitelisted = make(app, name="西湖区白名单甲培训学校")
    expired = make(app, name="西湖区白名单乙培训学校", licence_status=LicenceStatus.EXPIRED)
    every = client.get("/institutions?q=白名单&lang=en").get_data(as_text=True)
    assert f"/institutions/{whitelisted}" in every and f"/institutions/{expired}" in every
    assert '<span class="badge badge--ok">On the whitelist</span>' in every
    assert '<span class="badge badge--warn">Licence expired</span>' in every
    only = client.get("/institutions?q=白名单&whitelisted=y&lang=en").get_data(as_text=True)
    assert f"/institutions/{whitelisted}" in only and f"/institutions/{expired}" not in only
    assert re.search(r'<input[^>]*checked[^>]*id="whitelisted"|<input[^>]*id="whitelisted"[^>]*checked', only)
    assert '<label class="checkbox__label" for="whitelisted">' in only
    listed = client.get("/institutions?whitelisted=y&lang=en").get_data(as_text=True)
    assert "badge--warn" not in listed and "badge--danger" not in listed
    assert "whitelisted=y" in listed  # the pager keeps the filter
    with app.app_context():
        assert db.session.get(Institution, whitelisted) is not None


def test_the_complaint_count_is_published_as_the_statistics_publish_it(client, app):
    """Perturbed by the cell-key method, with the key of the very complaints counted: the same
    number wherever it appears, never the exact one an outsider could set against /stats."""
    with app.app_context():
        institution = factories.institution()
        complaints = list(db.session.scalars(select(Complaint.id).order_by(Complaint.id).limit(8)))
        db.session.execute(update(Complaint).where(Complaint.id.in_(complaints))
                           .values(institution_id=institution.id, status=Status.CONCLUDED))
        db.session.commit()
        shown = cellkey.perturb(8, cellkey.RecordKeys().cell("complaint", reversed(complaints)))
        institution_id = institution.id
    english = page_text(client, institution_id)
    assert abs(shown - 8) <= cellkey.NOISE_BOUND and concluded_text(app, complaints) in english
    assert "8 complaints" not in english or shown == 8
    assert "涉及该机构的投诉已办结" in visible_text(client.get(f"/institutions/{institution_id}?lang=zh_CN")
                                           .get_data(as_text=True))

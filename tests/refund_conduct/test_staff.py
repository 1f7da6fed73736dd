"""The refund-conduct pages: the jurisdiction's flagged institutions (zh_CN and en), 404 outside the
jurisdiction, the proposal's checks beside the fields (422, input kept), four eyes on the page, the
marks on the registry page and the mediation panel, and the public page's plain reason."""
import datetime as dt
import re

import pytest

from portal import clock
from portal.accounts.models import Role
from portal.extensions import db
from portal.refund_conduct.models import ConductDecision
from tests.support.forms import csrf_token
from tests.support.institutions import institution
from tests.support.pages import visible_text
from tests.support.refund_conduct import flagged, mediation_case

REASON = "该机构一年内两次拒绝退费调解、一次不履行调解协议。"


@pytest.fixture
def today(app):
    with app.app_context():
        return clock.today()


@pytest.fixture
def target(app):
    """A flagged institution of 西湖区: (its id, its counting cases' ids, the first case's complaint id)."""
    with app.app_context():
        found = institution(name="西湖区退费不守约培训学校")
        cases = flagged(found, clock.today(), 2)
        db.session.commit()
        return found.id, [c.id for c in cases], cases[0].complaint_id


def _page(client, institution_id, lang="en"):
    return client.get(f"/staff/refund-conduct/{institution_id}?lang={lang}")


def _propose(client, institution_id, **fields):
    url = f"/staff/refund-conduct/{institution_id}"
    data = {"csrf_token": csrf_token(client, url), "finding-reason": REASON, "finding-told_on": "2026-01-02",
            **fields}
    return client.post(f"{url}/finding?lang=en", data=data)


def _decide(client, institution_id, decision_id, **fields):
    url = f"/staff/refund-conduct/{institution_id}"
    return client.post(f"/staff/refund-conduct/decisions/{decision_id}?lang=en",
                       data={"csrf_token": csrf_token(client, url), **fields})


def _latest(app, institution_id):
    with app.app_context():
        return db.session.scalars(db.select(ConductDecision).where(ConductDecision.institution_id == institution_id)
                                  .order_by(ConductDecision.id.desc())).first()


def test_the_list_shows_the_jurisdictions_flagged_institutions_in_both_languages(signed_in, target):
    handler = signed_in(Role.HANDLER, "330106", lang="zh_CN")
    page = handler.get("/staff/refund-conduct").get_data(as_text=True)
    assert "退费失信" in page and "西湖区退费不守约培训学校" in page
    assert f'href="/staff/refund-conduct/{target[0]}"' in page
    english = visible_text(handler.get("/staff/refund-conduct?lang=en").get_data(as_text=True))
    assert "Flagged institutions" in english and "2 / 2" in english and "Refund conduct" in english
    far = signed_in(Role.HANDLER, "110101")
    assert "西湖区退费不守约培训学校" not in far.get("/staff/refund-conduct").get_data(as_text=True)


def test_another_jurisdiction_gets_404(signed_in, target, app):
    far = signed_in(Role.HANDLER, "110101")
    assert _page(far, target[0]).status_code == 404
    assert _propose(far, target[0], **{"finding-cases": target[1]}).status_code == 404
    handler = signed_in(Role.HANDLER, "330106")
    assert _propose(handler, target[0], **{"finding-cases": target[1]}).status_code == 302
    decision = _latest(app, target[0])
    assert _decide(far, target[0], decision.id, **{"decide-decision": "approve"}).status_code == 404
    assert far.get("/staff/refund-conduct/999999999").status_code == 404


def test_a_proposal_is_checked_beside_its_fields_and_keeps_the_input(signed_in, target, app, today):
    handler = signed_in(Role.HANDLER, "330106")
    page = _page(handler, target[0]).get_data(as_text=True)
    assert "Propose a finding" in page and page.count('checked class="checkbox__input"') == 2
    answer = _propose(handler, target[0], **{"finding-reason": "", "finding-cases": target[1][:1],
                                             "finding-told_on": (today + dt.timedelta(days=3)).isoformat(),
                                             "finding-until": "next year"})
    assert answer.status_code == 422
    text = answer.get_data(as_text=True)
    assert 'id="error-summary"' in text and "Give the reason for the finding." in text
    assert "Enter the date as year-month-day" in text
    assert _latest(app, target[0]) is None
    wrong = _propose(handler, target[0], **{"finding-cases": target[1][:1]})
    assert wrong.status_code == 422 and "Choose every case the flag counts." in wrong.get_data(as_text=True)
    assert REASON in wrong.get_data(as_text=True)  # the reason typed is kept
    future = _propose(handler, target[0], **{"finding-cases": target[1],
                                             "finding-told_on": (today + dt.timedelta(days=1)).isoformat()})
    assert future.status_code == 422 and "Give a day up to today." in future.get_data(as_text=True)
    assert _latest(app, target[0]) is None


def test_propose_then_a_second_officer_approves_and_the_public_page_says_why(signed_in, target, app, client,
                                                                            today):
    handler = signed_in(Role.HANDLER, "330106")
    assert "On the whitelist" in client.get(f"/institutions/{target[0]}?lang=en").get_data(as_text=True)
    assert _propose(handler, target[0], **{"finding-cases": target[1]}).status_code == 302
    decision = _latest(app, target[0])
    own = _decide(handler, target[0], decision.id, **{"decide-decision": "approve"})
    assert own.status_code == 409 and "You proposed this" in own.get_data(as_text=True)
    assert "On the whitelist" in client.get(f"/institutions/{target[0]}?lang=en").get_data(as_text=True)
    reviewer = signed_in(Role.REVIEWER, "330106")
    unexplained = _decide(reviewer, target[0], decision.id, **{"decide-decision": "refuse"})
    assert unexplained.status_code == 422 and "Say why the proposal is refused." in unexplained.get_data(as_text=True)
    assert _decide(reviewer, target[0], decision.id, **{"decide-decision": "approve"}).status_code == 302
    day = today
    english = visible_text(client.get(f"/institutions/{target[0]}?lang=en").get_data(as_text=True))
    assert "Not on the whitelist" in english
    assert f"refunds refused or refund agreements not kept: decision of {day:%B} {day.day}, {day.year}" in english
    chinese = visible_text(client.get(f"/institutions/{target[0]}?lang=zh_CN").get_data(as_text=True))
    assert f"{day.year}年{day.month}月{day.day}日认定" in chinese and "未列入白名单" in chinese
    staff = visible_text(_page(handler, target[0], "zh_CN").get_data(as_text=True))
    assert "提议解除认定" in staff


def test_the_registry_page_and_the_mediation_panel_carry_the_mark(signed_in, target, app):
    handler = signed_in(Role.HANDLER, "330106")
    registry = visible_text(handler.get(f"/staff/registry/{target[0]}?lang=en").get_data(as_text=True))
    assert "Flagged for refund conduct" in registry and "2 mediation cases ended in the last 365 days" in registry
    case = visible_text(handler.get(f"/staff/cases/{target[2]}?lang=en").get_data(as_text=True))
    assert "Flagged for refund conduct" in case
    with app.app_context():
        calm = institution(name="西湖区守约培训学校")
        kept = mediation_case(calm, clock.today() - dt.timedelta(days=20))
        db.session.commit()
        calm_id, complaint_id = calm.id, kept.complaint_id
    assert "Flagged for refund conduct" not in handler.get(f"/staff/registry/{calm_id}?lang=en").get_data(as_text=True)
    assert "Flagged for refund conduct" not in handler.get(f"/staff/cases/{complaint_id}?lang=en").get_data(
        as_text=True)
    custodian = signed_in(Role.CUSTODIAN, "330106")
    assert custodian.get("/staff/refund-conduct").status_code == 403


def test_the_menu_offers_the_page_to_those_who_handle_cases(signed_in):
    page = signed_in(Role.REVIEWER, "330106").get("/staff/refund-conduct?lang=en").get_data(as_text=True)
    assert re.search(r'href="/staff/refund-conduct"[^>]*aria-current="page"', page) or \
        'aria-current="page" href="/staff/refund-conduct"' in page


def test_the_list_runs_a_fixed_number_of_queries(signed_in, target, app, count_queries):
    reviewer = signed_in(Role.REVIEWER, "330106")
    with count_queries() as one:
        reviewer.get("/staff/refund-conduct")
    with app.app_context():
        for n in range(3):
            flagged(institution(name=f"西湖区计数培训学校{n}"), clock.today(), 3)
        db.session.commit()
    with count_queries() as four:
        page = reviewer.get("/staff/refund-conduct").get_data(as_text=True)
    assert "西湖区计数培训学校2" in page
    assert four.count == one.count, four.statements

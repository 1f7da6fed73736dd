"""教育部令第53号's own penalty types are in the list, and every type is shown as a penalty
(暂扣许可证件, 吊销许可证件), never as the state a licence is in."""
from __future__ import annotations

import pytest

from portal.accounts.models import Role
from portal.disclosures import service
from portal.disclosures.models import PenaltyCategory as P
from portal.extensions import db
from portal.institutions.models import LicenceStatus
from tests.support.accounts import staff_user as user
from tests.support.disclosures import draft_disclosure


def test_the_53_order_types_are_penalty_categories():
    assert P("stop_enrolment") is P.STOP_ENROLMENT and P("stop_running") is P.STOP_RUNNING


@pytest.fixture
def published_id(app):
    with app.app_context():
        handler, reviewer = user("t.types.h", Role.HANDLER), user("t.types.r", Role.REVIEWER, "330100")
        penalties = [P.SUSPEND_LICENCE, P.REVOKE_LICENCE, P.STOP_ENROLMENT, P.STOP_RUNNING]
        disclosure = draft_disclosure(handler, penalties=penalties, fine_amount=None, outside_range_reason="测试")
        service.submit(disclosure, handler)
        service.review(disclosure, reviewer, True)
        db.session.commit()
        return disclosure.id


def test_types_are_shown_as_penalties_not_licence_states(client, published_id):
    page = client.get(f"/disclosures/{published_id}?lang=zh_CN").get_data(as_text=True)
    for label in ("暂扣许可证件", "吊销许可证件", "责令停止招收学员", "责令停止举办"):
        assert label in page
    assert "办学许可证已暂扣" not in page and "办学许可证已吊销" not in page
    english = client.get(f"/disclosures/{published_id}?lang=en").get_data(as_text=True)
    assert "Suspension of permits or licences" in english and "Order to stop enrolling students" in english
    assert "Licence suspended" not in english


def test_the_registry_keeps_its_licence_states(client):
    from flask_babel import force_locale

    with client.application.test_request_context(), force_locale("zh_CN"):
        assert str(LicenceStatus.SUSPENDED.label) == "办学许可证已暂扣"
        assert str(P.SUSPEND_LICENCE.label) == "暂扣许可证件"

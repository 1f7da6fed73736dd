"""Receipt recovery: a named reporter's mobile and case numbers, proved by a code sent by SMS (through
the real Tencent adapter to the local stand-in), give a new 查询码; the old one stops working. The
answers do not tell whether a pair matches; tries, time and requests are bounded; all is audited."""
import datetime as dt
import re

import pytest
from sqlalchemy import select

from portal import clock
from portal.extensions import db
from portal.receipt_recovery import service
from portal.receipt_recovery.models import RecoveryChallenge
from portal.security.audit import AuditRecord
from tests.support.complaints import MARKER_PHONE, file, named_identity, receipt_on, track
from tests.support.forms import open_form
from tests.support.pages import visible_text
from tests.support.tencent_sms import TEMPLATE_IDS


@pytest.fixture
def named(app):
    """A named reporter's case, committed: (case number, receipt)."""
    with app.app_context():
        filed = file(identity=named_identity())
        db.session.commit()
        return filed.complaint.case_number, filed.receipt


@pytest.fixture
def anonymous(app):
    with app.app_context():
        filed = file()
        db.session.commit()
        return filed.complaint.case_number, filed.receipt


def ask(client, phone, case_number, lang="zh_CN"):
    tokens = open_form(client, "/track/recover")
    return client.post(f"/track/recover?lang={lang}", data={**tokens, "phone": phone, "case_number": case_number})


def enter(client, code, lang="zh_CN"):
    tokens = open_form(client, "/track/recover/code")
    return client.post(f"/track/recover/code?lang={lang}", data={**tokens, "code": code})


def audit_actions(app) -> list[tuple[str, str]]:
    with app.app_context():
        return [(r.action, r.after) for r in db.session.scalars(
            select(AuditRecord).where(AuditRecord.action.like("receipt_recovery.%")).order_by(AuditRecord.id))]


def test_a_named_reporter_gets_a_new_receipt_code_and_the_old_one_stops_working(client, app, named, sms_provider):
    case_number, old = named
    assert 'href="/track/recover">忘记查询码' in client.get("/track?lang=zh_CN").get_data(as_text=True)  # the way in
    asked = ask(client, "+86 139 1234 5678", case_number)
    assert asked.status_code == 302 and asked.headers["Location"] == "/track/recover/code"
    [text] = sms_provider.texts_to(MARKER_PHONE)
    assert text.template_id == TEMPLATE_IDS["code"] and re.fullmatch(r"\d{6}", text.params[0])
    issued = enter(client, text.params[0])
    assert issued.status_code == 200
    page = issued.get_data(as_text=True)
    new = receipt_on(page)
    assert new != old and case_number in page
    # The new code opens the case (this browser is already on it); the old one opens nothing.
    assert client.get("/track/case").status_code == 200
    assert track(app.test_client(), old).status_code == 422
    assert track(app.test_client(), new).headers["Location"] == "/track/case"
    # The reporter is told by SMS; the texts carry the case number or the code, nothing else.
    recovered = sms_provider.texts_to(MARKER_PHONE)[-1]
    assert (recovered.template_id, recovered.params) == (TEMPLATE_IDS["recovered"], [case_number])
    records = audit_actions(app)
    assert [action for action, _after in records] == ["receipt_recovery.asked", "receipt_recovery.succeeded"]
    flat = str(records)
    assert MARKER_PHONE not in flat and text.params[0] not in flat and new.replace("-", "") not in flat
    with app.app_context():  # nothing of the request is left
        assert db.session.scalar(select(RecoveryChallenge)) is None


def test_a_case_page_opened_with_the_old_code_closes(client, app, named, sms_provider):
    case_number, old = named
    holder = app.test_client()
    assert track(holder, old).headers["Location"] == "/track/case"
    ask(client, MARKER_PHONE, case_number)
    enter(client, sms_provider.last_code_to(MARKER_PHONE))
    assert holder.get("/track/case").headers["Location"] == "/track"


@pytest.mark.parametrize("which", ["wrong phone", "wrong case", "anonymous case"])
def test_the_answer_is_the_same_whether_the_pair_matches_or_not(client, app, named, anonymous, sms_provider, which):
    matched = app.test_client()
    reference = ask(matched, MARKER_PHONE, named[0])
    phone, case_number = {"wrong phone": ("13800000000", named[0]),
                          "wrong case": (MARKER_PHONE, named[0][:-4] + "9999"),
                          "anonymous case": (MARKER_PHONE, anonymous[0])}[which]
    answer = ask(client, phone, case_number)
    assert (answer.status_code, answer.headers["Location"]) == (reference.status_code, reference.headers["Location"])
    assert visible_text(client.get("/track/recover/code").get_data(as_text=True)) == \
        visible_text(matched.get("/track/recover/code").get_data(as_text=True))
    assert len(sms_provider.received) == 1  # only the matching pair's code was sent
    # No code can be right for a pair that matched nothing (not even the one sent to the other browser).
    refused = enter(client, sms_provider.last_code_to(MARKER_PHONE))
    assert refused.status_code == 422 and "验证码不正确" in refused.get_data(as_text=True)
    assert [a for a, _after in audit_actions(app)].count("receipt_recovery.failed") == 1


def test_wrong_codes_are_refused_beside_the_field_and_end_the_request_after_five(client, app, named, sms_provider):
    case_number, old = named
    ask(client, MARKER_PHONE, case_number)
    right = sms_provider.last_code_to(MARKER_PHONE)
    wrong = f"{(int(right) + 1) % 10 ** 6:06d}"
    for _try in range(service.MAX_ATTEMPTS - 1):
        refused = enter(client, wrong)
        assert refused.status_code == 422
        assert f'value="{wrong}"' in refused.get_data(as_text=True)  # what they typed stays
    last = enter(client, wrong)
    assert last.status_code == 302 and last.headers["Location"] == "/track/recover"
    assert "次数过多" in client.get("/track/recover?lang=zh_CN").get_data(as_text=True)
    assert enter(client, right).headers["Location"] == "/track/recover"  # the request is gone
    assert track(app.test_client(), old).status_code == 302  # the old code still works
    failed = [after for action, after in audit_actions(app) if action == "receipt_recovery.failed"]
    assert len(failed) == service.MAX_ATTEMPTS and '"ended":true' in failed[-1]


def test_a_code_is_valid_for_five_minutes(app, named, sms_provider):
    with app.test_request_context():
        now = clock.now()
        token = service.ask(MARKER_PHONE, named[0], now)
        db.session.commit()  # the text leaves with the commit
        code = sms_provider.last_code_to(MARKER_PHONE)
        later = now + service.CODE_VALID + dt.timedelta(seconds=1)
        assert not service.pending(token, later)
        with pytest.raises(service.CodeNotAccepted):
            service.confirm(token, code, later)
        assert service.confirm(token, code, now + service.CODE_VALID).receipt


def test_the_code_is_stored_only_as_a_keyed_hash_and_the_number_sealed(app, named, sms_provider):
    with app.test_request_context():
        service.ask(MARKER_PHONE, named[0], clock.now())
        db.session.commit()
        code = sms_provider.last_code_to(MARKER_PHONE)
        challenge = db.session.scalar(select(RecoveryChallenge))
        stored = f"{challenge.token_digest}{challenge.code_digest}".encode() + challenge.phone_sealed
        assert code.encode() not in stored and MARKER_PHONE.encode() not in stored


def test_requests_are_limited_per_number_whoever_asks(app, named, sms_provider, monkeypatch):
    monkeypatch.setitem(app.config, "LIMIT_RECOVERY_PHONE", "2 per hour")
    for _request in range(2):
        assert ask(app.test_client(), MARKER_PHONE, named[0]).status_code == 302
    refused = ask(app.test_client(), "139 1234 5678", named[0])
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    assert "请在" in refused.get_data(as_text=True)
    assert ask(app.test_client(), "13800000000", named[0]).status_code == 302  # another number is not held up
    assert len(sms_provider.received) == 2


def test_requests_are_limited_per_client(client, app, named, monkeypatch):
    monkeypatch.setitem(app.config, "LIMIT_RECOVERY_CLIENT", "1 per hour")
    assert ask(client, "13800000001", named[0]).status_code == 302
    assert ask(client, "13800000002", named[0]).status_code == 429


def test_the_form_keeps_what_was_typed_and_says_what_is_wrong_beside_the_field(client, app):
    answer = ask(client, "0571-8765", "330106-20261122-0001", lang="en")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "11-digit mainland mobile number" in page and 'value="0571-8765"' in page
    assert 'value="330106-20261122-0001"' in page
    assert "<title>Error:" in page
    with app.app_context():
        assert db.session.scalar(select(RecoveryChallenge)) is None


def test_the_code_page_without_a_request_leads_to_the_form(client):
    assert client.get("/track/recover/code").headers["Location"] == "/track/recover"


def test_the_page_says_kindly_that_anonymous_cases_cannot_be_recovered(client):
    page = visible_text(client.get("/track/recover?lang=zh_CN").get_data(as_text=True))
    assert "匿名" in page
    english = visible_text(client.get("/track/recover?lang=en").get_data(as_text=True))
    assert "anonymously" in english and "cannot be replaced" in english

"""Reward decisions on concluded cases, what the reporter reads, and the claim at the office."""
import datetime as dt
from decimal import Decimal

import pytest

from portal import clock
from portal.accounts import service as accounts
from portal.accounts.models import Role
from portal.casework import deadlines
from portal.casework.models import Complaint, ComplaintEvent, EventKind, Status
from portal.extensions import db
from portal.rewards import service as rewards
from portal.rewards.models import Reward, RewardGrade
from portal.security import audit
from tests.support.accounts import signed_in_client as staff_client
from tests.support.complaints import MARKER_NAME, MARKER_PHONE, file, named_identity, track
from tests.support.forms import hidden
from tests.support.forms import post_form as post_page

G1, G2, G3, NONE = RewardGrade.FIRST, RewardGrade.SECOND, RewardGrade.THIRD, RewardGrade.NONE
# Monday 28 September 2026, 10:00 in Beijing: the National Day week follows, Saturday 10 October is worked.
BEFORE_NATIONAL_DAY = dt.datetime(2026, 9, 28, 2, 0, tzinfo=dt.timezone.utc)


# --- computing the amount -------------------------------------------------------------------

@pytest.mark.parametrize("grade, base, expected", [
    (G1, "20000", "5000.00"),  # 5% is ¥1,000: the grade-1 minimum applies
    (G1, "30000000", "1000000.00"),  # 5% is ¥1,500,000: held to the cap
    (G3, "123456.78", "1234.57"),  # 1% is 1,234.5678: rounded half up to the fen
    (G1, "100000.50", "5000.03"),  # 5,000.025: half up, not to even
    (G2, "200000", "6000.00"),
    (G2, "0", "3000.00"),  # no fines at all: the minimum
    (G3, "99999.99", "1000.00"),
])
def test_compute_share_minimum_and_cap_exactly(ctx, grade, base, expected):
    amount = rewards.compute(grade, Decimal(base), rewards.scales("330106"))
    assert isinstance(amount, Decimal) and str(amount) == expected


@pytest.mark.parametrize("base", [20000.0, Decimal("-1"), Decimal("12.345"), Decimal("NaN"),
                                  Decimal("1000000000000")])
def test_compute_refuses_floats_negatives_fractions_of_a_fen_and_overflow(ctx, base):
    with pytest.raises(rewards.InvalidAmount):
        rewards.compute(G1, base, rewards.scales("330106"))


# --- the decision (service) -----------------------------------------------------------------

@pytest.fixture
def reviewer(ctx):
    user, _ = accounts.create_user("rw.reviewer", "王审核", Role.REVIEWER, "330106", "浙杭审字0007")
    return user


@pytest.fixture
def handler(ctx):
    user, _ = accounts.create_user("rw.handler", "李承办", Role.HANDLER, "330106", "浙杭执字0042")
    return user


def concluded(status: Status = Status.CONCLUDED, **overrides):
    filed = file(**overrides)
    filed.complaint.status = status
    db.session.flush()
    return filed


def rewards_of(complaint: Complaint) -> int:
    return db.session.query(Reward).filter_by(complaint_id=complaint.id).count()


def test_decision_stores_exact_amounts_a_claim_deadline_in_working_days_and_a_public_entry(reviewer):
    complaint = concluded(identity=named_identity()).complaint
    reward = rewards.decide(complaint, reviewer, G1, Decimal("20000"), now=BEFORE_NATIONAL_DAY)
    db.session.expire_all()
    stored = db.session.get(Reward, reward.id)
    assert stored.computed_amount == stored.amount == Decimal("5000.00") and stored.base_amount == Decimal("20000")
    # 30 working days: 8 October … 13 November, with the holiday week off and Saturday 10 October worked.
    assert stored.claim_due == dt.date(2026, 11, 13)
    entry = db.session.query(ComplaintEvent).filter_by(complaint_id=complaint.id, kind=EventKind.REWARD).one()
    assert entry.public and "5,000.00" in entry.body and entry.actor_label == "王审核（浙杭审字0007）"
    assert MARKER_NAME not in entry.body and MARKER_PHONE not in entry.body
    record = audit.for_object("complaint", complaint.id)[-1]
    assert record.action == "reward.decided" and '"amount":"5000.00"' in record.after
    assert record.actor == f"user:{reviewer.id}"


def test_a_different_amount_needs_a_reason_and_nothing_is_stored_without_one(reviewer):
    complaint = concluded().complaint
    with pytest.raises(rewards.ReasonRequired):
        rewards.decide(complaint, reviewer, G2, Decimal("200000"), amount=Decimal("8000"), reason="  ")
    assert rewards_of(complaint) == 0
    reward = rewards.decide(complaint, reviewer, G2, Decimal("200000"), amount=Decimal("3000"),
                            reason="两名举报人举报同一线索，平分奖励。")
    assert reward.computed_amount == Decimal("6000.00") and reward.amount == Decimal("3000")


def test_no_reward_needs_a_reason(reviewer):
    complaint = concluded().complaint
    with pytest.raises(rewards.ReasonRequired):
        rewards.decide(complaint, reviewer, NONE)
    reward = rewards.decide(complaint, reviewer, NONE, reason="举报事项未查实。")
    assert reward.amount is None and reward.claim_due is None


def test_only_concluded_cases_and_only_reviewers_of_the_jurisdiction(reviewer, handler):
    for status in (Status.REGISTERED, Status.IN_PROGRESS, Status.UNDER_REVIEW, Status.NOT_ACCEPTED):
        with pytest.raises(rewards.NotConcluded):
            rewards.decide(concluded(status).complaint, reviewer, G3, Decimal("1000"))
    with pytest.raises(rewards.NotPermitted):
        rewards.decide(concluded().complaint, handler, G3, Decimal("1000"))
    outsider, _ = accounts.create_user("xn.reviewer", "西宁审核", Role.REVIEWER, "630103", "青宁审字1")
    with pytest.raises(rewards.NotPermitted):
        rewards.decide(concluded().complaint, outsider, G3, Decimal("1000"))
    assert rewards.decide(concluded(Status.ARCHIVED).complaint, reviewer, G3, Decimal("1000")).amount


def test_one_decision_per_case_then_corrections_with_a_reason_and_before_and_after(reviewer):
    complaint = concluded().complaint
    rewards.decide(complaint, reviewer, G3, Decimal("500000"))
    with pytest.raises(rewards.AlreadyDecided):
        rewards.decide(complaint, reviewer, G1, Decimal("500000"))
    with pytest.raises(rewards.ReasonRequired):
        rewards.correct(complaint, reviewer, G1, Decimal("500000"))
    reward = rewards.correct(complaint, reviewer, G1, Decimal("500000"), reason="复核认定属一级奖励情形。")
    assert reward.amount == Decimal("25000.00") and rewards_of(complaint) == 1
    record = audit.for_object("complaint", complaint.id)[-1]
    assert record.action == "reward.corrected" and record.reason == "复核认定属一级奖励情形。"
    assert '"amount":"5000.00"' in record.before and '"amount":"25000.00"' in record.after


# --- the claim (service) --------------------------------------------------------------------

def test_anonymous_claim_needs_this_cases_receipt(reviewer, handler):
    filed, other = concluded(), concluded()
    rewards.decide(filed.complaint, reviewer, G3, Decimal("1000"))
    for wrong in (other.receipt, "ZZZZ-ZZZZ-ZZZZ-ZZZZ", ""):
        with pytest.raises(rewards.ProofNotAccepted):
            rewards.record_claim(filed.complaint, handler, receipt=wrong)
    reward = rewards.record_claim(filed.complaint, handler, receipt=filed.receipt.lower())
    assert reward.claimed_at is not None and reward.claim_recorded_by_id == handler.id
    record = audit.for_object("complaint", filed.complaint.id)[-1]
    assert record.action == "reward.claimed" and '"proof":"receipt"' in record.after
    assert filed.receipt not in record.after + record.reason + reward.claim_note
    with pytest.raises(rewards.NothingToClaim):
        rewards.record_claim(filed.complaint, handler, receipt=filed.receipt)
    with pytest.raises(rewards.DecisionFinal):
        rewards.correct(filed.complaint, reviewer, NONE, reason="撤销")


def test_a_claim_after_the_deadline_is_refused(reviewer, handler):
    filed = concluded()
    reward = rewards.decide(filed.complaint, reviewer, G3, Decimal("1000"), now=BEFORE_NATIONAL_DAY)
    last_day = dt.datetime.combine(reward.claim_due, dt.time(15), tzinfo=dt.timezone.utc)  # 23:00 in Beijing
    with pytest.raises(rewards.ClaimPeriodOver):
        rewards.record_claim(filed.complaint, handler, receipt=filed.receipt, now=last_day + dt.timedelta(hours=2))
    assert rewards.record_claim(filed.complaint, handler, receipt=filed.receipt, now=last_day).claimed_at


def test_a_named_reporters_claim_records_how_identity_was_checked(reviewer, handler):
    complaint = concluded(identity=named_identity()).complaint
    rewards.decide(complaint, reviewer, G3, Decimal("1000"))
    with pytest.raises(rewards.ProofNotAccepted):
        rewards.record_claim(complaint, handler)
    reward = rewards.record_claim(complaint, handler, identity_check="经保管人批准，核对身份证原件一致。")
    assert reward.claim_note == "经保管人批准，核对身份证原件一致。"
    assert "经保管人批准" not in audit.for_object("complaint", complaint.id)[-1].after


def test_nothing_to_claim_without_a_reward(reviewer, handler):
    filed = concluded()
    with pytest.raises(rewards.NothingToClaim):
        rewards.record_claim(filed.complaint, handler, receipt=filed.receipt)
    rewards.decide(filed.complaint, reviewer, NONE, reason="举报人系该机构员工。")
    with pytest.raises(rewards.NothingToClaim):
        rewards.record_claim(filed.complaint, handler, receipt=filed.receipt)


# --- the pages ------------------------------------------------------------------------------

@pytest.fixture
def reviewer_client(app):
    return staff_client(app, "xh.reviewer", Role.REVIEWER, certificate="浙杭审字0007")


@pytest.fixture
def handler_client(app):
    return staff_client(app, "xh.handler", Role.HANDLER, certificate="浙杭执字0042")


def filed_case(app, status=Status.CONCLUDED, **overrides):
    with app.app_context():
        filed = concluded(status, **overrides)
        db.session.commit()
        return filed.complaint.id, filed.receipt


def stored_reward(app, complaint_id):
    with app.app_context():
        return db.session.query(Reward).filter_by(complaint_id=complaint_id).one_or_none()


def test_the_form_computes_and_refuses_a_different_amount_without_a_reason(app, reviewer_client):
    complaint_id, _ = filed_case(app)
    url = f"/staff/cases/{complaint_id}/reward?lang=en"
    response = post_page(reviewer_client, url, grade="3", base_amount="123,456.78", action="calculate")
    assert response.status_code == 200 and "Computed amount: CN¥1,234.57" in response.get_data(as_text=True)
    response = post_page(reviewer_client, url, grade="3", base_amount="123456.78", eligible="y", amount="2000",
                         reason="", action="record")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="reason-error"' in page
    assert "The amount differs from the computed CN¥1,234.57. Give the reason." in page
    assert 'value="123456.78"' in page and 'value="2000"' in page  # the input is kept
    assert stored_reward(app, complaint_id) is None
    response = post_page(reviewer_client, url, grade="3", base_amount="123456.78", eligible="y", action="record")
    assert response.status_code == 302 and response.headers["Location"] == f"/staff/cases/{complaint_id}"
    reward = stored_reward(app, complaint_id)
    assert reward.amount == Decimal("1234.57") and reward.decided_by_id == reviewer_client.user_id
    with app.app_context():
        assert "reward.decided" in [r.action for r in audit.for_object("complaint", complaint_id)]


def test_the_form_refuses_no_reward_without_a_reason_and_a_grade_without_the_eligibility_check(app, reviewer_client):
    complaint_id, _ = filed_case(app)
    url = f"/staff/cases/{complaint_id}/reward?lang=en"
    response = post_page(reviewer_client, url, grade="none", action="record")
    assert response.status_code == 422 and "Give the reason there is no reward." in response.get_data(as_text=True)
    response = post_page(reviewer_client, url, grade="1", base_amount="20000", action="record")
    assert response.status_code == 422 and 'id="eligible-error"' in response.get_data(as_text=True)
    response = post_page(reviewer_client, url, grade="1", base_amount="2万", eligible="y", action="record")
    assert response.status_code == 422 and 'id="base_amount-error"' in response.get_data(as_text=True)
    assert stored_reward(app, complaint_id) is None
    response = post_page(reviewer_client, url, grade="none", reason="举报人系被处罚机构的股东。", action="record")
    assert response.status_code == 302 and stored_reward(app, complaint_id).grade is NONE


def test_only_reviewers_of_the_jurisdiction_decide_and_only_on_concluded_cases(app, reviewer_client, handler_client):
    complaint_id, _ = filed_case(app)
    assert handler_client.get(f"/staff/cases/{complaint_id}/reward").status_code == 403
    elsewhere_id, _ = filed_case(app, region_code="630103")
    assert reviewer_client.get(f"/staff/cases/{elsewhere_id}/reward").status_code == 404
    open_id, _ = filed_case(app, status=Status.IN_PROGRESS)
    page = reviewer_client.get(f"/staff/cases/{open_id}/reward?lang=en").get_data(as_text=True)
    assert "only once the case is concluded" in page and 'name="grade"' not in page
    response = post_page(reviewer_client, f"/staff/cases/{open_id}/reward", grade="1", base_amount="1",
                         eligible="y", action="record")
    assert response.status_code == 409 and stored_reward(app, open_id) is None


def test_the_case_page_offers_the_decision_to_reviewers_and_shows_it_to_handlers(app, reviewer_client,
                                                                                handler_client):
    complaint_id, _ = filed_case(app)
    page = reviewer_client.get(f"/staff/cases/{complaint_id}?lang=en").get_data(as_text=True)
    assert f'href="/staff/cases/{complaint_id}/reward"' in page
    assert "/reward" not in handler_client.get(f"/staff/cases/{complaint_id}?lang=en").get_data(as_text=True)
    post_page(reviewer_client, f"/staff/cases/{complaint_id}/reward", grade="2", base_amount="200000",
              eligible="y", action="record")
    page = handler_client.get(f"/staff/cases/{complaint_id}?lang=en").get_data(as_text=True)
    assert "CN¥6,000.00" in page and f'href="/staff/cases/{complaint_id}/reward/claim"' in page


def test_the_reporter_sees_the_reward_and_the_claim_deadline_on_the_tracking_page(app, client, reviewer_client):
    complaint_id, receipt = filed_case(app)
    post_page(reviewer_client, f"/staff/cases/{complaint_id}/reward", grade="1", base_amount="30000000",
              eligible="y", action="record")
    reward = stored_reward(app, complaint_id)
    with app.app_context():
        decided_on = clock.local_date(reward.decided_at)
        assert reward.claim_due == deadlines.add_period(decided_on, rewards.claim_rule("330106")).day
    assert (reward.claim_due - decided_on).days >= 42  # 30 working days are at least six weeks
    assert track(client, receipt, lang="en").status_code == 302
    page = client.get("/track/case?lang=en").get_data(as_text=True)
    assert "Reward for your report" in page and "CN¥1,000,000.00" in page and "Grade 1" in page
    assert f"{reward.claim_due:%B} {reward.claim_due.day}, {reward.claim_due.year}" in page
    assert "Within 30 working days of this notice" in page and "your receipt code is your proof" in page


def test_the_reporter_reads_why_there_is_no_reward(app, client, reviewer_client):
    complaint_id, receipt = filed_case(app)
    post_page(reviewer_client, f"/staff/cases/{complaint_id}/reward", grade="none", reason="举报事项未查实。",
              action="record")
    track(client, receipt, lang="en")
    page = client.get("/track/case?lang=en").get_data(as_text=True)
    assert "No reward is granted" in page and "举报事项未查实。" in page and "How to claim" not in page


def test_an_anonymous_claim_with_the_wrong_receipt_is_refused_and_with_the_right_one_recorded(
        app, reviewer_client, handler_client):
    complaint_id, receipt = filed_case(app)
    _other_id, other_receipt = filed_case(app)
    post_page(reviewer_client, f"/staff/cases/{complaint_id}/reward", grade="3", base_amount="1000",
              eligible="y", action="record")
    url = f"/staff/cases/{complaint_id}/reward/claim?lang=en"
    messages = set()
    for wrong in (other_receipt, "ZZZZ-ZZZZ-ZZZZ-ZZZZ"):
        response = post_page(handler_client, url, receipt=wrong)
        page = response.get_data(as_text=True)
        assert response.status_code == 422 and 'id="receipt-error"' in page and wrong not in page
        messages.add(page.split('id="receipt-error">')[1].split("</p>")[0])
    assert len(messages) == 1  # another case's code and an unknown one get the same answer
    assert stored_reward(app, complaint_id).claimed_at is None
    response = post_page(handler_client, url, receipt=receipt)
    assert response.status_code == 302 and stored_reward(app, complaint_id).claimed_at is not None
    with app.app_context():
        assert [r.action for r in audit.for_object("complaint", complaint_id)][-1] == "reward.claimed"


def test_a_named_claim_notes_the_check_but_not_an_id_number(app, reviewer_client, handler_client):
    complaint_id, _ = filed_case(app, identity=named_identity())
    post_page(reviewer_client, f"/staff/cases/{complaint_id}/reward", grade="3", base_amount="1000",
              eligible="y", action="record")
    url = f"/staff/cases/{complaint_id}/reward/claim?lang=en"
    assert post_page(handler_client, url).status_code == 422
    response = post_page(handler_client, url, identity_check="核对身份证 11010519491231002X")
    assert response.status_code == 422 and 'id="identity_check-error"' in response.get_data(as_text=True)
    assert post_page(handler_client, url, identity_check="经保管人批准，核对身份证原件一致。").status_code == 302
    assert stored_reward(app, complaint_id).claim_note == "经保管人批准，核对身份证原件一致。"


def test_a_claim_after_the_deadline_is_refused_with_a_clear_message(app, handler_client):
    complaint_id, receipt = filed_case(app)
    with app.app_context():
        reviewer, _ = accounts.create_user("late.reviewer", "审核", Role.REVIEWER, "330106", "浙杭审字9")
        rewards.decide(db.session.get(Complaint, complaint_id), reviewer, G3, Decimal("1000"),
                       now=BEFORE_NATIONAL_DAY)  # to be claimed by 13 November 2026
        db.session.commit()
    url = f"/staff/cases/{complaint_id}/reward/claim?lang=en"
    page = handler_client.get(url).get_data(as_text=True)
    assert "The claim period ended on November 13, 2026" in page and 'name="receipt"' not in page
    response = handler_client.post(url, data={"csrf_token": hidden(page, "csrf_token"), "receipt": receipt})
    assert response.status_code == 409 and "The claim period ended" in response.get_data(as_text=True)
    assert stored_reward(app, complaint_id).claimed_at is None

"""Refund conduct: the flag (refusals and broken agreements in mediation cases ended in the last
365 days, at least the rule `refund_conduct_flag`), its weight in inspection draws, and the
finding that takes the whitelist's fifth condition only once a second officer approves it."""
import datetime as dt

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from portal import clock
from portal.accounts.models import Role
from portal.extensions import db
from portal.inspections import directories
from portal.institutions import whitelist
from portal.institutions.whitelist import Condition
from portal.refund_conduct import flags, service
from portal.refund_conduct.models import ConductDecision, DecisionState
from portal.rules import service as rules
from portal.security import audit
from portal.workflow import OwnWork, ReasonRequired, StepNotAllowed
from tests.support.accounts import staff_user
from tests.support.institutions import institution
from tests.support.refund_conduct import flagged, mediation_case

REASON = "该机构一年内两次拒绝退费调解、一次不履行调解协议。"


@pytest.fixture
def today(ctx):
    return clock.today()


@pytest.fixture
def officers(ctx):
    return {"proposer": staff_user("rc.proposer", Role.HANDLER, "330106"),
            "second": staff_user("rc.second", Role.REVIEWER, "330106"),
            "city": staff_user("rc.city", Role.HANDLER, "330100"),
            "admin": staff_user("rc.admin", Role.ADMIN, "330106"),
            "far": staff_user("rc.far", Role.HANDLER, "110101")}


def _propose(target, officer, today, **overrides):
    values = dict(reason=REASON, case_ids={c.id for c in flags.flag_of(target, today).cases},
                  told_on=today - dt.timedelta(days=3))
    values.update(overrides)
    return service.propose_finding(target, officer, values.pop("reason"), values.pop("case_ids"), **values)


def _approved(target, officers, today):
    found = _propose(target, officers["proposer"], today)
    service.decide(found, officers["second"], True)
    return found


def test_refusals_and_broken_agreements_of_the_last_year_count(today):
    target = institution()
    refused = mediation_case(target, today - dt.timedelta(days=10), refused=True)
    broken = mediation_case(target, today - dt.timedelta(days=364), broken=True)
    mediation_case(target, today - dt.timedelta(days=20))  # an agreement kept
    mediation_case(target, today - dt.timedelta(days=365), refused=True)  # a year ago: no longer counted
    flag = flags.flag_of(target, today)
    assert [c.id for c in flag.cases] == [broken.id, refused.id]
    assert (flag.refused, flag.broken, flag.threshold, flag.flagged) == (1, 1, 2, True)
    assert not flags.flag_of(target, today + dt.timedelta(days=2)).flagged  # the broken one ages out
    assert [f.institution_id for f in flags.flagged_in("3301", today)].count(target.id) == 1
    assert target.id not in {f.institution_id for f in flags.flagged_in("11", today)}


def test_the_threshold_is_the_provinces_rule(today):
    target = institution()
    flagged(target, today, 2)
    zhejiang = staff_user("rc.zj", Role.ADMIN, "330000")
    rules.change(zhejiang, "refund_conduct_flag", "33", "3", "浙江省规定（测试）",
                 now=clock.now() - dt.timedelta(days=2))
    flag = flags.flag_of(target, today)
    assert (len(flag.cases), flag.threshold, flag.flagged) == (2, 3, False)
    mediation_case(target, today - dt.timedelta(days=5), refused=True)
    assert flags.flag_of(target, today).flagged


def test_a_flagged_institution_weighs_two_more_in_a_draw_within_the_cap(today):
    target, other = institution(), institution(name="西湖区海豚座艺术培训学校")
    flagged(target, today, 2)
    mediation_case(other, today - dt.timedelta(days=30))
    mediation_case(other, today - dt.timedelta(days=40))  # as many complaints, agreements kept
    weights = directories.weights([target.id, other.id], today)
    assert weights == {other.id: 1 + 2, target.id: 1 + 2 + 2}  # two complaints each; the flag adds 2
    flagged(target, today - dt.timedelta(days=60), 1)
    assert directories.weights([target.id], today) == {target.id: directories.MAX_WEIGHT}  # 1 + 3 + 2, capped
    assert directories.weights([target.id], today + dt.timedelta(days=400)) == {target.id: 1}


def test_the_flag_alone_never_changes_the_whitelist(today):
    target = institution()
    flagged(target, today, 4)
    assert flags.flag_of(target, today).flagged
    assert whitelist.verdict(target.id, today).whitelisted


def test_an_approved_finding_takes_the_fifth_condition_until_lifted(today, officers):
    target = institution()
    flagged(target, today, 2)
    found = _propose(target, officers["proposer"], today)
    assert found.state is DecisionState.PROPOSED and whitelist.verdict(target.id, today).whitelisted
    service.decide(found, officers["second"], True)
    verdict = whitelist.verdict(target.id, today)
    assert verdict.unmet == [Condition.NO_VIOLATION] and verdict.refund_conduct and not verdict.blacklisted
    assert found.effective_on == today
    assert not db.session.scalar(sa.select(whitelist.whitelisted(today)).where(
        whitelist.Institution.id == target.id))  # the list filter agrees with the page
    lifting = service.propose_lifting(target, officers["proposer"], "机构已向全部家长退还约定款项。")
    assert not whitelist.verdict(target.id, today).whitelisted  # in force until the lifting is approved
    service.decide(lifting, officers["second"], True)
    assert found.lifted_on == today and whitelist.verdict(target.id, today).whitelisted
    assert whitelist.verdict(target.id, today - dt.timedelta(days=1)).unmet == []  # in force from approval


def test_a_finding_with_a_period_ends_by_itself(today, officers):
    target = institution()
    flagged(target, today, 2)
    found = _propose(target, officers["proposer"], today, until=today + dt.timedelta(days=90))
    service.decide(found, officers["second"], True)
    assert not whitelist.verdict(target.id, today + dt.timedelta(days=90)).whitelisted
    assert whitelist.verdict(target.id, today + dt.timedelta(days=91)).whitelisted


def test_the_proposer_cannot_approve_nor_can_another_office(today, officers):
    target = institution()
    flagged(target, today, 2)
    found = _propose(target, officers["proposer"], today)
    with pytest.raises(OwnWork):
        service.decide(found, officers["proposer"], True)
    with pytest.raises(StepNotAllowed):
        service.decide(found, officers["city"], True)  # covers the county, but not the proposing office
    with pytest.raises(StepNotAllowed):
        service.decide(found, officers["admin"], True)  # not a certified role
    with pytest.raises(StepNotAllowed):
        service.propose_finding(target, officers["far"], REASON, set(), today)
    assert found.state is DecisionState.PROPOSED


def test_the_table_refuses_an_approval_by_the_proposer(today, officers):
    target = institution()
    flagged(target, today, 2)
    found = _propose(target, officers["proposer"], today)
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            db.session.execute(sa.update(ConductDecision).where(ConductDecision.id == found.id).values(
                state=DecisionState.APPROVED, decided_by_id=found.proposed_by_id, decided_at=clock.now(),
                effective_on=today))


def test_a_refusal_needs_its_reason_and_changes_nothing(today, officers):
    target = institution()
    flagged(target, today, 2)
    found = _propose(target, officers["proposer"], today)
    with pytest.raises(ReasonRequired):
        service.decide(found, officers["second"], False, "  ")
    service.decide(found, officers["second"], False, "机构已提交退款凭证，待核实。")
    assert found.state is DecisionState.REFUSED and whitelist.verdict(target.id, today).whitelisted
    assert _propose(target, officers["proposer"], today).state is DecisionState.PROPOSED  # may be proposed again


def test_a_proposal_needs_the_flag_its_cases_and_sensible_days(today, officers):
    target = institution()
    cases = flagged(target, today, 1)
    with pytest.raises(service.NotFlagged):
        _propose(target, officers["proposer"], today)
    cases += flagged(target, today - dt.timedelta(days=5), 1)
    old = mediation_case(target, today - dt.timedelta(days=500), refused=True)
    kept = mediation_case(target, today - dt.timedelta(days=50))
    with pytest.raises(service.CasesMissing):
        _propose(target, officers["proposer"], today, case_ids={cases[0].id})
    with pytest.raises(service.CasesMissing):
        _propose(target, officers["proposer"], today, case_ids={c.id for c in cases} | {kept.id})
    with pytest.raises(service.DayOutOfRange):
        _propose(target, officers["proposer"], today, told_on=today + dt.timedelta(days=1))
    with pytest.raises(service.DayOutOfRange):
        _propose(target, officers["proposer"], today, until=today)
    with pytest.raises(ReasonRequired):
        _propose(target, officers["proposer"], today, reason=" ")
    with pytest.raises(StepNotAllowed):
        _propose(target, officers["second"], today)  # a legal reviewer approves; handlers propose
    found = _propose(target, officers["proposer"], today, case_ids={c.id for c in cases} | {old.id})
    rests_on = service.decisions_of(target)[0].cases
    assert found.id == service.decisions_of(target)[0].id
    assert sorted(c.mediation_case_id for c in rests_on) == sorted([*[c.id for c in cases], old.id])
    with pytest.raises(service.AlreadyOpen):
        _propose(target, officers["proposer"], today)


def test_every_step_is_audited_without_the_written_reasons(today, officers):
    target = institution()
    flagged(target, today, 2)
    found = _approved(target, officers, today)
    lifting = service.propose_lifting(target, officers["proposer"], "机构已向全部家长退还约定款项。")
    service.decide(lifting, officers["second"], False, "尚有一名家长未收到退款。")
    actions = [r.action for r in audit.for_object("refund_conduct_decision", found.id)]
    assert actions == ["refund_conduct.propose_finding", "refund_conduct.approve_finding"]
    assert [r.action for r in audit.for_object("refund_conduct_decision", lifting.id)] == [
        "refund_conduct.propose_lifting", "refund_conduct.refuse_lifting"]
    records = audit.for_object("refund_conduct_decision", found.id) + \
        audit.for_object("refund_conduct_decision", lifting.id)
    assert all(REASON not in (r.after or "") + (r.reason or "") for r in records)
    assert all("家长" not in (r.after or "") + (r.reason or "") for r in records)
    assert not whitelist.verdict(target.id, today).whitelisted  # the refused lifting left it in force

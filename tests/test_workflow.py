"""The workflow engine itself: each check refuses what it should, a refusal changes nothing, and
a step taken moves the state, records the feature's history and writes one audit record."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum

import pytest

from portal import workflow
from portal.accounts import service as accounts
from portal.accounts.models import Role
from portal.errors import Conflict, Invalid
from portal.security.audit import for_object
from portal.workflow import review as reviewing

NOW = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.timezone.utc)


class Light(Enum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"


@dataclass
class Record:
    """A stand-in for a feature's row: the engine needs only these attributes."""

    id: int
    region_code: str = "330106"
    state: Light = Light.GREEN
    drafter_id: int = 0
    changed: list[str] = field(default_factory=list)


HANDLERS = {Role.HANDLER, Role.ADMIN}
STEPS = [
    workflow.step("warn", {Light.GREEN}, Light.AMBER, HANDLERS),
    workflow.step("stop", {Light.AMBER}, Light.RED, {Role.REVIEWER}, other_than_author=True, reason=True),
    workflow.step("sign", {Light.AMBER}, None, {Role.ADMIN}, certificate=True, action="signed"),
    workflow.step("note", {Light.GREEN, Light.AMBER}, None, HANDLERS, audit_state=False),
]


def history(record: Record, moved: workflow.Moved, actor) -> str:
    entry = f"{moved.from_state.value}->{moved.to_state.value} by {actor.id}: {moved.reason}"
    record.changed.append(entry)
    return entry


FLOW = workflow.Workflow("test_light", "light", STEPS, authors=reviewing.drafter, history=history)


def user(username: str, role: Role, region: str = "330106"):
    certificate = f"证{username}" if role in (Role.HANDLER, Role.REVIEWER) else None
    return accounts.create_user(username, username, role, region, certificate)[0]


@pytest.fixture
def people(ctx):
    return {"handler": user("wf.handler", Role.HANDLER), "reviewer": user("wf.reviewer", Role.REVIEWER, "330100"),
            "admin": user("wf.admin", Role.ADMIN), "far": user("wf.far", Role.HANDLER, "330108")}


def actions(record: Record) -> list[str]:
    return [entry.action for entry in for_object("test_light", record.id)]


def refused(record: Record, exception: type[Exception], name: str, actor, reason: str = "") -> None:
    """The step raises `exception` and leaves no trace: same state, no history, no audit."""
    before = record.state
    with pytest.raises(exception):
        FLOW.take(record, name, actor, reason, now=NOW)
    assert record.state is before and record.changed == [] and actions(record) == []


def test_a_step_moves_the_state_records_the_history_and_audits_it(people):
    record = Record(id=9001)
    moved = FLOW.take(record, "warn", people["handler"], "  first warning  ", now=NOW)
    assert record.state is Light.AMBER
    assert (moved.from_state, moved.to_state, moved.at) == (Light.GREEN, Light.AMBER, NOW)
    assert moved.reason == "first warning"
    assert moved.entry == record.changed[0] == f"green->amber by {people['handler'].id}: first warning"
    [entry] = for_object("test_light", record.id)
    assert (entry.action, entry.actor, entry.reason) == ("light.warn", f"user:{people['handler'].id}", "first warning")
    assert entry.before == '{"state":"green"}' and entry.after == '{"state":"amber"}'


def test_a_step_not_allowed_from_the_state_is_refused(people):
    refused(Record(id=9002), workflow.StepNotAllowed, "stop", people["reviewer"], "too late")
    refused(Record(id=9003, state=Light.RED), workflow.StepNotAllowed, "warn", people["handler"])


def test_an_unknown_step_is_refused(people):
    refused(Record(id=9004), workflow.StepNotAllowed, "no_such_step", people["handler"])


def test_another_role_is_refused(people):
    refused(Record(id=9005), workflow.StepNotAllowed, "warn", people["reviewer"])
    refused(Record(id=9006, state=Light.AMBER), workflow.StepNotAllowed, "stop", people["handler"], "reason")


def test_an_inactive_account_is_refused(people):
    people["handler"].active = False
    refused(Record(id=9007), workflow.StepNotAllowed, "warn", people["handler"])


def test_a_record_outside_the_jurisdiction_is_refused(people):
    refused(Record(id=9008), workflow.StepNotAllowed, "warn", people["far"])
    refused(Record(id=9009, region_code="630102", state=Light.AMBER), workflow.StepNotAllowed, "stop",
            people["reviewer"], "reason")


def test_a_formal_step_needs_an_enforcement_certificate(people):
    admin = people["admin"]
    record = Record(id=9010, state=Light.AMBER)
    refused(record, workflow.CertificateRequired, "sign", admin)
    admin.certificate_number = "证wf.admin"
    FLOW.take(record, "sign", admin, now=NOW)
    assert record.state is Light.AMBER and actions(record) == ["light.signed"]


def test_the_author_may_not_take_a_step_that_needs_someone_else(people):
    reviewer = people["reviewer"]
    record = Record(id=9011, state=Light.AMBER, drafter_id=reviewer.id)
    refused(record, workflow.OwnWork, "stop", reviewer, "my own")
    assert "stop" not in FLOW.allowed(reviewer, record)
    record.drafter_id = people["handler"].id
    assert FLOW.allowed(reviewer, record) == ["stop"]
    FLOW.take(record, "stop", reviewer, "someone else's", now=NOW)
    assert record.state is Light.RED


def test_a_step_that_needs_a_reason_refuses_blank_words(people):
    record = Record(id=9012, state=Light.AMBER)
    refused(record, workflow.ReasonRequired, "stop", people["reviewer"], "")
    refused(record, workflow.ReasonRequired, "stop", people["reviewer"], "   ")


def test_a_refusal_by_the_feature_changes_nothing(people):
    def change(now: dt.datetime) -> dict:
        raise ValueError("the feature's own rule")

    record = Record(id=9013)
    with pytest.raises(ValueError):
        FLOW.take(record, "warn", people["handler"], change=change, now=NOW)
    assert record.state is Light.GREEN and record.changed == [] and actions(record) == []


def test_the_feature_adds_its_effects_and_may_name_the_outcome(people):
    record = Record(id=9014, state=Light.AMBER)
    FLOW.take(record, "note", people["handler"], "noted", change=lambda now: {"noted": now.isoformat()},
              before={"previous": "none"}, target=Light.GREEN, action="rewound", now=NOW)
    [entry] = for_object("test_light", record.id)
    assert record.state is Light.GREEN and entry.action == "light.rewound"
    assert entry.before == '{"previous":"none"}' and entry.after == f'{{"noted":"{NOW.isoformat()}"}}'


def test_allowed_and_possible_steps(people):
    record = Record(id=9015)
    assert FLOW.allowed(people["handler"], record) == ["warn", "note"]
    assert FLOW.allowed(people["reviewer"], record) == []
    assert FLOW.allowed(people["far"], record) == []
    assert FLOW.possible(record) == ["warn", "note"]


def test_the_features_own_guard_refuses_too(people):
    guarded = workflow.Workflow("test_light", "light", STEPS,
                                guard=lambda user, record, found: user.region_code != "330106")
    record = Record(id=9016)
    assert guarded.allowed(people["handler"], record) == []
    with pytest.raises(workflow.StepNotAllowed):
        guarded.take(record, "warn", people["handler"], now=NOW)
    assert record.state is Light.GREEN and actions(record) == []
    assert FLOW.allowed(people["handler"], record) == ["warn", "note"]


def test_require_checks_who_starts_a_record(people):
    workflow.require(people["handler"], HANDLERS, "create", "330106")
    with pytest.raises(workflow.StepNotAllowed):
        workflow.require(people["reviewer"], HANDLERS, "create", "330106")
    with pytest.raises(workflow.StepNotAllowed):
        workflow.require(people["far"], HANDLERS, "create", "330106")
    with pytest.raises(workflow.StepNotAllowed):
        FLOW.check(people["far"], None, "warn", "330106")


def test_refusals_answer_with_the_shared_statuses():
    assert issubclass(workflow.StepNotAllowed, Conflict) and workflow.StepNotAllowed.status == 409
    assert issubclass(workflow.OwnWork, workflow.StepNotAllowed)
    assert issubclass(workflow.CertificateRequired, workflow.StepNotAllowed)
    assert issubclass(workflow.ReasonRequired, Invalid) and workflow.ReasonRequired.status == 422


@dataclass
class Case:
    """A feature's row whose state is kept under another name."""

    id: int
    status: Light = Light.GREEN
    region_code: str = "330106"


def test_the_state_may_live_under_another_name_and_the_words_stay_out_of_the_audit(people):
    steps = [workflow.step("warn", {Light.GREEN}, Light.AMBER, HANDLERS, reason=True, audit_reason=False)]
    flow = workflow.Workflow("test_light", "light", steps, state="status",
                             history=lambda record, moved, actor: moved.reason)
    record = Case(id=9017)
    assert flow.possible(record) == ["warn"] and flow.allowed(people["handler"], record) == ["warn"]
    with pytest.raises(workflow.ReasonRequired):
        flow.take(record, "warn", people["handler"], " ", now=NOW)
    moved = flow.take(record, "warn", people["handler"], "internal words", now=NOW)
    assert record.status is Light.AMBER and moved.entry == "internal words" and not hasattr(record, "state")
    [entry] = for_object("test_light", record.id)
    assert entry.before == '{"status":"green"}' and entry.after == '{"status":"amber"}' and entry.reason == ""
    with pytest.raises(workflow.StepNotAllowed):
        flow.take(record, "warn", people["handler"], "again", now=NOW)

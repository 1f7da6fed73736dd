"""Audit actors named as people: `accounts.actors`, shared by the audit log and the case page."""
from portal.accounts import actors
from portal.accounts.models import Role
from tests.support.accounts import staff_user


def test_an_account_is_named_with_its_role(ctx):
    handler = staff_user("actor.handler", Role.HANDLER, display_name="王执法")
    custodian = staff_user("actor.custodian", Role.CUSTODIAN, display_name="李保管")
    with ctx.test_request_context("/?lang=en"):  # the role's label is in the page's language
        named = actors.named([f"user:{handler.id}", f"user:{custodian.id}", "system", "reporter:x", "user:999999"])
    assert named == {
        f"user:{handler.id}": actors.Actor("王执法", "Enforcement officer (case handler)", "actor.handler"),
        f"user:{custodian.id}": actors.Actor("李保管", "Identity custodian", "actor.custodian"),
    }


def test_only_plain_account_numbers_are_read():
    assert actors.user_id("user:12") == 12
    for other in ("user:", "user:１２", "user:12; drop", "user:" + "9" * 12, "system", "reporter:12"):
        assert actors.user_id(other) is None


def test_nothing_asked_costs_no_query(ctx, count_queries):
    with count_queries() as counter:
        assert actors.named(["system", "client"]) == {}
    assert counter.count == 0

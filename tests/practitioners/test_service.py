"""The register's rules: an entry only from a published decision of the jurisdiction carrying an
occupational ban; the ID number checked (GB 11643 for a resident ID) and kept only as a keyed
hash and a masked form; the exact check by name and number across the register, audited without
the name or number; the period (lifelong without end; an early end); the blacklist link."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from portal import workflow
from portal.accounts.models import Role
from portal.blacklist.models import BlacklistReason
from portal.disclosures.models import PenaltyCategory as P
from portal.extensions import db
from portal.practitioners import documents, service
from portal.practitioners.models import DocumentType, PractitionerBan
from portal.security import crypto
from portal.security.audit import AuditRecord
from tests.support.accounts import staff_user as user
from tests.support.blacklist import propose_entry
from tests.support.practitioners import ban_decision, register, resident_id

TODAY = dt.date(2026, 12, 1)


@pytest.fixture
def people(ctx):
    return {"handler": user("pr.handler", Role.HANDLER), "reviewer": user("pr.reviewer", Role.REVIEWER, "330100"),
            "far": user("pr.far", Role.HANDLER, "630104"), "far_reviewer": user("pr.far.rev", Role.REVIEWER, "630100"),
            "custodian": user("pr.custodian", Role.CUSTODIAN)}


@pytest.fixture
def decision(people):
    return ban_decision(people["handler"], people["reviewer"])


def test_the_number_is_kept_only_as_a_keyed_hash_and_a_masked_form(people, decision):
    number = resident_id()
    ban = register(people["handler"], decision, number=number.lower().replace("3", "３", 1))  # typed sloppily
    db.session.flush()
    stored = db.session.execute(select(PractitionerBan.__table__).where(PractitionerBan.id == ban.id)).mappings().one()
    assert number not in json.dumps({k: str(v) for k, v in stored.items()}, ensure_ascii=False)
    assert ban.id_masked == number[:4] + "*" * 10 + number[-4:]
    assert ban.id_digest == crypto.matching_digest(documents.DIGEST_PURPOSE, number)
    records = db.session.scalars(select(AuditRecord).where(AuditRecord.action.like("practitioner.%"))).all()
    assert records and all(number not in r.after and "王某某" not in r.after for r in records)


def test_a_resident_id_must_pass_the_check_character_other_documents_only_their_shape(people, decision):
    wrong = resident_id()[:17] + ("0" if resident_id()[17] != "0" else "1")
    with pytest.raises(service.InvalidBan) as refused:
        register(people["handler"], decision, number=wrong)
    assert refused.value.args == ("number",)
    with pytest.raises(service.InvalidBan):
        register(people["handler"], decision, number="33010619851332123X")  # no 32 March
    passport = register(people["handler"], decision, document_type=DocumentType.PASSPORT, number="e 1234 5678")
    assert passport.id_masked == "E1*****78"
    with pytest.raises(service.InvalidBan):
        register(people["handler"], decision, document_type=DocumentType.HK_MACAO_PERMIT, number="H1")
    assert db.session.scalars(select(PractitionerBan.id).where(PractitionerBan.disclosure_id == decision.id)).all() \
        == [passport.id]


def test_only_a_published_ban_decision_of_the_jurisdiction(people, decision):
    fine = ban_decision(people["handler"], people["reviewer"], number="杭西教罚〔2026〕802号",
                        penalties=[P.WARNING], penalty_content="警告", valid_until=None, months=12,
                        outside_range_reason="")
    with pytest.raises(service.InvalidBan) as refused:
        register(people["handler"], fine)
    assert refused.value.args == ("not_a_ban",)
    with pytest.raises(service.InvalidBan) as refused:
        register(people["far"], decision)  # 西湖区's decision, from 城东区 (Xining)
    assert refused.value.args == ("decision_number",)
    with pytest.raises(workflow.StepNotAllowed):
        register(people["reviewer"], decision)  # a reviewer reads and checks, never enters
    with pytest.raises(service.InvalidBan) as refused:
        register(people["handler"], decision, starts_on=decision.decision_date - dt.timedelta(days=1))
    assert refused.value.args == ("starts_on",)


def test_lifelong_only_from_a_lifelong_decision_and_without_an_end(people, decision):
    with pytest.raises(service.InvalidBan) as refused:
        register(people["handler"], decision, lifelong=True, ends_on=None)
    assert refused.value.args == ("lifelong",)
    lifelong = ban_decision(people["handler"], people["reviewer"], number="杭西教罚〔2026〕803号", lifelong=True)
    with pytest.raises(service.InvalidBan):
        register(people["handler"], lifelong, ends_on=dt.date(2030, 1, 1))
    ban = register(people["handler"], lifelong)
    assert ban.lifelong and ban.ends_on is None and ban.in_force(dt.date(2090, 1, 1))


def test_the_same_person_twice_under_one_decision_is_refused(people, decision):
    first = register(people["handler"], decision)
    with pytest.raises(service.AlreadyRegistered) as refused:
        register(people["handler"], decision, name="王 某某")
    assert refused.value.args == (first.id,)


def test_the_check_needs_the_exact_name_and_number_and_is_audited(people, decision):
    ban = register(people["handler"], decision)
    checker = people["far"]  # a ban binds wherever the person seeks work
    found = service.check(checker, "王某某", DocumentType.RESIDENT_ID, resident_id(), TODAY)
    assert [b.id for b in found.in_force] == [ban.id] and found.masked == ban.id_masked
    assert service.check(checker, "王某", DocumentType.RESIDENT_ID, resident_id(), TODAY).in_force == []
    other = resident_id("33010619850312124")
    assert service.check(checker, "王某某", DocumentType.RESIDENT_ID, other, TODAY).in_force == []
    assert service.check(checker, " 王 某某 ", DocumentType.RESIDENT_ID, resident_id().lower(), TODAY).in_force
    with pytest.raises(service.InvalidBan):
        service.check(checker, "王某某", DocumentType.RESIDENT_ID, resident_id()[:17] + "Y", TODAY)
    records = db.session.scalars(select(AuditRecord).where(AuditRecord.action == "practitioner.checked")
                                 .order_by(AuditRecord.id)).all()
    assert [(r.actor, json.loads(r.after)["in_force"]) for r in records] == [
        (f"user:{checker.id}", True), (f"user:{checker.id}", False), (f"user:{checker.id}", False),
        (f"user:{checker.id}", True)]
    assert json.loads(records[0].after)["entries"] == [ban.id]
    assert all(resident_id() not in r.after and "王某某" not in r.after for r in records)
    with pytest.raises(workflow.StepNotAllowed):
        service.check(people["custodian"], "王某某", DocumentType.RESIDENT_ID, resident_id(), TODAY)


def test_a_ban_binds_only_within_its_period_and_until_lifted(people, decision):
    ban = register(people["handler"], decision)
    check = lambda day: service.check(people["handler"], "王某某", DocumentType.RESIDENT_ID, resident_id(), day)  # noqa: E731
    assert check(dt.date(2026, 5, 31)).in_force == [] and check(dt.date(2026, 5, 31)).others == [ban]
    assert check(dt.date(2031, 5, 31)).in_force == [ban] and check(dt.date(2031, 6, 1)).in_force == []
    with pytest.raises(service.InvalidBan):
        service.lift(ban, people["handler"], TODAY, "", TODAY)
    with pytest.raises(service.InvalidBan):
        service.lift(ban, people["handler"], TODAY + dt.timedelta(days=1), "决定已撤销", TODAY)
    with pytest.raises(workflow.StepNotAllowed):
        service.lift(ban, people["far"], TODAY, "越权", TODAY)
    service.lift(ban, people["handler"], TODAY, "处罚决定已被复议机关撤销", TODAY)
    assert check(TODAY).in_force == [] and check(TODAY - dt.timedelta(days=1)).in_force == [ban]
    with pytest.raises(service.AlreadyLifted):
        service.lift(ban, people["handler"], TODAY, "再次", TODAY)


def test_staff_find_their_jurisdictions_entries_by_name(people, decision):
    register(people["handler"], decision)
    register(people["handler"], decision, name="李小明", number=resident_id("11010519491231002"))
    names = lambda u, q="": [b.name for b in db.session.scalars(service.in_jurisdiction(u, q))]  # noqa: E731
    assert names(people["handler"])[:2] == ["李小明", "王某某"]  # newest first
    assert names(people["handler"], "小") == ["李小明"]
    assert "王某某" in names(people["reviewer"], "某") and "李小明" not in names(people["reviewer"], "某")
    assert names(people["far"]) == []
    with pytest.raises(service.BanNotFound):
        service.for_staff(people["far"], db.session.scalar(select(PractitionerBan.id).limit(1)))


def test_a_blacklist_entry_for_employing_a_banned_practitioner_names_the_entry(people, decision):
    ban = register(people["handler"], decision)
    other = propose_entry(people["handler"], name="西湖甲培训部")
    with pytest.raises(service.NotForPractitioners):
        service.link_blacklist(people["handler"], other, ban.id)
    entry = propose_entry(people["handler"], name="西湖乙培训部", reason=BlacklistReason.BLACKLISTED_STAFF)
    assert service.linked(entry) is None
    with pytest.raises(service.BanNotFound):
        service.link_blacklist(people["handler"], entry, ban.id + 1000)
    service.link_blacklist(people["handler"], entry, ban.id)
    assert service.linked(entry).ban == ban and service.blacklist_entries(ban) == [entry]
    with pytest.raises(service.AlreadyLinked):
        service.link_blacklist(people["handler"], entry, ban.id)

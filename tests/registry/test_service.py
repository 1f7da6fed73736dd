"""Keeping the registry: versions, closure, inspections by year, dates that turn a licence amber,
known operators, and the full USCC check."""
import datetime as dt
import json

import pytest
from sqlalchemy import select

from portal import clock
from portal.accounts.models import Role
from portal.extensions import db
from portal.identifiers import org_code_check_character, uscc_check_character, uscc_problem
from portal.institutions import whitelist
from portal.institutions.models import AnnualInspection, Institution, InstitutionKind, LicenceStatus, Standing
from portal.registry import facts as facts_
from portal.registry import service
from portal.registry.facts import Facts
from portal.registry.models import InstitutionVersion, Source
from portal.security.audit import AuditRecord
from tests.support import institutions as factories
from tests.support.accounts import staff_user


def _officer(name: str = "registry.officer", region: str = "330106"):
    user = staff_user(name, Role.HANDLER, region)
    user.registry_officer = True
    return user


def _facts(**overrides) -> Facts:
    values = dict(name="西湖区海豚科技培训中心", region_code="330106", kind=InstitutionKind.TECHNOLOGY,
                  uscc=factories.new_uscc(), licence_status=LicenceStatus.VALID, licence_number="教民3301061230001号",
                  licence_valid_until=dt.date(2030, 1, 31), premises=(("330106", "杭州市西湖区文一路2号"),))
    values.update(overrides)
    return Facts(**values)


def test_uscc_is_checked_in_full():
    body = "MJ012345"
    first17 = "52330106" + body + org_code_check_character(body)
    good = first17 + uscc_check_character(first17)
    assert uscc_problem(good) is None
    # A wrong organisation-code check character, with the last character made right again for it.
    wrong_org = first17[:16] + ("1" if first17[16] != "1" else "2")
    assert uscc_problem(wrong_org + uscc_check_character(wrong_org)) == "organisation"
    # Letters where the division code belongs, last character right again.
    lettered = "52A30106" + body + org_code_check_character(body)
    assert uscc_problem(lettered + uscc_check_character(lettered)) == "area"
    assert uscc_problem(good[:17] + ("0" if good[17] != "0" else "1")) == "check"
    assert uscc_problem("52330106MJ01234") == "format"


def test_every_edit_keeps_the_earlier_version_and_the_old_name(ctx):
    officer = _officer()
    institution = service.create(officer, _facts(), reason="首次登记")
    changed = service.update(officer, institution, _facts(name="西湖区海豚编程培训中心", uscc=institution.uscc),
                             institution.version, reason="更名，见核准通知书")
    assert set(changed) == {"name", "former_names"}
    assert institution.version == 2 and institution.former_name_list == ["西湖区海豚科技培训中心"]
    versions = db.session.scalars(select(InstitutionVersion).where(InstitutionVersion.institution_id == institution.id)
                                  .order_by(InstitutionVersion.version)).all()
    assert [v.version for v in versions] == [1, 2]
    assert json.loads(versions[0].facts)["name"] == "西湖区海豚科技培训中心"
    assert json.loads(versions[1].facts)["name"] == "西湖区海豚编程培训中心"
    history = service.history(institution)
    assert history[0][1]["name"] == ("西湖区海豚科技培训中心", "西湖区海豚编程培训中心")
    actions = db.session.scalars(select(AuditRecord.action).where(AuditRecord.object_type == "institution",
                                                                  AuditRecord.object_id == str(institution.id)))
    assert list(actions) == ["institution.created", "institution.changed"]
    # Saving the same facts again writes nothing.
    assert service.update(officer, institution, facts_.of(institution), institution.version) == {}
    assert institution.version == 2


def test_a_stale_form_and_a_duplicate_code_are_refused(ctx):
    officer = _officer()
    first = service.create(officer, _facts())
    second = service.create(officer, _facts(name="另一家", licence_number="教民3301061230002号"))
    with pytest.raises(service.Stale):
        service.update(officer, first, _facts(name="新名字", uscc=first.uscc), first.version - 1)
    with pytest.raises(service.Duplicate) as refused:
        service.update(officer, second, _facts(name="另一家", uscc=first.uscc, licence_number="教民3301061230002号"),
                       second.version)
    assert refused.value.field == "uscc" and refused.value.other_id == first.id


def test_only_registry_officers_of_the_jurisdiction_change_it(ctx):
    plain = staff_user("plain.handler", Role.HANDLER, "330106")
    with pytest.raises(service.NotRegistryOfficer):
        service.create(plain, _facts())
    elsewhere = _officer("officer.binjiang", "330108")
    with pytest.raises(service.OutsideJurisdiction):
        service.create(elsewhere, _facts())
    institution = service.create(_officer(), _facts())
    with pytest.raises(service.InstitutionNotFound):
        service.get(elsewhere, institution.id)


def test_closing_keeps_the_institution_and_takes_it_off_the_whitelist(ctx):
    officer = _officer()
    institution = factories.institution(name="西湖区将关闭培训学校")
    today = clock.today()
    assert whitelist.verdict(institution.id, today).whitelisted
    service.close(officer, institution, today, "已注销登记（杭西民〔2026〕3号）", institution.version)
    verdict = whitelist.verdict(institution.id, today)
    assert not verdict.whitelisted and verdict.standing is Standing.CLOSED
    assert db.session.get(Institution, institution.id) is not None
    sources = [v.source for v, _changes in service.history(institution)]
    assert sources == [Source.STAFF, Source.EARLIER]  # registered before versions: kept as it was first


def test_a_licence_turns_amber_the_day_after_its_last_day(ctx):
    today = clock.today()
    institution = factories.institution(name="西湖区今日到期培训学校", licence_valid_until=today)
    assert whitelist.verdict(institution.id, today).standing is Standing.WHITELISTED
    tomorrow = today + dt.timedelta(days=1)
    verdict = whitelist.verdict(institution.id, tomorrow)
    assert verdict.standing is Standing.EXPIRED and verdict.standing.grade == "warn"
    assert whitelist.Condition.LICENSED in verdict.unmet
    assert institution.licence_on(tomorrow) is LicenceStatus.EXPIRED
    assert institution.licence_on(today) is LicenceStatus.VALID


def test_licences_expiring_within_30_days_are_listed_for_the_jurisdiction(ctx):
    today = clock.today()
    soon = factories.institution(name="西湖区将到期培训学校", licence_valid_until=today + dt.timedelta(days=30))
    later = factories.institution(name="西湖区晚到期培训学校", licence_valid_until=today + dt.timedelta(days=31))
    other = factories.institution(name="滨江区将到期培训学校", region_code="330108",
                                  licence_valid_until=today + dt.timedelta(days=5))
    listed = {i.id for i in service.expiring(_officer(), today)}
    assert soon.id in listed and later.id not in listed and other.id not in listed


def test_annual_inspections_by_year_feed_the_whitelist(ctx):
    officer = _officer()
    institution = factories.institution(name="西湖区年检培训学校")
    service.record_inspection(officer, institution, 2025, AnnualInspection.PASSED, dt.date(2026, 3, 1), "")
    service.record_inspection(officer, institution, 2026, AnnualInspection.FAILED, dt.date(2026, 11, 1), "消防不合格")
    assert institution.annual_inspection is AnnualInspection.FAILED and institution.annual_inspection_year == 2026
    assert not whitelist.verdict(institution.id, clock.today()).whitelisted
    # Correcting 2026 keeps one row per year, and the earlier result in the audit trail.
    service.record_inspection(officer, institution, 2026, AnnualInspection.PASSED, dt.date(2026, 11, 20), "复查合格")
    assert [(r.year, r.result) for r in service.inspections(institution)] == [
        (2026, AnnualInspection.PASSED), (2025, AnnualInspection.PASSED)]
    assert whitelist.verdict(institution.id, clock.today()).whitelisted
    befores = list(db.session.scalars(select(AuditRecord.before).where(
        AuditRecord.action == "institution.inspection_recorded", AuditRecord.object_id == str(institution.id))))
    assert any('"failed"' in before for before in befores)


def test_the_standing_ladder_never_shows_green_beside_a_blacklisting(ctx):
    today = clock.today()
    listed = factories.institution(name="西湖区黑名单持证培训学校")
    factories.blacklist_entry(listed)
    revoked = factories.institution(name="西湖区吊销培训学校", licence_status=LicenceStatus.REVOKED)
    unlicensed = factories.institution(name="西湖区无证培训点", licence_status=LicenceStatus.NONE, licence_number=None)
    failed = factories.institution(name="西湖区未上平台培训学校", on_national_platform=False)
    good = factories.institution(name="西湖区白名单培训学校")
    standing = {i.id: whitelist.verdict(i.id, today).standing for i in (listed, revoked, unlicensed, failed, good)}
    assert standing[listed.id] is Standing.BLACKLISTED and standing[listed.id].grade == "danger"
    assert standing[revoked.id].grade == "danger" and standing[unlicensed.id].grade == "danger"
    assert standing[failed.id] is Standing.NOT_ON_PLATFORM and standing[failed.id].grade == "warn"
    assert standing[good.id] is Standing.WHITELISTED and standing[good.id].grade == "ok"


def test_a_listed_operator_unknown_to_the_registry_becomes_a_registry_entry(ctx):
    from portal.blacklist import service as blacklist
    from tests.support.blacklist import entry_data

    entry = blacklist.add_listed(entry_data(name="西湖区无名托管辅导班", uscc=None, institution_id=None,
                                            listed_on=clock.today()), "2026年第九批")
    assert entry.institution_id is not None
    institution = db.session.get(Institution, entry.institution_id)
    assert institution.name == "西湖区无名托管辅导班" and institution.licence_status is LicenceStatus.NONE
    assert whitelist.verdict(institution.id, clock.today()).standing is Standing.BLACKLISTED
    versions = db.session.scalars(select(InstitutionVersion.source).where(
        InstitutionVersion.institution_id == institution.id)).all()
    assert versions == [Source.KNOWN_OPERATOR]

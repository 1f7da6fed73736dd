"""Registry search and lookup."""
import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.identifiers import is_valid_uscc
from portal.institutions import service
from portal.institutions.models import Institution, InstitutionKind

Q = service.InstitutionQuery


def test_name_substring_of_one_or_two_chinese_characters(ctx):
    two = service.search(Q.from_input("培训"), 1, 500)
    assert two.total > 150 and all("培训" in i.name for i in two.items)
    one = service.search(Q.from_input("艺"), 1, 500)
    assert one.total > 0 and all("艺" in i.name for i in one.items)


def test_uscc_prefix_search_ignores_case_and_spaces(ctx):
    institution = db.session.scalar(select(Institution).where(Institution.uscc.is_not(None)))
    typed = institution.uscc[:4] + " " + institution.uscc[4:10].lower()
    result = service.search(Q.from_input(typed), 1, 50)
    assert institution.id in {i.id for i in result.items}


def test_region_prefix_and_kind_filters(ctx):
    result = service.search(Q.from_input("", "3301", "arts"), 1, 500)
    assert result.total > 0
    assert all(i.region_code.startswith("3301") and i.kind is InstitutionKind.ARTS for i in result.items)


def test_like_wildcards_are_literal(ctx):
    assert service.search(Q.from_input("%"), 1, 20).total == 0
    assert service.search(Q.from_input("_"), 1, 20).total == 0


def test_overlong_query_is_cut_and_unknown_kind_ignored():
    query = Q.from_input("培" * 500, None, "bogus")
    assert len(query.text) == service.MAX_QUERY_LENGTH and query.kind is None


def test_get_and_not_found(ctx):
    first = db.session.scalar(select(Institution).limit(1))
    assert service.get(first.id).region.code == first.region_code
    for missing in (0, -1, 2**40, 99_999_999):
        with pytest.raises(service.InstitutionNotFound):
            service.get(missing)


def test_demo_registry_is_realistic(ctx):
    institutions = list(db.session.scalars(select(Institution)))
    assert len(institutions) >= 200
    coded = [i.uscc for i in institutions if i.uscc]
    assert coded and all(is_valid_uscc(code) for code in coded)
    assert len({i.licence_status for i in institutions}) == 5
    assert {i.region_code[:4] for i in institutions} == {"3301", "2113", "6301"}
    licensed_subject = [i for i in institutions
                        if i.kind is InstitutionKind.SUBJECT and i.licence_status.value == "valid"]
    assert licensed_subject and all(i.uscc.startswith("52") and "有限公司" not in i.name
                                    for i in licensed_subject)  # non-profit only since 2021


def test_a_uscc_with_a_wrong_check_character_is_refused(ctx):
    from portal.identifiers import InvalidIdentifier

    with pytest.raises(InvalidIdentifier):
        Institution(name="错码机构", uscc="91350200776049653B")
    assert Institution(name="个体户", uscc="00000000000000000X").uscc is None
    assert Institution(name="小写", uscc="91350200776049653a").uscc == "91350200776049653A"

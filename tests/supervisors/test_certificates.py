"""Certificate numbers typed the easy way name the printed certificate (`supervisors.certificates`)."""
import datetime as dt

import pytest

from portal.accounts import service as accounts
from portal.accounts.models import Role
from portal.extensions import db
from portal.supervisors import certificates, service
from tests.support.supervisors import appoint

PRINTED = "杭教监字〔2026〕第081号"


@pytest.mark.parametrize("typed", [
    PRINTED,
    "杭教监字[2026]第81号",  # half-width brackets, no leading zeros: how most people type it
    "杭教监字［２０２６］第０８１号",  # full-width brackets and digits
    "杭教监字【2026】第081号",
    "杭教监字（2026）第81号",
    "杭教监字(2026)第 081 号",
    " 杭教监字 〔2026〕 第81号\u3000",  # spaces, an ideographic one among them
])
def test_the_ways_people_type_a_number_give_one_key(typed):
    assert certificates.key(typed) == certificates.key(PRINTED) == "杭教监字〔2026〕第81号"


@pytest.mark.parametrize("other", ["杭教监字〔2026〕第810号", "杭教监字〔2025〕第081号", "杭教监字〔2026〕第0810号",
                                   "西教监字〔2026〕第081号", "", "   "])
def test_another_number_keeps_another_key(other):
    assert certificates.key(other) != certificates.key(PRINTED)


def test_latin_letters_compare_in_any_case():
    assert certificates.key("hz-sv 0042") == certificates.key("HZ-SV42")


@pytest.fixture
def supervisor_in_term(ctx):
    user, _ = accounts.create_user("cert.sv", "证号核验", Role.SUPERVISOR, "330106")
    supervisor = appoint(user, dt.date(2026, 1, 1), dt.date(2027, 12, 31))
    supervisor.certificate_number = PRINTED
    db.session.flush()
    return supervisor


def test_the_public_check_finds_the_supervisor_however_the_number_is_typed(supervisor_in_term):
    day = dt.date(2026, 6, 1)
    for typed in ("杭教监字[2026]第81号", "杭教监字［２０２６］第０８１号", PRINTED):
        found = db.session.scalars(service.appointed_query(day, typed)).all()
        assert found == [supervisor_in_term], typed
    assert db.session.scalars(service.appointed_query(day, "杭教监字[2026]第82号")).all() == []


def test_a_number_written_another_way_is_still_taken(supervisor_in_term):
    assert service.certificate_taken("杭教监字[2026]第81号")
    assert not service.certificate_taken("杭教监字[2026]第82号")

"""GB 32100 USCC, GB 11643 resident ID and mobile numbers, on DOMAIN.md's worked examples."""
import pytest

from portal import identifiers as ids


def test_uscc_worked_example_is_valid():
    assert ids.uscc_check_character("91350200776049653") == "A"
    assert ids.is_valid_uscc("91350200776049653A")


@pytest.mark.parametrize("code", [
    "91350200776049653B",   # wrong check character
    "91350200776049653",    # 17 characters
    "91350200776049653AA",  # 19 characters
    "91350200776049653I",   # I is not in the alphabet
    "9135020077604965OA",   # O is not in the alphabet
    "",
])
def test_uscc_rejects_wrong_codes(code):
    assert not ids.is_valid_uscc(code)


def test_uscc_normalisation_accepts_lower_case_and_stray_spaces():
    assert ids.normalise_uscc(" 9135 0200-7760 49653a ") == "91350200776049653A"


def test_uscc_placeholder_means_no_code():
    assert ids.normalise_uscc("00000000000000000X") is None
    assert ids.normalise_uscc("00000000000000000x") is None
    assert ids.normalise_uscc("  ") is None


def test_uscc_normalisation_refuses_an_invalid_code():
    with pytest.raises(ValueError):
        ids.normalise_uscc("91350200776049653B")


def test_resident_id_worked_example_and_mask():
    assert ids.id_check_character("11010519491231002") == "X"
    assert ids.is_valid_resident_id("11010519491231002X")
    assert ids.is_valid_resident_id(ids.clean("110105 19491231 002x"))
    assert ids.mask_resident_id("11010519491231002X") == "1101**********002X"


@pytest.mark.parametrize("number", [
    "110105194912310021",  # wrong check character
    "11010519491231002",   # 17 characters
    "11010519490231002X",  # 31 February... is the 31st of February invalid: 19490231
    "11010519491331002X",  # month 13
    "11010521491231002X",  # born in the future
    "11010519491231002x",  # lower case x must be cleaned first
])
def test_resident_id_rejects(number):
    assert not ids.is_valid_resident_id(number)


@pytest.mark.parametrize("raw,valid", [
    ("13812345678", True), ("19912345678", True), ("+86 138-1234-5678", True),
    ("12812345678", False), ("1381234567", False), ("138123456789", False), ("23812345678", False),
])
def test_mobile_numbers(raw, valid):
    assert ids.is_valid_mobile(ids.normalise_mobile(raw)) is valid


def test_org_code_check_character_matches_the_worked_uscc():
    # Positions 9-17 of a real USCC are an organisation code with its own GB 11714 check.
    assert ids.org_code_check_character("77604965") == "3"

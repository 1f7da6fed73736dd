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


def test_full_width_input_from_a_chinese_keyboard_is_accepted():
    assert ids.normalise_uscc("９１３５０２００７７６０４９６５３Ａ") == "91350200776049653A"
    assert ids.normalise_mobile("１３８１２３４５６７８") == "13812345678"


def test_trailing_newline_is_not_a_valid_code():
    assert not ids.is_valid_uscc("91350200776049653A\n")
    assert not ids.is_valid_mobile("13812345678\n")


def test_uscc_placeholder_means_no_code():
    assert ids.normalise_uscc("00000000000000000X") is None
    assert ids.normalise_uscc("00000000000000000x") is None
    assert ids.normalise_uscc("  ") is None


def test_uscc_normalisation_refuses_an_invalid_code():
    with pytest.raises(ids.InvalidIdentifier):
        ids.normalise_uscc("91350200776049653B")


def test_resident_id_worked_example_and_mask():
    assert ids.id_check_character("11010519491231002") == "X"
    assert ids.is_valid_resident_id("11010519491231002X")
    assert ids.is_valid_resident_id(ids.clean("110105 19491231 002x"))
    assert ids.mask_resident_id("11010519491231002X") == "1101**********002X"


def with_check(first17: str) -> str:
    """A number whose check character is right, so only the part under test can fail it."""
    return first17 + ids.id_check_character(first17)


@pytest.mark.parametrize("number", [
    "110105194912310021",              # wrong check character
    "11010519491231002",               # 17 characters
    with_check("11010519490231002"),   # 31 February
    with_check("11010519491331002"),   # month 13
    with_check("11010521491231002"),   # born in 2149
    "11010519491231002x",              # lower case x must be cleaned first
    "11010519491231002X\n",            # a trailing newline
    "１１０１０５１９４９１２３１００２X",  # full-width digits must be cleaned first
])
def test_resident_id_rejects(number):
    assert not ids.is_valid_resident_id(number)


def test_the_date_cases_above_fail_only_on_the_date():
    assert ids.is_valid_resident_id(with_check("11010519491230002"))  # 30 December is real


@pytest.mark.parametrize("raw,valid", [
    ("13812345678", True), ("19912345678", True), ("+86 138-1234-5678", True),
    ("(+86) 138 1234 5678", True), ("8613812345678", True), ("13８12345678", True),
    ("12812345678", False), ("1381234567", False), ("138123456789", False), ("23812345678", False),
])
def test_mobile_numbers(raw, valid):
    assert ids.is_valid_mobile(ids.normalise_mobile(raw)) is valid


def test_org_code_check_character_matches_the_worked_uscc():
    # Positions 9-17 of a real USCC are an organisation code with its own GB 11714 check.
    assert ids.org_code_check_character("77604965") == "3"


def test_org_code_letters_count_from_ten_through_the_whole_alphabet():
    # GB 11714 values M as 22 (A=10 … Z=35), not as its place in the USCC alphabet.
    assert ids.org_code_check_character("MA2K4E1J") == "0"

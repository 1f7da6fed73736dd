"""Receipt codes: format, randomness source, normalisation, keyed hashing, comparison."""
import inspect
import re

from portal.security import receipts

PEPPER = b"p" * 32


def test_format_is_16_crockford_characters_shown_in_fours():
    code = receipts.generate()
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{16}", code)
    assert re.fullmatch(r"([0-9A-Z]{4}-){3}[0-9A-Z]{4}", receipts.display(code))


def test_codes_come_from_secrets_and_carry_80_bits():
    source = inspect.getsource(receipts.generate)
    assert "secrets.randbits(LENGTH * 5)" in source and receipts.LENGTH * 5 == 80
    codes = {receipts.generate() for _ in range(2000)}
    assert len(codes) == 2000
    # Every position uses the whole alphabet: no fixed or biased characters.
    for position in range(16):
        assert len({code[position] for code in codes}) == 32


def test_normalisation_ignores_case_dashes_spaces_and_confusable_letters():
    code = "7K2M9QXD4HTBPW3N"
    for typed in ("7k2m-9qxd-4htb-pw3n", " 7K2M 9QXD 4HTB PW3N ", "7K2M9QXD4HTBPW3N", "7k2m_9qxd.4htb-pw3n",
                  "７K2M9QXD4HTBPW3N", "７ｋ２ｍ－９ｑｘｄ—４ｈｔｂ－ｐｗ３ｎ"):
        assert receipts.normalise(typed) == code
    assert receipts.normalise("OOOO-IIII-LLLL-0000") == "0000111111110000"


def test_malformed_codes_normalise_to_none():
    for typed in (None, "", "short", "7K2M9QXD4HTBPW3NX", "7K2M9QXD4HTBPW3U", "x" * 500):
        assert receipts.normalise(typed) is None


def test_only_a_keyed_hash_is_stored_and_compared_in_constant_time():
    code = receipts.generate()
    stored = receipts.digest(code, PEPPER)
    assert code not in stored and len(stored) == 64
    assert stored != receipts.digest(code, b"q" * 32)  # the pepper matters
    assert receipts.matches(code, stored, PEPPER)
    assert not receipts.matches(receipts.generate(), stored, PEPPER)
    assert "compare_digest" in inspect.getsource(receipts.matches)

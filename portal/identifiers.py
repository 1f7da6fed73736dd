"""Chinese identifiers: USCC (GB 32100-2015), resident ID (GB 11643-1999), mainland mobiles."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
USCC_PATTERN = re.compile(rf"[{USCC_ALPHABET}]{{18}}")
# National data writes this for individual businesses that have no code; it means "no code".
USCC_PLACEHOLDER = "00000000000000000X"

# GB 11714 organisation codes value letters A=10 … Z=35 (unlike the USCC alphabet).
ORG_CODE_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECKS = "10X98765432"
ID_PATTERN = re.compile(r"[0-9]{17}[0-9X]")
MOBILE_PATTERN = re.compile(r"1[3-9][0-9]{9}")


class InvalidIdentifier(ValueError):
    """Something was typed that is not a valid identifier of the expected kind."""


def clean(value: str | None) -> str:
    """Full-width characters made ASCII (as a Chinese input method types them), spaces and
    dashes dropped, letters upper-cased."""
    return re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", value or "")).upper()


def uscc_check_character(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters of a USCC."""
    total = sum(USCC_ALPHABET.index(ch) * w for ch, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def uscc_problem(value: str) -> str | None:
    """What is wrong with a cleaned USCC (GB 32100), or None: "format" (18 characters of the code's
    alphabet), "area" (positions 3–8 are the six digits of an administrative division),
    "organisation" (positions 9–17 are an organisation code whose GB 11714 check character,
    position 17, must be right) or "check" (the last character)."""
    if not USCC_PATTERN.fullmatch(value):
        return "format"
    if not value[2:8].isdigit():
        return "area"
    if org_code_check_character(value[8:16]) != value[16]:
        return "organisation"
    if uscc_check_character(value[:17]) != value[17]:
        return "check"
    return None


def is_valid_uscc(value: str) -> bool:
    """True when `value` (already cleaned) is a USCC that passes every check of `uscc_problem`."""
    return uscc_problem(value) is None


def normalise_uscc(value: str | None) -> str | None:
    """Clean a typed USCC; the national "no code" placeholder and blanks become None.

    Raises InvalidIdentifier when something was typed that is not a valid USCC.
    """
    code = clean(value)
    if not code or code == USCC_PLACEHOLDER:
        return None
    if not is_valid_uscc(code):
        raise InvalidIdentifier(code)
    return code


def org_code_check_character(first8: str) -> str:
    """The GB 11714 check character of a 9-character organisation code (positions 9–17 of a USCC)."""
    total = sum(ORG_CODE_ALPHABET.index(ch) * w for ch, w in zip(first8, ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def id_check_character(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits of a resident ID number."""
    total = sum(int(ch) * w for ch, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECKS[total % 11]


def is_valid_resident_id(value: str) -> bool:
    """True for an 18-character resident ID with a real birth date and a correct check character."""
    if not ID_PATTERN.fullmatch(value):
        return False
    try:
        birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    if not dt.date(1900, 1, 1) <= birth <= dt.date.today():
        return False
    return id_check_character(value[:17]) == value[17]


def mask_resident_id(value: str) -> str:
    """Show only the area's first four and the last four characters: `1101**********002X`."""
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def is_valid_mobile(value: str) -> bool:
    """True for an 11-digit mainland mobile number starting with 13–19 (cleaned, no +86)."""
    return bool(MOBILE_PATTERN.fullmatch(value))


def normalise_mobile(value: str | None) -> str:
    """Clean a typed mobile number, dropping brackets and a leading +86 / 0086 / 86 country code."""
    number = re.sub(r"[()（）]", "", clean(value)).removeprefix("+86").removeprefix("0086")
    return number[2:] if len(number) == 13 and number.startswith("86") else number

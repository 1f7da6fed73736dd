"""Chinese identifiers: USCC (GB 32100-2015), resident ID (GB 11643-1999), mainland mobiles."""
from __future__ import annotations

import datetime as dt
import re

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
USCC_PATTERN = re.compile(rf"^[{USCC_ALPHABET}]{{18}}$")
# National data writes this for individual businesses that have no code; it means "no code".
USCC_PLACEHOLDER = "00000000000000000X"

ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECKS = "10X98765432"
ID_PATTERN = re.compile(r"^\d{17}[\dX]$")
MOBILE_PATTERN = re.compile(r"^1[3-9]\d{9}$")


def clean(value: str | None) -> str:
    """Upper-case and drop the spaces and dashes people type inside identifiers."""
    return re.sub(r"[\s\-]", "", value or "").upper()


def uscc_check_character(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters of a USCC."""
    total = sum(USCC_ALPHABET.index(ch) * w for ch, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def is_valid_uscc(value: str) -> bool:
    """True when `value` (already cleaned) is an 18-character USCC with a correct check character."""
    if not USCC_PATTERN.match(value):
        return False
    return uscc_check_character(value[:17]) == value[17]


def normalise_uscc(value: str | None) -> str | None:
    """Clean a typed USCC; the national "no code" placeholder and blanks become None.

    Raises ValueError when something was typed that is not a valid USCC.
    """
    code = clean(value)
    if not code or code == USCC_PLACEHOLDER:
        return None
    if not is_valid_uscc(code):
        raise ValueError("invalid USCC")
    return code


def org_code_check_character(first8: str) -> str:
    """The GB 11714 check character of a 9-character organisation code (positions 9–17 of a USCC)."""
    total = sum(USCC_ALPHABET.index(ch) * w for ch, w in zip(first8, ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def id_check_character(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits of a resident ID number."""
    total = sum(int(ch) * w for ch, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECKS[total % 11]


def is_valid_resident_id(value: str) -> bool:
    """True for an 18-character resident ID with a real birth date and a correct check character."""
    if not ID_PATTERN.match(value):
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
    return bool(MOBILE_PATTERN.match(value))


def normalise_mobile(value: str | None) -> str:
    """Clean a typed mobile number, dropping a leading +86 / 0086 country code."""
    number = clean(value).removeprefix("+86").removeprefix("0086")
    return number

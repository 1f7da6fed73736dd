"""Identity document numbers of banned practitioners: cleaned, checked, masked for display and
turned into the keyed hash the register is looked up by. The number itself is never stored,
logged or written to the audit trail.

A resident ID card number (居民身份证, GB 11643) has a check character and a real birth date; the
other documents (passports, the travel permits of Hong Kong, Macao and Taiwan residents, the
foreign permanent resident ID card) are checked for their shape only: 5 to 20 letters and digits.
"""
from __future__ import annotations

import re
import unicodedata

from portal import identifiers
from portal.practitioners.models import DocumentType
from portal.security import crypto

DIGEST_PURPOSE = b"practitioner-id:"
OTHER_PATTERN = re.compile(r"[A-Z0-9]{5,20}")
NAME_MAX = 100


class InvalidNumber(ValueError):
    """The number typed is not one of this document type (a wrong check character, a bad shape)."""


def clean_number(document_type: DocumentType, typed: str) -> str:
    """The number as compared and hashed (full-width made ASCII, spaces and dashes and brackets
    dropped, upper case); raises InvalidNumber when it is not one of this document type."""
    number = re.sub(r"[()（）]", "", identifiers.clean(typed))
    if document_type is DocumentType.RESIDENT_ID:
        if not identifiers.is_valid_resident_id(number):
            raise InvalidNumber(document_type)
    elif not OTHER_PATTERN.fullmatch(number):
        raise InvalidNumber(document_type)
    return number


def digest(number: str) -> bytes:
    """The keyed hash a cleaned number is stored and looked up by. It is keyed with the
    installation's first pepper, which a rotation keeps, so an entry is found after a rotation."""
    return crypto.matching_digest(DIGEST_PURPOSE, number)


def mask(document_type: DocumentType, number: str) -> str:
    """The number as staff see it: a resident ID shows its first four and last four characters
    (`3301**********123X`), another document its first two and last two."""
    if document_type is DocumentType.RESIDENT_ID:
        return identifiers.mask_resident_id(number)
    return number[:2] + "*" * (len(number) - 4) + number[-2:]


def name_key(name: str) -> str:
    """A name as the exact check compares it: full-width folded, spaces dropped, case ignored
    (a passport name typed in capitals or not is the same name)."""
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", name)).casefold()

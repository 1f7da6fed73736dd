"""Certificate numbers (监督员证号) as people type them.

A number is printed like 杭教监字〔2026〕第001号, and typed however the keyboard makes it easy:
half-width [2026] or full-width ［２０２６］, 【】 or （）, with spaces, or 第1号 for 第001号. All of
these are one certificate: `key` makes the one form they are compared by.
"""
from __future__ import annotations

import re
import unicodedata

# After NFKC (which turns full-width ［］（）｛｝ and digits into their half-width forms).
OPENING, CLOSING = "[(【〖{〈《「『", "])】〗}〉》」』"
BRACKETS = str.maketrans({**dict.fromkeys(OPENING, "〔"), **dict.fromkeys(CLOSING, "〕")})
SPACES = re.compile(r"\s+")
NUMBER = re.compile(r"[0-9]+")


def key(number: str) -> str:
    """The form a certificate number is compared by: one kind of bracket, no spaces, half-width
    digits without leading zeros, Latin letters in upper case."""
    text = unicodedata.normalize("NFKC", number or "").translate(BRACKETS)
    text = SPACES.sub("", text)
    return NUMBER.sub(lambda digits: str(int(digits.group())), text).upper()


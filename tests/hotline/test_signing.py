"""The signature scheme: the documented worked example, and agreement with the test platform's own code."""
from __future__ import annotations

import re
from pathlib import Path

from portal.hotline import signing
from tests.support.hotline import signature

DOC = (Path(__file__).resolve().parents[2] / "docs" / "hotline-12345.md").read_text(encoding="utf-8")


def test_the_worked_example_in_the_integrators_guide_holds():
    secret = re.search(r"Secret\s+`([^`]+)`", DOC).group(1)
    body = re.search(r"\(62\s+bytes, UTF-8\) `([^`]+)`", DOC).group(1).encode()
    canonical = re.search(r"`k3Jf9xQ2mT7vB1nZ4pR8sW`:\n\n((?:    .+\n)+)", DOC).group(1)
    lines = [line[4:] for line in canonical.splitlines()]
    expected = re.search(r"X-Hotline-Signature: ([0-9a-f]{64})", DOC).group(1)
    assert len(body) == 62
    assert signing.canonical("POST", lines[2], lines[3], lines[4], body) == "\n".join(lines)
    assert signing.sign(secret, "POST", lines[2], lines[3], lines[4], body) == expected
    assert signature(secret, "POST", lines[2], lines[3], lines[4], body) == expected


def test_any_change_to_a_signed_part_changes_the_signature():
    base = ("s3cret", "POST", "/api/v1/hotline/orders", "1796263200", "n" * 16, b"{}")
    signed = signing.sign(*base)
    for position, other in ((1, "PUT"), (2, "/api/v1/hotline/orders/x"), (3, "1796263201"), (4, "m" * 16),
                            (5, b"{ }"), (0, "s3cret!")):
        changed = list(base)
        changed[position] = other
        assert signing.sign(*changed) != signed
    assert signing.matches("s3cret", signed, *base[1:]) and not signing.matches("s3cret", "0" * 64, *base[1:])

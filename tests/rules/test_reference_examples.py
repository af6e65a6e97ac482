"""The schema-valid published example messages, decoded by the codec, pass every level-2 rule."""

from __future__ import annotations

import pytest

from gateway.codec import decode, parse
from handlers.rules.in_message import check
from tests.kit import reference

pytestmark = reference.needs_reference
# JW315 holds an impossible date (2027-06-31) and JW318 is structurally invalid (reference README).
KNOWN_INVALID = {"JW315.xml", "JW318.xml"}
NAMES = sorted(p.name for p in reference.examples() if p.name not in KNOWN_INVALID)


@pytest.mark.parametrize("name", NAMES)
def test_reference_example_has_no_level2_findings(name: str) -> None:
    message = decode(parse(reference.example(name), max_bytes=25 * 1024 * 1024))
    assert [(f.code, f.xpath) for f in check(message)] == []

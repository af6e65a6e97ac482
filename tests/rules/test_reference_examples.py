"""The schema-valid reference example messages, decoded by the codec, pass every level-2 rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.codec import decode, parse
from handlers.rules.in_message import check

EXAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "examples"
# JW315 holds an impossible date (2027-06-31) and JW318 is structurally invalid (reference README).
KNOWN_INVALID = {"JW315.xml", "JW318.xml"}
NAMES = sorted(p.name for p in EXAMPLES.glob("*-3.2/*.xml") if p.name not in KNOWN_INVALID)


@pytest.mark.skipif(not NAMES, reason=f"reference examples not present at {EXAMPLES}")
@pytest.mark.parametrize("name", NAMES)
def test_reference_example_has_no_level2_findings(name: str) -> None:
    path = next(EXAMPLES.glob(f"*-3.2/{name}"))
    message = decode(parse(path.read_bytes(), max_bytes=25 * 1024 * 1024))
    assert [(f.code, f.xpath) for f in check(message)] == []

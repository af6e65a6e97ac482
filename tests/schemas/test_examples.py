"""The published example messages get the same verdict from our XSDs as from the reference XSDs."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from schemas import schema
from tests.kit.conformance import PARSER, example_type, examples, reference_schema
from tests.kit.reference import needs_reference

pytestmark = needs_reference
EXPECTED_INVALID = {"JW315.xml", "JW318.xml"}


def test_examples_present() -> None:
    assert len(examples()) == 12


@pytest.mark.parametrize("path", examples(), ids=lambda p: p.name)
def test_same_verdict_as_reference(path: Path) -> None:
    mt = example_type(path)
    document = etree.parse(str(path), PARSER)
    ours, reference = schema(mt).validate(document), reference_schema(mt).validate(document)
    assert ours == reference
    assert ours is (path.name not in EXPECTED_INVALID)

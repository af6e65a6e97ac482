"""check_document: one verdict per document, findings with their lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.processing.validation import check_document, oversize
from handlers import messages as m
from tests.kit.documents import INVALID_EXAMPLES, MAX, examples, shipped_example
from tests.kit.reference import needs_reference


@needs_reference
@pytest.mark.parametrize("path", examples(), ids=lambda p: p.name)
def test_reference_examples(path: Path) -> None:
    verdict = check_document(path.read_bytes(), max_bytes=MAX)
    assert verdict.message == path.stem
    assert verdict.standard == ("ijw" if path.name.startswith("JW") else "iwmo")
    assert verdict.document is not None
    if path.name in INVALID_EXAMPLES:
        assert verdict.verdict == "invalid-xsd"
        assert verdict.decoded is None
        assert {f.level for f in verdict.findings} == {1}
    else:
        assert (verdict.verdict, verdict.findings, verdict.valid) == ("valid", (), True)
        assert verdict.decoded is not None
        assert verdict.decoded.meta.name == path.stem


def _line(raw: bytes, needle: bytes) -> int:
    return raw[: raw.index(needle)].count(b"\n") + 1


def test_in_message_rule_rejects_with_line() -> None:
    raw = shipped_example("WMO305").replace(b">999900006<", b">999900007<")  # fails the 11-proof
    verdict = check_document(raw, max_bytes=MAX)
    assert verdict.verdict == "rejected-rules"
    assert isinstance(verdict.decoded, m.Start)
    (finding,) = verdict.findings
    assert (finding.level, finding.code, finding.retourcode) == (2, "CS002", "0001")
    assert (finding.xpath, finding.line) == ("/Bericht/Client/Bsn", _line(raw, b">999900007<"))


def test_level_2_does_not_run_on_an_invalid_document() -> None:
    raw = shipped_example("WMO305").replace(b">999900006<", b">999900007<").replace(b">418<", b">414<")
    verdict = check_document(raw, max_bytes=MAX)
    assert verdict.verdict == "invalid-xsd"
    assert [f.code for f in verdict.findings] == ["XSD"]


def test_unrepresentable_value_rejects_with_line() -> None:
    raw = shipped_example("WMO305").replace(b">2025-01-13<", b">12025-01-13<", 1)
    verdict = check_document(raw, max_bytes=MAX)
    assert (verdict.verdict, verdict.decoded) == ("rejected-rules", None)
    assert verdict.document is not None
    assert [(f.code, f.line) for f in verdict.findings] == [("VALUE", _line(raw, b">12025-01-13<"))]


def test_not_xml_and_unsupported() -> None:
    broken = check_document(b"<Bericht>", max_bytes=MAX)
    assert (broken.verdict, broken.message, broken.standard, broken.document) == ("not-xml", None, None, None)
    assert broken.findings[0].line == 1
    old = check_document(shipped_example("WMO305").replace(b"/3_2/", b"/3_1/"), max_bytes=MAX)
    assert (old.verdict, old.message) == ("unsupported", None)
    assert "iwmo 3.1" in old.findings[0].text


def test_too_large() -> None:
    assert check_document(shipped_example("WMO305"), max_bytes=100).verdict == "not-xml"
    verdict = oversize(30_000_000, max_bytes=MAX)
    assert (verdict.verdict, verdict.findings[0].code) == ("not-xml", "SIZE")
    assert "30000000 bytes" in verdict.findings[0].text

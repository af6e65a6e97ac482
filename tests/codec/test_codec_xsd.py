"""Level 1: XSD findings carry our namespace-free XPath, the line and a readable text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gateway import codec
from handlers import messages as m
from tests.kit.documents import INVALID_EXAMPLES, MAX, example, examples, shipped_example
from tests.kit.reference import needs_reference


@needs_reference
@pytest.mark.parametrize("path", examples(), ids=lambda p: p.name)
def test_reference_examples(path: Path) -> None:
    findings = codec.validate_xsd(codec.parse(path.read_bytes(), max_bytes=MAX))
    assert bool(findings) is (path.name in INVALID_EXAMPLES)


def _line(raw: bytes, needle: bytes, occurrence: int = 1) -> int:
    index = -1
    for _ in range(occurrence):
        index = raw.index(needle, index + 1)
    return raw[:index].count(b"\n") + 1


@needs_reference
def test_jw315_impossible_date() -> None:
    raw = example("JW315.xml")
    findings = codec.validate_xsd(codec.parse(raw, max_bytes=MAX))
    base = "/Bericht/Client/AangevraagdeProducten/AangevraagdProduct"
    assert [(f.level, f.code, f.retourcode, f.xpath, f.line) for f in findings] == [
        (1, "XSD", None, f"{base}[1]/ToewijzingEinddatum", _line(raw, b">2027-06-31<", 1)),
        (1, "XSD", None, f"{base}[2]/ToewijzingEinddatum", _line(raw, b">2027-06-31<", 2)),
    ]
    assert findings[0].text.startswith("Element 'ToewijzingEinddatum': '2027-06-31' is not a valid value")
    assert "{" not in findings[0].text


@needs_reference
def test_jw318_misplaced_retourcode() -> None:
    raw = example("JW318.xml")
    (finding,) = codec.validate_xsd(codec.parse(raw, max_bytes=MAX))
    assert finding.xpath == "/Bericht/Client/Verzoek/RetourCode"
    assert finding.line == _line(raw, b"<jw318:RetourCode>9350")
    assert "This element is not expected" in finding.text
    assert "OngewijzigdeProducten" in finding.text
    assert "http://" not in finding.text


@needs_reference
def test_default_namespace_document_gets_the_same_xpaths() -> None:
    raw = example("JW315.xml").replace(b"jw315:", b"").replace(b"xmlns:jw315=", b"xmlns=")
    findings = codec.validate_xsd(codec.parse(raw, max_bytes=MAX))
    assert [f.xpath for f in findings] == [
        "/Bericht/Client/AangevraagdeProducten/AangevraagdProduct[1]/ToewijzingEinddatum",
        "/Bericht/Client/AangevraagdeProducten/AangevraagdProduct[2]/ToewijzingEinddatum",
    ]


@needs_reference
def test_document_on_one_line() -> None:
    raw = re.sub(rb">\s+<", b"><", example("JW318.xml")).strip()
    assert raw.count(b"\n") == 0
    (finding,) = codec.validate_xsd(codec.parse(raw, max_bytes=MAX))
    assert finding.xpath == "/Bericht/Client/Verzoek/RetourCode"
    assert finding.line == 1


def test_missing_mandatory_element_points_at_its_parent() -> None:
    raw = re.sub(rb"<wmo305:Begindatum>2025-01-13</wmo305:Begindatum>\s*", b"", shipped_example("WMO305"))
    (finding,) = codec.validate_xsd(codec.parse(raw, max_bytes=MAX))
    assert finding.xpath == "/Bericht/Client/StartProducten/StartProduct/StatusAanlevering"
    assert "Expected is ( Begindatum )" in finding.text


def test_wrong_berichtcode_and_version() -> None:
    raw = (
        shipped_example("WMO305")
        .replace(b">418<", b">414<")
        .replace(b"BerichtSubversie>2<", b"BerichtSubversie>1<")
    )
    findings = codec.validate_xsd(codec.parse(raw, max_bytes=MAX))
    assert [f.xpath for f in findings] == ["/Bericht/Header/BerichtCode", "/Bericht/Header/BerichtSubversie"]


def test_personal_values_are_not_repeated_in_findings() -> None:
    raw = (
        shipped_example("WMO305")
        .replace(b">999900006<", b">99990000<")
        .replace(b">Voorbeeld<", b">" + b"W" * 201 + b"<")
    )
    raw = raw.replace(b"<iwmo:Datum>2011-05-14<", b"<iwmo:Datum>2011-02-30<")
    findings = codec.validate_xsd(codec.parse(raw, max_bytes=MAX))
    assert [f.xpath for f in findings] == [
        "/Bericht/Client/Bsn",
        "/Bericht/Client/Geboortedatum/Datum",
        "/Bericht/Client/Naam/Geslachtsnaam/Achternaam",
    ]
    text = " ".join(f.text for f in findings)
    assert "99990000" not in text
    assert "2011" not in text
    assert "WWW" not in text
    assert "Element 'Bsn': [facet 'pattern'] The value (not shown) is not accepted by the pattern" in text


def test_other_values_are_kept_in_findings() -> None:
    status = b"<wmo305:StatusAanlevering>"
    raw = shipped_example("WMO305").replace(status + b"1<", status + b"5<", 1)
    (finding,) = codec.validate_xsd(codec.parse(raw, max_bytes=MAX))
    assert "'5'" in finding.text


def test_many_errors_are_capped() -> None:
    raw = shipped_example("WMO323")
    start = raw.index(b"<wmo323:Prestatie>")
    end = raw.index(b"</wmo323:Prestatie>") + len(b"</wmo323:Prestatie>")
    bad = raw[start:end].replace(b">02A01<", b">TOOLONG<")
    raw = raw[:start] + bad * 150 + raw[end:]
    findings = codec.validate_xsd(codec.parse(raw, max_bytes=MAX))
    assert len(findings) == codec.xsd.MAX_FINDINGS + 1
    base = "/Bericht/Declaratie/Clienten/Client/Prestaties"  # the only Client
    assert findings[0].xpath == f"{base}/Prestatie[1]/ProductCode"
    assert findings[99].xpath == f"{base}/Prestatie[100]/ProductCode"
    assert findings[-1].text == "50 more schema errors not listed"


def _with_commentaar(text: str) -> bytes:
    """The shipped WMO301 with a Client/Commentaar (it has none), just before its Contactgegevens."""
    commentaar = b"<wmo301:Commentaar>" + text.encode() + b"</wmo301:Commentaar>"
    contact = b"<wmo301:Contactgegevens>"
    return shipped_example("WMO301").replace(contact, commentaar + contact, 1)


def test_long_commentaar_is_checked_without_the_xsd_pattern() -> None:
    long_text = "Zorg volgens plan. " * 10_000
    doc = codec.parse(_with_commentaar(long_text), max_bytes=MAX)
    assert codec.validate_xsd(doc) == []
    assert doc.root.findtext(".//{*}Client/{*}Commentaar") == long_text  # restored after the XSD pass
    msg = codec.decode(doc)
    assert isinstance(msg, m.Toewijzing)
    assert msg.client.commentaar == long_text


def test_long_blank_commentaar_is_invalid() -> None:
    raw = _with_commentaar(" \n" * 40_000)
    (finding,) = codec.validate_xsd(codec.parse(raw, max_bytes=MAX))
    assert finding.xpath == "/Bericht/Client/Commentaar"
    assert "pattern" in finding.text


def test_long_text_elsewhere_is_refused() -> None:
    raw = shipped_example("WMO301").replace(b">Voorbeeld<", b">" + b"W" * 70_000 + b"<")
    raw = raw.replace(b">414<", b">415<")
    findings = codec.validate_xsd(codec.parse(raw, max_bytes=MAX))
    assert [f.xpath for f in findings] == [
        "/Bericht/Header/BerichtCode",
        "/Bericht/Client/Naam/Geslachtsnaam/Achternaam",
    ]
    assert findings[1].text == (
        "Element 'Achternaam': a value of 70000 characters is refused; only Commentaar may be longer than "
        "65536 characters"
    )
    assert findings[1].line == _line(raw, b">WWW")

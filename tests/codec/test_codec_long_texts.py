"""Long texts are found from the raw bytes, not by walking every element, and none slips through."""

from __future__ import annotations

import pytest

from gateway import codec
from gateway.codec import xsd
from tests.kit.documents import MAX, shipped_example

REFUSED = "Element 'Achternaam': a value of 70000 characters is refused"


def _achternaam(text: bytes) -> bytes:
    return shipped_example("WMO301").replace(b">Voorbeeld<", b">" + text + b"<", 1)


@pytest.mark.parametrize(("text", "how"), [
    (b"W" * 70_000, "one run of bytes"),
    (b"W" * 35_000 + b"<!-- joined -->" + b"W" * 35_000, "two runs the parser joins (comment removed)"),
    (b"W" * 35_000 + b"<![CDATA[" + b"W" * 35_000 + b"]]>", "a CDATA section joined to the text"),
    (b"W" * 35_000 + b"<?pi x?>" + b"W" * 35_000, "two runs around a processing instruction"),
    (b"W" * 35_000 + b"&#87;" * 35_000, "character references: more bytes than characters"),
])
def test_a_text_over_the_limit_is_refused_however_it_is_written(text: bytes, how: str) -> None:
    doc = codec.parse(_achternaam(text), max_bytes=MAX)
    findings = codec.validate_xsd(doc)
    assert [f.text for f in findings if f.text.startswith(REFUSED)], how
    assert len(doc.root.findtext(".//{*}Achternaam") or "") == 70_000  # restored after the XSD pass


def test_many_short_texts_are_not_walked() -> None:
    raw = shipped_example("WMO323")
    start = raw.index(b"<wmo323:Prestatie>")
    end = raw.index(b"</wmo323:Prestatie>") + len(b"</wmo323:Prestatie>")
    big = raw[:start] + raw[start:end] * 2_000 + raw[end:]
    assert len(big) > 2 * xsd.LONG_TEXT
    assert not xsd._may_hold_long_text(big)
    assert xsd._may_hold_long_text(_achternaam(b"W" * 70_000))
    assert xsd._may_hold_long_text(_achternaam(b"W" * 35_000 + b"<!---->" + b"W" * 35_000))


def test_a_long_run_of_multibyte_characters_within_the_limit_is_accepted() -> None:
    text = "é" * 40_000  # 80,000 bytes, 40,000 characters: walked, and nothing to set aside
    commentaar = b"<wmo301:Commentaar>" + text.encode() + b"</wmo301:Commentaar>"
    contact = b"<wmo301:Contactgegevens>"
    raw = shipped_example("WMO301").replace(contact, commentaar + contact, 1)
    assert xsd._may_hold_long_text(raw)
    assert codec.validate_xsd(codec.parse(raw, max_bytes=MAX)) == []

"""The hardened parser: each kind of bad input gets its verdict and a clear finding; nothing is fetched."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from gateway import codec
from handlers import messages as m
from tests.kit.documents import MAX, Canary, example, shipped_example
from tests.kit.reference import needs_reference

# The shipped WMO305 as a sender's file: no generated-file note, CR/LF line ends (root on line 2).
WMO305 = re.sub(rb"<!--.*?-->", b"", shipped_example("WMO305"), count=1).replace(b"\n", b"\r\n")
DECL = b'<?xml version="1.0" encoding="UTF-8"?>\r\n'


def _line(raw: bytes, needle: bytes) -> int:
    """The line on which `needle` starts in `raw`."""
    return raw[: raw.index(needle)].count(b"\n") + 1


def _refused(raw: bytes, verdict: str, code: str, *, max_bytes: int = MAX) -> codec.DocumentError:
    with pytest.raises(codec.DocumentError) as caught:
        codec.parse(raw, max_bytes=max_bytes)
    error = caught.value
    assert error.verdict == verdict
    assert [finding.code for finding in error.findings] == [code]
    assert error.findings[0].level == 1
    assert error.findings[0].retourcode is None
    return error


def _with_doctype(doctype: str) -> bytes:
    """WMO305 with a DOCTYPE after the XML declaration and `&xxe;` as the Bsn."""
    body = WMO305.replace(b"<wmo305:Bsn>999900006<", b"<wmo305:Bsn>&xxe;<")
    return body.replace(DECL, DECL + doctype.encode() + b"\n", 1)


def test_valid_document() -> None:
    doc = codec.parse(WMO305, max_bytes=MAX)
    assert doc.message_type.name == "WMO305"
    assert doc.raw == WMO305
    assert doc.sha256 == hashlib.sha256(WMO305).hexdigest()
    assert doc.had_bom is False



def test_header_parties_are_read_as_written() -> None:
    # WMO305 comes from the provider (AGB code) to the municipality (CBS code).
    assert codec.parse(WMO305, max_bytes=MAX).parties() == codec.Parties("87654321", "0363")


def test_header_parties_are_none_when_absent_and_stripped_when_padded() -> None:
    padded = WMO305.replace(b"87654321</", b" 87654321 </")
    without = WMO305.replace(b"<wmo305:Ontvanger>0363</wmo305:Ontvanger>", b"")
    assert without != WMO305
    assert codec.parse(padded, max_bytes=MAX).parties() == codec.Parties("87654321", "0363")
    assert codec.parse(without, max_bytes=MAX).parties() == codec.Parties("87654321", None)


@pytest.mark.parametrize("raw", [b"hello, world", b'{"json": true}', b"\x89PNG\r\n\x1a\n\x00\x00"])
def test_not_xml(raw: bytes) -> None:
    error = _refused(raw, "not-xml", "ENCODING" if b"\x00" in raw[:4] else "XML")
    assert error.findings[0].line == 1


@pytest.mark.parametrize("raw", [b"", b"  \r\n\t ", b"\xef\xbb\xbf"])
def test_empty(raw: bytes) -> None:
    error = _refused(raw, "not-xml", "XML")
    assert error.findings[0].text == "document is empty"


def test_truncated() -> None:
    error = _refused(WMO305[: WMO305.index(b"<wmo305:StartProducten>")], "not-xml", "XML")
    finding = error.findings[0]
    assert "truncated" in finding.text
    assert finding.line == _line(WMO305, b"<wmo305:StartProducten>")
    assert f"line {finding.line}," in finding.text


def test_mismatched_tags() -> None:
    error = _refused(WMO305.replace(b"</wmo305:Geslacht>", b"</wmo305:Geslachtx>"), "not-xml", "XML")
    assert error.findings[0].line == _line(WMO305, b"<wmo305:Geslacht>")
    assert "Opening and ending tag mismatch" in error.findings[0].text


def test_xxe_file_is_refused_and_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CANARY")
    error = _refused(
        _with_doctype(f'<!DOCTYPE Bericht [<!ENTITY xxe SYSTEM "file://{secret}">]>'), "not-xml", "DTD"
    )
    assert "TOP-SECRET-CANARY" not in str(error)
    assert error.findings[0].line == 2
    assert "DOCTYPE" in error.findings[0].text


def test_xxe_url_is_refused_and_not_fetched(canary: Canary) -> None:
    _refused(
        _with_doctype(f'<!DOCTYPE Bericht [<!ENTITY xxe SYSTEM "{canary.base}/xxe">]>'), "not-xml", "DTD"
    )
    assert canary.requests == []


def test_external_dtd_and_parameter_entity_are_not_fetched(canary: Canary) -> None:
    _refused(_with_doctype(f'<!DOCTYPE Bericht SYSTEM "{canary.base}/bericht.dtd">'), "not-xml", "DTD")
    pe = f'<!DOCTYPE Bericht [<!ENTITY % remote SYSTEM "{canary.base}/pe.dtd"> %remote;]>'
    _refused(_with_doctype(pe), "not-xml", "DTD")
    assert canary.requests == []


def test_doctype_after_a_comment_and_pi_is_refused() -> None:
    doctype = '<!-- a comment with <!DOCTYPE inside --><?pi x?>\r\n<!DOCTYPE Bericht [<!ENTITY xxe "x">]>'
    error = _refused(_with_doctype(doctype), "not-xml", "DTD")
    assert error.findings[0].line == 3


@needs_reference
def test_doctype_text_in_content_is_not_a_doctype() -> None:
    cdata = b"<![CDATA[<!DOCTYPE html><p>geplakt</p>]]>"
    raw = example("WMO315.xml").replace(b"Commentaar client<", cdata + b"<", 1)
    raw = raw.replace(b"\r\n<wmo315:Bericht", b"\r\n<!-- <!DOCTYPE x --><?pi y?><wmo315:Bericht", 1)
    msg = codec.decode(codec.parse(raw, max_bytes=MAX))
    assert isinstance(msg, m.VerzoekToewijzing)
    assert msg.client.commentaar == "<!DOCTYPE html><p>geplakt</p>"


def test_billion_laughs_is_refused_without_expansion() -> None:
    entities = "".join(f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10))
    error = _refused(
        _with_doctype(f'<!DOCTYPE Bericht [<!ENTITY l0 "lol">{entities}<!ENTITY xxe "&l9;">]>'),
        "not-xml",
        "DTD",
    )
    assert "lol" not in str(error)


def test_undeclared_entity_reference() -> None:
    error = _refused(WMO305.replace(b">999900006<", b">&xxe;<"), "not-xml", "ENTITY")
    assert error.findings[0].line == _line(WMO305, b">999900006<")
    assert "xxe" in error.findings[0].text


def test_xinclude_is_refused_and_not_processed() -> None:
    include = (
        b'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd" parse="text"/>'
    )
    raw = WMO305.replace(b"<wmo305:Bsn>", include + b"<wmo305:Bsn>", 1)
    error = _refused(raw, "not-xml", "XINCLUDE")
    finding = error.findings[0]
    assert (finding.xpath, finding.line) == ("/Bericht/Client/include", _line(WMO305, b"<wmo305:Bsn>"))
    assert "root:" not in str(error)


def test_utf8_bom_is_tolerated() -> None:
    doc = codec.parse(b"\xef\xbb\xbf" + WMO305, max_bytes=MAX)
    assert doc.had_bom is True
    assert codec.validate_xsd(doc) == []
    assert codec.decode(doc).meta.name == "WMO305"


@pytest.mark.parametrize(
    ("encoding", "bom", "expected"),
    [
        ("utf-16", True, "UTF-16"),
        ("utf-16-le", False, "without byte order mark"),
        ("utf-32", True, "UTF-32"),
    ],
)
def test_utf16_and_utf32_are_refused(encoding: str, bom: bool, expected: str) -> None:
    text = WMO305.decode().replace('encoding="UTF-8"', f'encoding="{encoding.upper()}"')
    error = _refused(text.encode(encoding), "not-xml", "ENCODING")
    assert expected in error.findings[0].text
    assert "UTF-8" in error.findings[0].text


def test_other_declared_encoding_is_refused() -> None:
    raw = WMO305.replace(b'encoding="UTF-8"', b'encoding="ISO-8859-1"')
    error = _refused(raw, "not-xml", "ENCODING")
    assert "ISO-8859-1" in error.findings[0].text


def test_bytes_that_are_not_utf8() -> None:
    error = _refused(WMO305.replace(b">Voorbeeld<", b">W\xe9t<"), "not-xml", "ENCODING")
    assert error.findings[0].line == _line(WMO305, b">Voorbeeld<")
    assert "not valid UTF-8" in error.findings[0].text


@pytest.mark.parametrize(
    ("old", "new", "named"),
    [
        (b"/3_2/", b"/3_1/", "iwmo 3.1"),
        (b"/3_2/wmo305/schema", b"/2_1/wmo305/schema/2_1", "iwmo 2.1"),
        (b"http://www.istandaarden.nl/iwmo/3_2/wmo305/schema", b"urn:example:bericht", "urn:example:bericht"),
    ],
)
def test_unsupported_namespaces(old: bytes, new: bytes, named: str) -> None:
    error = _refused(WMO305.replace(old, new), "unsupported", "NAMESPACE")
    finding = error.findings[0]
    assert named in finding.text
    assert "iwmo 3.2" in finding.text
    assert "ijw 3.2" in finding.text
    assert (finding.xpath, finding.line) == ("/Bericht", 2)


def test_wrong_root_element() -> None:
    raw = WMO305.replace(b"wmo305:Bericht", b"wmo305:Envelope")
    error = _refused(raw, "unsupported", "ROOT")
    assert "'Envelope'" in error.findings[0].text
    assert "'Bericht'" in error.findings[0].text


def test_root_without_namespace() -> None:
    error = _refused(DECL + b"<Bericht><Header/></Bericht>", "unsupported", "NAMESPACE")
    assert "no namespace" in error.findings[0].text


def test_too_large_is_refused_before_parsing() -> None:
    error = _refused(b"<" * 2000, "not-xml", "SIZE", max_bytes=1000)
    assert "2000 bytes" in error.findings[0].text
    assert "1000" in error.findings[0].text


def test_excessive_nesting_is_refused() -> None:
    raw = DECL + b"<a>" * 300 + b"</a>" * 300
    error = _refused(raw, "not-xml", "XML")
    assert "depth" in error.findings[0].text.lower()


@needs_reference
def test_line_of() -> None:
    published = example("WMO305.xml")  # two StartProducten
    doc = codec.parse(published, max_bytes=MAX)
    assert doc.line_of("/Bericht") == 2
    second = published.index(b"<wmo305:StartProduct>", published.index(b"<wmo305:StartProduct>") + 1)
    begindatum = published[: published.index(b"<wmo305:Begindatum>", second)].count(b"\n") + 1
    assert doc.line_of("/Bericht/Client/StartProducten/StartProduct[2]/Begindatum") == begindatum
    assert doc.line_of("/Bericht/Client/Bsn") == _line(published, b"<wmo305:Bsn>")
    assert doc.line_of("/Bericht[1]/Client[1]/Bsn[1]") == _line(
        published, b"<wmo305:Bsn>"
    )  # `[1]`: an only child
    # An absent element: the line of its nearest existing ancestor.
    assert (
        doc.line_of("/Bericht/Client/StartProducten/StartProduct[2]/Einddatum")
        == published[:second].count(b"\n") + 1
    )
    assert doc.line_of("/Other") is None

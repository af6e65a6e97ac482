"""The header-only retour template: the builder's bytes exactly, and never with anything unchecked."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pytest
from lxml import etree

from gateway import codec
from gateway.codec import retour
from schemas import by_number
from tests.kit.documents import MAX, generated, heen_types, shipped_example

CODE_SETS: tuple[tuple[str, ...], ...] = ((), ("0001",), ("8848", "9056"), ("0200",))
HEEN = [f"{s}{n}" for s in ("WMO", "JW") for n in (301, 305, 307, 315, 317, 319)]


def parsed(name: str) -> codec.ParsedDocument:
    return codec.parse(shipped_example(name), max_bytes=MAX)


def _documents() -> list[tuple[str, codec.ParsedDocument]]:
    docs = [(name, parsed(name)) for name in HEEN]
    for mt in heen_types():
        for maximal in (True, False):
            name = f"{mt.name}-{'max' if maximal else 'min'}"
            docs.append((name, codec.parse(generated(mt, maximal=maximal), max_bytes=MAX)))
    return docs


DOCUMENTS = _documents()


def _build(doc: codec.ParsedDocument, codes: Sequence[str], *, checked: bool, ident: str = "R1Z") -> bytes:
    return codec.build_retour(
        doc, identificatie_retour=ident, dagtekening_retour=date(2026, 12, 7), header_codes=codes,
        class_codes=None, header_checked=checked,
    )


def _template(doc: codec.ParsedDocument, codes: Sequence[str], ident: str = "R1Z") -> bytes | None:
    rt = codec.retour_type(doc)
    return retour._header_only(doc, rt, ident, date(2026, 12, 7), codes)


@pytest.mark.parametrize(("name", "doc"), DOCUMENTS, ids=[name for name, _ in DOCUMENTS])
def test_the_template_writes_what_the_builder_builds_and_checks(name: str, doc: codec.ParsedDocument) -> None:
    for codes in CODE_SETS:
        built = _build(doc, codes, checked=False)  # built as a tree and validated against the retour XSD
        written = _template(doc, codes)
        assert written is not None, "a code the builder checked is known to the template"
        assert written == built
        assert _build(doc, codes, checked=True) == built
        parsed_retour = codec.parse(written, max_bytes=MAX)
        assert parsed_retour.message_type == codec.retour_type(doc)
        assert codec.validate_xsd(parsed_retour) == []


def test_header_text_is_escaped_as_lxml_escapes_it() -> None:
    raw = parsed("WMO305").raw
    root = etree.fromstring(raw)
    ident = next(el for el in next(iter(root)).iter() if etree.QName(el).localname == "Identificatie")
    ident.text = "A&B<C>D"
    doc = codec.parse(etree.tostring(root, xml_declaration=True, encoding="UTF-8"), max_bytes=MAX)
    assert codec.validate_xsd(doc) == []
    built = _build(doc, ("0200",), checked=False)
    assert b":Identificatie>A&amp;B&lt;C&gt;D</" in built
    assert _template(doc, ("0200",)) == built


def test_a_code_never_checked_goes_through_the_builder_and_its_xsd(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(retour, "_CHECKED_CODES", {})
    doc = parsed("WMO305")
    assert _template(doc, ("0001",)) is None  # nothing checked yet for WMO306
    with pytest.raises(ValueError, match="not valid against its XSD"):
        _build(doc, ("9999",), checked=True)
    _build(doc, ("0001",), checked=True)  # built and checked once ...
    assert _template(doc, ("0001",)) is not None  # ... then written from the template
    assert _template(doc, ("0001", "9999")) is None
    assert {by_number("iwmo", 306).namespace: {"0001"}} == retour._CHECKED_CODES


@pytest.mark.parametrize("ident", ["x" * 13, "", "  ", "a\nb", "a&b"])
def test_an_identificatie_the_template_cannot_vouch_for_goes_through_the_builder(ident: str) -> None:
    doc = parsed("WMO305")
    _build(doc, ("0200",), checked=False)
    assert _template(doc, ("0200",), ident) is None
    if ident == "a&b":
        assert b">a&amp;b<" in _build(doc, ("0200",), checked=True, ident=ident)
    else:
        with pytest.raises(ValueError, match="not valid against its XSD"):
            _build(doc, ("0200",), checked=True, ident=ident)


def _class_code_paths(doc: codec.ParsedDocument) -> list[dict[str, tuple[str, ...]]]:
    """Every class approved (0200 by default); the first, the last and every class with codes of their own."""
    classes = codec.retour_classes(doc)
    return [
        {},
        {classes[0]: ("8848", "9056")},
        {classes[-1]: ("0001",)},
        dict.fromkeys(classes, ("0233", "0200")),
    ]


def _written(
    doc: codec.ParsedDocument, codes: Sequence[str], class_codes: dict[str, tuple[str, ...]]
) -> bytes | None:
    return retour._written(doc, codec.retour_type(doc), "R1Z", date(2026, 12, 7), codes, class_codes)


def _build_classes(
    doc: codec.ParsedDocument, codes: Sequence[str], class_codes: dict[str, tuple[str, ...]], *, checked: bool
) -> bytes:
    return codec.build_retour(
        doc, identificatie_retour="R1Z", dagtekening_retour=date(2026, 12, 7), header_codes=codes,
        class_codes=class_codes, header_checked=checked,
    )


@pytest.mark.parametrize(("name", "doc"), DOCUMENTS, ids=[name for name, _ in DOCUMENTS])
def test_the_text_retour_with_class_codes_is_what_the_builder_builds_and_checks(
    name: str, doc: codec.ParsedDocument
) -> None:
    for codes in CODE_SETS:
        for class_codes in _class_code_paths(doc):
            built = _build_classes(doc, codes, class_codes, checked=False)  # a tree, checked against the XSD
            written = _written(doc, codes, class_codes)
            assert written is not None, "codes the builder checked in these classes are known to the writer"
            assert written == built
            assert _build_classes(doc, codes, class_codes, checked=True) == built
            parsed_retour = codec.parse(written, max_bytes=MAX)
            assert parsed_retour.message_type == codec.retour_type(doc)
            assert codec.validate_xsd(parsed_retour) == []


def test_a_class_code_never_checked_in_that_class_goes_through_the_builder(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(retour, "_CHECKED_CODES", {})
    monkeypatch.setattr(retour, "_CHECKED_CLASS_CODES", {})
    doc = parsed("WMO301")
    classes = codec.retour_classes(doc)
    assert _written(doc, ("0200",), {}) is None  # nothing checked yet for WMO302
    with pytest.raises(ValueError, match="not valid against its XSD"):
        _build_classes(doc, ("0200",), {classes[-1]: ("9999",)}, checked=True)
    _build_classes(doc, ("0200",), {classes[-1]: ("9056",)}, checked=True)  # built and checked once ...
    assert _written(doc, ("0200",), {classes[-1]: ("9056",)}) is not None  # ... then written as text
    assert _written(doc, ("0200",), {classes[0]: ("9056",)}) is None  # 9056 was not checked in that class
    assert _written(doc, ("0200",), {classes[-1]: ("9056", "9999")}) is None


def test_the_text_retour_refuses_what_the_builder_refuses() -> None:
    doc = parsed("WMO305")
    _build_classes(doc, ("0200",), {}, checked=False)
    with pytest.raises(ValueError, match="not berichtklassen of this WMO305: /Bericht/Nergens"):
        _build_classes(doc, ("0200",), {"/Bericht/Nergens": ("0200",)}, checked=True)
    with pytest.raises(ValueError, match="no retour codes given for /Bericht/Client"):
        _build_classes(doc, ("0200",), {"/Bericht/Client": ()}, checked=True)

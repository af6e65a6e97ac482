"""Retours built from heen documents: valid against our XSD (and the published XSD for iJw), content kept.

The heen documents are the shipped examples and generated minimal and maximal ones; a few tests read
values of the published examples and are reference comparisons (tests/kit/reference.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import date

import pytest
from lxml import etree

from gateway import codec
from handlers import messages as m
from schemas import MessageType, by_number, xsd_versions
from tests.kit import reference
from tests.kit.documents import MAX, generated, heen_types, parsed, reference_schema, shipped_example
from tests.kit.reference import needs_reference


def _documents() -> list[tuple[str, codec.ParsedDocument]]:
    docs = [(mt.name, codec.parse(shipped_example(mt.name), max_bytes=MAX)) for mt in heen_types()]
    for mt in heen_types():
        for maximal in (True, False):
            docs.append(
                (
                    f"{mt.name}-{'max' if maximal else 'min'}",
                    codec.parse(generated(mt, maximal=maximal), max_bytes=MAX),
                )
            )
    return docs


DOCUMENTS = _documents()


def _build(
    doc: codec.ParsedDocument,
    header: Sequence[str],
    classes: Mapping[str, Sequence[str]] | None,
    xslt: str | None = None,
) -> bytes:
    return codec.build_retour(
        doc,
        identificatie_retour="RET-000001",
        dagtekening_retour=date(2025, 4, 7),
        header_codes=header,
        class_codes=classes,
        xslt_versie=xslt,
    )


def _check_valid(raw: bytes, retour: MessageType) -> m.Message:
    """Parse the retour as any incoming message would be, validate against ours and the reference XSD."""
    doc = codec.parse(raw, max_bytes=MAX)
    assert doc.message_type == retour
    assert codec.validate_xsd(doc) == []
    published = reference_schema(retour) if reference.available() else None
    if retour.standard == "ijw" and reference.available():
        assert published is not None
    if published is not None:
        assert published.validate(etree.fromstring(raw)), published.error_log
    return codec.decode(doc)


def _header(msg: m.Message) -> m.RetourHeader:
    assert isinstance(msg.header, m.RetourHeader)
    return msg.header


def _body(msg: m.Message) -> object:
    if isinstance(msg, m.AntwoordBericht | m.AntwoordRetour):
        return msg.antwoord
    assert not isinstance(msg, m.DeclaratieBericht | m.DeclaratieAntwoordBericht)
    return msg.client


def _without_codes(value: object) -> object:
    """The same dataclass tree with every `retourcodes` emptied."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _without_codes(getattr(value, f.name)) for f in dataclasses.fields(value)}
        if "retourcodes" in changes:
            changes["retourcodes"] = ()
        return dataclasses.replace(value, **changes)
    if isinstance(value, tuple):
        return tuple(_without_codes(item) for item in value)
    return value


@pytest.mark.parametrize(("name", "doc"), DOCUMENTS, ids=[name for name, _ in DOCUMENTS])
def test_header_only_retours(name: str, doc: codec.ParsedDocument) -> None:
    heen = codec.decode(doc)
    assert isinstance(heen.header, m.Header)
    retour_type = by_number(doc.message_type.standard, doc.message_type.number + 1)
    for codes, xslt in (((), None), (("0001",), "1.1.1"), (("9056",), None), (("8848", "9056"), None)):
        msg = _check_valid(_build(doc, codes, None, xslt), retour_type)
        header = _header(msg)
        assert header.heen == dataclasses.replace(heen.header, berichtcode=retour_type.berichtcode)
        assert (header.identificatie_retour, header.dagtekening_retour) == ("RET-000001", date(2025, 4, 7))
        assert header.xsd_versie_retour == xsd_versions(retour_type)
        assert (header.retourcodes, header.xslt_versie) == (codes, xslt)
        assert _body(msg) is None


@pytest.mark.parametrize(("name", "doc"), DOCUMENTS, ids=[name for name, _ in DOCUMENTS])
def test_class_retours_keep_the_content_and_code_every_class(name: str, doc: codec.ParsedDocument) -> None:
    heen = codec.decode(doc)
    classes = codec.retour_classes(doc)
    codes = {classes[-1]: ["9350", "9351"]}
    if len(classes) > 2:
        codes[classes[1]] = ["0233"]
    msg = _check_valid(_build(doc, ["0200"], codes), codec.retour_type(doc))
    assert _header(msg).retourcodes == ("0200",)
    assert _without_codes(_body(msg)) == _body(heen)
    found = _codes_by_xpath(_body(msg))
    assert list(found) == classes
    assert found == {xpath: tuple(codes.get(xpath, ["0200"])) for xpath in classes}


def _codes_by_xpath(value: object) -> dict[str, tuple[str, ...]]:
    found: dict[str, tuple[str, ...]] = {}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {field.name: getattr(value, field.name) for field in dataclasses.fields(value)}
        if "retourcodes" in fields:
            found[fields["xpath"]] = fields["retourcodes"]
        for item in fields.values():
            found.update(_codes_by_xpath(item))
    elif isinstance(value, tuple):
        for item in value:
            found.update(_codes_by_xpath(item))
    return dict(sorted(found.items(), key=lambda item: _document_order(item[0])))


def _document_order(xpath: str) -> list[object]:
    order = [
        "Client",
        "Relaties",
        "Contactgegevens",
        "ToegewezenProducten",
        "Verzoek",
        "OngewijzigdeProducten",
        "TeWijzigenProducten",
        "NieuweProducten",
        "Antwoord",
        "Woonplaatsbeginsel",
    ]
    key: list[object] = []
    for step in xpath.split("/")[2:]:
        name, _, position = step.partition("[")
        key += [order.index(name) if name in order else 99, int(position.rstrip("]") or 0)]
    return key


@needs_reference
def test_retour_classes_of_wmo301() -> None:
    assert codec.retour_classes(parsed("WMO301.xml")) == [
        "/Bericht/Client",
        "/Bericht/Client/Relaties/Relatie[1]",
        "/Bericht/Client/Relaties/Relatie[1]/Contact",
        "/Bericht/Client/Relaties/Relatie[2]",
        "/Bericht/Client/Relaties/Relatie[2]/Contact",
        "/Bericht/Client/Contactgegevens/Contact",
        "/Bericht/Client/ToegewezenProducten/ToegewezenProduct",
    ]


@needs_reference
def test_retour_of_jw319_with_woonplaatsbeginsel() -> None:
    doc = codec.parse(generated(by_number("ijw", 319), maximal=True), max_bytes=MAX)
    assert codec.retour_classes(doc) == ["/Bericht/Antwoord", "/Bericht/Antwoord/Woonplaatsbeginsel"]
    msg = _check_valid(
        _build(doc, ["0200"], {"/Bericht/Antwoord/Woonplaatsbeginsel": ["S300"]}), by_number("ijw", 320)
    )
    assert isinstance(msg, m.AntwoordRetour)
    assert msg.antwoord is not None
    assert msg.antwoord.retourcodes == ("0200",)
    assert msg.antwoord.woonplaatsbeginsel is not None
    assert msg.antwoord.woonplaatsbeginsel.retourcodes == ("S300",)


@needs_reference
def test_output_bytes() -> None:
    doc = parsed("WMO305.xml")
    raw = _build(doc, ["0200"], {"/Bericht/Client/StartProducten/StartProduct[2]": ["9063"]})
    assert raw.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\r\n<wmo306:Bericht ')
    assert raw.count(b"\n") == raw.count(b"\r\n")
    assert b"\n\t\t<wmo306:Bsn>999900006</wmo306:Bsn>" in raw.replace(b"\r\n", b"\n")
    assert raw == _build(doc, ["0200"], {"/Bericht/Client/StartProducten/StartProduct[2]": ["9063"]})
    root = etree.fromstring(raw)
    assert root.nsmap == {
        "wmo306": by_number("iwmo", 306).namespace,
        "iwmo": by_number("iwmo", 306).basis_namespace,
    }
    assert b"wmo305" not in raw


@needs_reference
def test_afzender_and_ontvanger_are_not_swapped() -> None:
    msg = codec.decode(codec.parse(_build(parsed("WMO305.xml"), (), None), max_bytes=MAX))
    assert (_header(msg).heen.afzender, _header(msg).heen.ontvanger) == ("65656055", "0363")


@needs_reference
def test_bad_arguments() -> None:
    doc = parsed("WMO305.xml")
    with pytest.raises(ValueError, match="StartProduct\\[3\\]"):
        _build(doc, ["0200"], {"/Bericht/Client/StartProducten/StartProduct[3]": ["9063"]})
    with pytest.raises(ValueError, match="no retour codes given"):
        _build(doc, ["0200"], {"/Bericht/Client": []})
    with pytest.raises(TypeError):
        _build(doc, "0001", None)
    with pytest.raises(ValueError, match="not valid against its XSD"):
        _build(doc, ["9999"], None)
    with pytest.raises(ValueError, match="not valid against its XSD"):
        codec.build_retour(
            doc,
            identificatie_retour="x" * 13,
            dagtekening_retour=date(2025, 1, 1),
            header_codes=(),
            class_codes=None,
        )


@pytest.mark.parametrize("name", ["WMO323", "JW302", "JW316", "WMO325", "JW320"])
def test_no_retour_for_declaratie_and_retours(name: str) -> None:
    with pytest.raises(ValueError, match="has no retour message"):
        _build(codec.parse(shipped_example(name), max_bytes=MAX), (), None)


def test_example_bytes_untouched_by_building() -> None:
    doc = codec.parse(shipped_example("JW301"), max_bytes=MAX)
    before = etree.tostring(doc.root)
    _build(doc, ["0200"], {})
    assert etree.tostring(doc.root) == before
    assert doc.raw == shipped_example("JW301")

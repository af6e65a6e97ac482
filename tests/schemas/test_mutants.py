"""Mutants of every message type get the same verdict from our XSD as from the reference XSD."""

from __future__ import annotations

import functools
from collections import Counter

import pytest
from lxml import etree

from schemas import MessageType, by_number, message_types, schema
from schemas.mutants import build, mutants, mutate_in_place, values
from schemas.spec.basis import basisschema
from schemas.spec.model import ComplexType
from tests.kit import reference
from tests.kit.conformance import PARSER, published, reference_schema, seeds, spec_of
from tests.kit.reference import needs_reference

WITH_REFERENCE = [mt for mt in message_types() if published(mt)]
WMO_WITHOUT_REFERENCE = [mt for mt in message_types() if not published(mt)]
MIN_MUTANTS = 300


@pytest.mark.parametrize("mt", message_types(), ids=lambda mt: mt.name)
def test_generated_seeds_are_valid(mt: MessageType) -> None:
    for maximal in (False, True):
        document = build(spec_of(mt), maximal=maximal)
        assert schema(mt).validate(document), schema(mt).error_log
        if reference.available() and published(mt):
            assert reference_schema(mt).validate(document), reference_schema(mt).error_log


@needs_reference
@pytest.mark.parametrize("mt", WITH_REFERENCE, ids=lambda mt: mt.name)
def test_mutants_same_verdict_as_reference(mt: MessageType) -> None:
    ours, reference = schema(mt), reference_schema(mt)
    verdicts: Counter[bool] = Counter()
    disagreements = []
    for seed_name, root in seeds(mt).items():
        for label in mutate_in_place(root, spec_of(mt)):
            verdict = ours.validate(root)
            verdicts[verdict] += 1
            if verdict != reference.validate(root):
                disagreements.append(f"{seed_name}: {label}")
    assert disagreements == []
    assert sum(verdicts.values()) >= MIN_MUTANTS
    assert verdicts[True] > 0
    assert verdicts[False] > 0


# Values from the JW code lists that differ by standard, mapped onto iWmo values with the same verdict.
def _code_map(type_name: str) -> dict[str, str]:
    jw = basisschema("ijw").simple[type_name].enumeration
    wmo = basisschema("iwmo").simple[type_name].enumeration
    mapping = {code: code if code in wmo else wmo[i % len(wmo)] for i, code in enumerate(jw)}
    mapping.update({code: "ZZ" for code in wmo if code not in jw})
    return mapping


CODE_MAPS = {name: _code_map(name) for name in ("LDT_ProductCategorie", "LDT_RedenBeeindiging")}
JW_ONLY = ("GezagsdragerBekend", "Woonplaatsbeginsel")


@functools.cache
def _names_of_type(mt: MessageType, type_names: frozenset[str]) -> set[str]:
    """Local names of the elements whose simple type derives from one of ``type_names``."""
    found: set[str] = set()
    stack = [spec_of(mt).root]
    while stack:
        for child in stack.pop().children:
            if isinstance(child.type, ComplexType):
                stack.append(child.type)
            elif {t.name for t in child.type.chain()} & type_names:
                found.add(child.name)
    return found


def _iter_named(root: etree._Element, names: set[str]) -> list[etree._Element]:
    # lxml's iter() without tags would walk every element.
    return list(root.iter(*(f"{{*}}{name}" for name in names))) if names else []


def as_iwmo(root: etree._Element, jw: MessageType, wmo: MessageType) -> etree._Element:
    """A JW document in iWmo terms: namespaces, BerichtCode and the per-standard code lists."""
    text = etree.tostring(root)
    for old, new in ((jw.namespace, wmo.namespace), (jw.basis_namespace, wmo.basis_namespace)):
        text = text.replace(old.encode(), new.encode())
    mapped = etree.fromstring(text, PARSER)
    for type_name, mapping in CODE_MAPS.items():
        for node in _iter_named(mapped, _names_of_type(jw, frozenset({type_name}))):
            node.text = mapping.get(node.text or "", node.text)
    codes = {jw.berichtcode: wmo.berichtcode, wmo.berichtcode: "000"}
    for node in _iter_named(mapped, _names_of_type(jw, frozenset({"LDT_BerichtCode"}))):
        node.text = codes.get(node.text or "", node.text)
    return mapped


def _jw_seeds(jw: MessageType) -> dict[str, etree._Element]:
    found = seeds(jw)
    for root in found.values():
        for node in list(root.iter("{*}" + JW_ONLY[0], "{*}" + JW_ONLY[1])):
            parent = node.getparent()
            assert parent is not None
            parent.remove(node)
    return found


@needs_reference
@pytest.mark.parametrize("wmo", WMO_WITHOUT_REFERENCE, ids=lambda mt: mt.name)
def test_wmo_retour_same_verdict_as_jw_reference(wmo: MessageType) -> None:
    jw = by_number("ijw", wmo.number)
    ours, reference = schema(wmo), reference_schema(jw)
    verdicts: Counter[bool] = Counter()
    disagreements = []
    for seed_name, root in _jw_seeds(jw).items():
        for label in mutate_in_place(root, spec_of(jw)):
            verdict = ours.validate(as_iwmo(root, jw, wmo))
            verdicts[verdict] += 1
            if verdict != reference.validate(root):
                disagreements.append(f"{seed_name}: {label}")
    assert disagreements == []
    assert sum(verdicts.values()) >= MIN_MUTANTS
    assert verdicts[True] > 0
    assert verdicts[False] > 0


@pytest.mark.parametrize(
    ("type_name", "value"),
    [("LDT_Datum", "2023-02-30"), ("LDT_Datum", "2023-01-01Z"), ("LDT_Datum", "2023-01-01+01:00"),
     ("LDT_Tijd", "12:00:00Z"), ("LDT_Tijd", "12:00:00+01:00"), ("LDT_Nummer", "+1"), ("LDT_Nummer", "007"),
     ("LDT_AgbCode", "111111111"), ("LDT_ProductCategorie", "99"), ("LDT_Referentie", " ")],
)  # fmt: skip
def test_edge_values_are_generated(type_name: str, value: str) -> None:
    assert value in values(basisschema("iwmo").simple[type_name])


@needs_reference
@pytest.mark.parametrize(
    ("value", "valid"),
    [("2023-02-28", True), ("2024-02-29", True), ("2023-02-30", False), ("2023-01-01Z", False),
     ("2023-01-01+01:00", False), (" 2023-01-01 ", True), ("2023-1-01", False)],
)  # fmt: skip
def test_date_edges_against_reference(value: str, valid: bool) -> None:
    mt = by_number("iwmo", 305)
    root = build(spec_of(mt), maximal=False)
    begindatum = next(node for node in root.iter("{*}Begindatum"))
    begindatum.text = value
    assert schema(mt).validate(root) is valid
    assert reference_schema(mt).validate(root) is valid


def test_mutants_as_bytes_leave_the_seed_alone() -> None:
    mt = by_number("ijw", 319)
    root = build(spec_of(mt), maximal=True)
    before = etree.tostring(root)
    produced = list(mutants(root, spec_of(mt)))
    assert etree.tostring(root) == before
    assert len({m.document for m in produced}) > MIN_MUTANTS / 2
    assert all(m.document.startswith(b"<?xml") for m in produced)

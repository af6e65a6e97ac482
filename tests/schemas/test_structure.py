"""Cross-check of our declarative description against the published reference XSDs, read with xmlschema."""

from __future__ import annotations

from typing import Any

import pytest

from schemas import MessageType, by_number, message_types
from schemas.registry import basis_namespace
from schemas.spec.basis import basisschema
from schemas.spec.model import Element, SimpleType
from tests.kit.conformance import REFERENCE, published, reference_xsd, spec_of, xs_schema
from tests.kit.reference import needs_reference

WITH_REFERENCE = [mt for mt in message_types() if published(mt)]
WMO_WITHOUT_REFERENCE = [mt for mt in message_types() if not published(mt)]
Tree = tuple[Any, ...]
XSD_NS = "http://www.w3.org/2001/XMLSchema"


def _spec_simple(st: SimpleType) -> Tree:
    chain = tuple(
        (t.name, t.enumeration, t.min_length, t.max_length, t.pattern, t.min_inclusive, t.max_inclusive)
        for t in st.chain()
    )
    return ("simple", st.chain()[-1].base, chain)


def _spec(element: Element, ns: str, basis_ns: str, in_basis: bool) -> Tree:
    type_ = element.type
    head = (element.name, basis_ns if in_basis else ns, element.min_occurs, element.max_occurs)
    if isinstance(type_, SimpleType):
        return (*head, _spec_simple(type_))
    children = tuple(_spec(child, ns, basis_ns, type_.basis) for child in type_.children)
    return (*head, ("complex", type_.name, basis_ns if type_.basis else ns, children))


def _xs_own(t: Any) -> Tree:
    """The facets declared in this derivation step itself (xmlschema also copies inherited ones)."""
    elem = t.elem if t.elem.tag == f"{{{XSD_NS}}}restriction" else t.elem.find(f"{{{XSD_NS}}}restriction")
    facets: dict[str, list[str]] = {}
    for facet in elem:
        facets.setdefault(facet.tag.split("}")[1], []).append(facet.get("value"))

    def one(name: str) -> str | None:
        assert len(facets.get(name, [])) <= 1, f"{t.local_name}: several {name}"
        return facets.get(name, [None])[0]

    def number(name: str) -> int | None:
        value = one(name)
        return None if value is None else int(value)

    assert set(facets) <= {
        "enumeration",
        "minLength",
        "maxLength",
        "pattern",
        "minInclusive",
        "maxInclusive",
        "annotation",
    }
    return (
        t.local_name, tuple(facets.get("enumeration", ())), number("minLength"), number("maxLength"),
        one("pattern"), number("minInclusive"), number("maxInclusive"),
    )  # fmt: skip


def _xs_simple(t: Any) -> Tree:
    chain = []
    while t.target_namespace != XSD_NS:
        chain.append(_xs_own(t))
        t = t.base_type
    return ("simple", t.local_name, tuple(chain))


def _xs(element: Any) -> Tree:
    head = (element.local_name, element.target_namespace, element.min_occurs, element.max_occurs)
    t = element.type
    if t.is_simple():
        return (*head, _xs_simple(t))
    children = tuple(_xs(child) for child in t.content.iter_elements())
    return (*head, ("complex", t.local_name, t.target_namespace, children))


def spec_tree(mt: MessageType) -> Tree:
    """Our structure of a message as a comparable tree."""
    root = Element("Bericht", spec_of(mt).root)
    return _spec(root, mt.namespace, mt.basis_namespace, in_basis=False)


def xsd_tree(mt: MessageType, path: Any) -> Tree:
    """The structure an XSD declares for the root element, as a comparable tree."""
    return _xs(xs_schema(path).elements["Bericht"])


@needs_reference
@pytest.mark.parametrize("mt", WITH_REFERENCE, ids=lambda mt: mt.name)
def test_spec_equals_reference_xsd(mt: MessageType) -> None:
    assert spec_tree(mt) == xsd_tree(mt, reference_xsd(mt))


@pytest.mark.parametrize("mt", message_types(), ids=lambda mt: mt.name)
def test_spec_equals_our_xsd(mt: MessageType) -> None:
    assert spec_tree(mt) == xsd_tree(mt, mt.xsd_path)


@needs_reference
@pytest.mark.parametrize("standard", ["iwmo", "ijw"])
def test_basisschema_types_equal_reference(standard: str) -> None:
    reference = xs_schema(REFERENCE / "xsd" / f"{standard}-3.2" / "basisschema.xsd")
    ours = basisschema(standard)
    ref_types: list[Any] = list(reference.types.values())
    ref_simple = {t.local_name: _xs_simple(t) for t in ref_types if t.is_simple()}
    assert ref_simple == {name: _spec_simple(t) for name, t in ours.simple.items()}
    ns = basis_namespace(standard)
    ref_complex = {
        t.local_name: tuple(_xs(child) for child in t.content.iter_elements())
        for t in ref_types if not t.is_simple()
    }  # fmt: skip
    assert ref_complex == {
        name: tuple(_spec(child, ns, ns, in_basis=True) for child in t.children)
        for name, t in ours.composite.items()
    }


def _rename(tree: Tree, jw: MessageType, wmo: MessageType) -> Tree:
    """A JW reference tree in iWmo terms: namespaces, BerichtCode and the two per-standard code lists."""
    swaps = {jw.namespace: wmo.namespace, jw.basis_namespace: wmo.basis_namespace, (jw.berichtcode,): None}
    wmo_codes = basisschema("iwmo").simple

    def walk(node: Any) -> Any:
        if isinstance(node, tuple):
            if node and node[0] in ("LDT_ProductCategorie", "LDT_RedenBeeindiging"):
                return (node[0], wmo_codes[node[0]].enumeration, *node[2:])
            if len(node) == 7 and node[0] is None and node[4] == jw.berichtcode:
                return (None, (), None, None, wmo.berichtcode, None, None)
            return tuple(walk(item) for item in node)
        return swaps.get(node, node)

    return tuple(walk(tree))


def _without(tree: Tree, names: set[str]) -> Tree:
    if isinstance(tree, tuple):
        return tuple(
            _without(item, names)
            for item in tree
            if not (isinstance(item, tuple) and item[:1] and item[0] in names)
        )
    return tree


@needs_reference
@pytest.mark.parametrize("wmo", WMO_WITHOUT_REFERENCE, ids=lambda mt: mt.name)
def test_wmo_retour_spec_equals_jw_reference_modulo_standard(wmo: MessageType) -> None:
    jw = by_number("ijw", wmo.number)
    reference = _without(
        _rename(xsd_tree(jw, reference_xsd(jw)), jw, wmo), {"GezagsdragerBekend", "Woonplaatsbeginsel"}
    )
    assert spec_tree(wmo) == reference


@needs_reference
def test_only_the_wmo_retours_lack_a_reference() -> None:
    assert [mt for mt in message_types() if reference_xsd(mt).exists() != published(mt)] == []
    assert sorted(mt.name for mt in WMO_WITHOUT_REFERENCE) == [
        "WMO302", "WMO306", "WMO308", "WMO316", "WMO318", "WMO320", "WMO325",
    ]  # fmt: skip

"""Writes XSD documents (bytes) from the declarative description in ``schemas.spec``."""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from schemas.registry import basis_namespace, by_number
from schemas.spec.basis import XSD_VERSION, basisschema
from schemas.spec.model import ComplexType, Element, Message, SimpleType

XS = "http://www.w3.org/2001/XMLSchema"
_FACETS = (
    ("min_length", "minLength"),
    ("max_length", "maxLength"),
    ("pattern", "pattern"),
    ("min_inclusive", "minInclusive"),
    ("max_inclusive", "maxInclusive"),
)


def _xs(parent: etree._Element, tag: str, **attrib: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{XS}}}{tag}", attrib)


def _doc(parent: etree._Element, text: str) -> None:
    _xs(_xs(parent, "annotation"), "documentation").text = text


def _appinfo(schema: etree._Element, standard: str, bericht: str, kinds: tuple[str, ...]) -> None:
    appinfo = _xs(_xs(schema, "annotation"), "appinfo")
    ns, version = basis_namespace(standard), XSD_VERSION[standard]
    fields = [("standaard", standard), ("bericht", bericht), ("release", "3.2")]
    fields += [(f"{kind}Xsd{step}Versie", version) for kind in kinds for step in ("", "Min", "Max")]
    for name, value in fields:
        etree.SubElement(appinfo, f"{{{ns}}}{name}").text = value


def _restriction(parent: etree._Element, st: SimpleType, base: str) -> None:
    restriction = _xs(parent, "restriction", base=base)
    for value in st.enumeration:
        _xs(restriction, "enumeration", value=value)
    for attr, facet in _FACETS:
        value = getattr(st, attr)
        if value is not None:
            _xs(restriction, facet, value=str(value))


def _schema(standard: str, target: str, own_prefix: str) -> etree._Element:
    nsmap = {"xs": XS, standard: basis_namespace(standard), own_prefix: target}
    return etree.Element(
        f"{{{XS}}}schema", {"targetNamespace": target, "elementFormDefault": "qualified"}, nsmap=nsmap
    )


def _serialize(schema: etree._Element) -> bytes:
    etree.indent(schema, space="\t")
    return etree.tostring(schema, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _sequence(parent: etree._Element, type_: ComplexType, local_prefix: str, basis_prefix: str) -> None:
    sequence = _xs(parent, "sequence")
    for element in type_.children:
        attrib = {"name": element.name}
        if element.min_occurs != 1:
            attrib["minOccurs"] = str(element.min_occurs)
        if element.max_occurs != 1:
            attrib["maxOccurs"] = "unbounded" if element.max_occurs is None else str(element.max_occurs)
        _element(sequence, element, attrib, local_prefix, basis_prefix)


def _element(
    parent: etree._Element, element: Element, attrib: dict[str, str], local: str, basis: str
) -> None:
    type_ = element.type
    if isinstance(type_, SimpleType) and type_.name is None:
        node = _xs(parent, "element", **attrib)
        assert type_.parent is not None
        assert type_.parent.name is not None
        _restriction(_xs(node, "simpleType"), type_, f"{basis}:{type_.parent.name}")
        return
    assert type_.name is not None
    in_basis = isinstance(type_, SimpleType) or type_.basis
    _xs(parent, "element", **attrib, type=f"{basis if in_basis else local}:{type_.name}")


def basisschema_xsd(standard: str) -> bytes:
    """The basisschema XSD of a standard."""
    spec = basisschema(standard)
    schema = _schema(standard, basis_namespace(standard), standard)
    _appinfo(schema, standard, "basisschema", ("Basisschema",))
    for composite in spec.composite.values():
        node = _xs(schema, "complexType", name=composite.name)
        _sequence(node, composite, standard, standard)
    for simple in spec.simple.values():
        assert simple.name is not None
        node = _xs(schema, "simpleType", name=simple.name)
        _restriction(node, simple, f"xs:{simple.base}")
    return _serialize(schema)


def local_types(root: ComplexType) -> Iterator[ComplexType]:
    """The message-local complex types under ``root`` (root first, depth-first, each name once)."""
    seen: dict[str, ComplexType] = {}
    stack = [root]
    while stack:
        type_ = stack.pop()
        if type_.name in seen:
            if seen[type_.name] != type_:
                raise ValueError(f"two different local types named {type_.name}")
            continue
        seen[type_.name] = type_
        yield type_
        nested = [e.type for e in type_.children if isinstance(e.type, ComplexType) and not e.type.basis]
        stack.extend(reversed(nested))


def message_xsd(message: Message) -> bytes:
    """The XSD of one message, importing the basisschema next to it."""
    mt = by_number(message.standard, message.number)
    prefix = mt.name.lower()
    schema = _schema(message.standard, mt.namespace, prefix)
    _xs(schema, "import", namespace=mt.basis_namespace, schemaLocation="basisschema.xsd")
    _appinfo(schema, message.standard, prefix, ("Bericht", "Basisschema"))
    _xs(schema, "element", name="Bericht", type=f"{prefix}:Root")
    for type_ in local_types(message.root):
        node = _xs(schema, "complexType", name=type_.name)
        if type_ is message.root:
            _doc(node, f"{message.purpose} ({mt.name}, {message.standard} 3.2).")
        _sequence(node, type_, prefix, message.standard)
    return _serialize(schema)

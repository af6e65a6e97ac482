"""Generated documents and mutants of them (structure and facet edges), derived from ``schemas.spec``."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from schemas.registry import basis_namespace, by_number
from schemas.spec.model import ComplexType, Element, Message, SimpleType

_DATES = (
    "2023-02-28", "2024-02-29", "2023-02-29", "2023-02-30", "2023-04-31", "2023-13-01", "2023-00-10",
    "2023-1-01", "2023-01-1", "2023-01-01Z", "2023-01-01+01:00", "2023-01-01-05:00", "20230101",
    "12023-01-01", "-2023-01-01", "0000-01-01", "0001-01-01", "9999-12-31", "2023-01-01T00:00:00",
    " 2023-01-01 ", "2023/01/01",
)  # fmt: skip
_TIMES = (
    "00:00:00", "23:59:59", "24:00:00", "23:60:00", "23:59:60", "12:00", "12:00:00Z", "12:00:00+01:00",
    "12:00:00-01:00", "12:00:00.123", "12:00:00.", "1:00:00", " 12:00:00 ", "T12:00:00",
)  # fmt: skip
_ALWAYS = ("", " ", "\t", "\n", "x", "é", "0")


@dataclass(frozen=True, slots=True)
class Mutant:
    """One mutated document and what was done to it."""

    label: str
    document: bytes


def _namespace(message: Message) -> str:
    return by_number(message.standard, message.number).namespace


def build(message: Message, *, maximal: bool) -> etree._Element:
    """A valid document: only mandatory elements, or every element (repeating ones twice)."""
    ns, basis = _namespace(message), basis_namespace(message.standard)
    nsmap = {by_number(message.standard, message.number).name.lower(): ns, message.standard: basis}
    root = etree.Element(f"{{{ns}}}Bericht", nsmap=nsmap)
    _fill(root, message.root, ns, basis, maximal)
    return root


def _fill(node: etree._Element, type_: ComplexType, ns: str, basis: str, maximal: bool) -> None:
    child_ns = basis if type_.basis else ns
    for decl in type_.children:
        count = (2 if decl.max_occurs is None else 1) if maximal else decl.min_occurs
        for _ in range(count):
            child = etree.SubElement(node, f"{{{child_ns}}}{decl.name}")
            if isinstance(decl.type, SimpleType):
                child.text = decl.type.sample()
            else:
                _fill(child, decl.type, ns, basis, maximal)


def declarations(root: etree._Element, message: Message) -> Iterator[tuple[etree._Element, Element]]:
    """Every element of a document with its declaration, matched by name; unknown elements are skipped."""
    stack = [(root, Element("Bericht", message.root))]
    while stack:
        node, decl = stack.pop()
        yield node, decl
        if isinstance(decl.type, ComplexType):
            by_name = {child.name: child for child in decl.type.children}
            for child in node.iterchildren("{*}*"):
                if etree.QName(child).localname in by_name:
                    stack.append((child, by_name[etree.QName(child).localname]))


def _integer_values(st: SimpleType) -> list[str]:
    lo, hi = st.facet("min_inclusive"), st.facet("max_inclusive")
    values = ["+1", "01", "007", " 5 ", "1.0", "1e2", "-0", "abc", "１"]
    for bound in (lo, hi):
        if isinstance(bound, int):
            values += [str(bound - 1), str(bound), str(bound + 1)]
    return values


def _length_values(st: SimpleType, sample: str) -> list[str]:
    fill = sample[:1] or "a"
    values = []
    for facet in ("min_length", "max_length"):
        length = st.facet(facet)
        if isinstance(length, int):
            values += [fill * max(length - 1, 0), fill * length, fill * (length + 1)]
    return values


def _enum_values(members: tuple[str, ...]) -> list[str]:
    picked = (
        members if len(members) <= 12 else members[:4] + members[len(members) // 2 : -4 : 40] + members[-4:]
    )
    first = members[0]
    return [*picked, first + " ", " " + first, first.lower(), first * 2, "99", "ZZ", "00"]


def values(st: SimpleType) -> tuple[str, ...]:
    """Edge values for a simple type: just inside and just outside each facet, plus lexical oddities."""
    sample = st.sample()
    found = [sample, f" {sample}", f"{sample} ", sample + "x", sample + "1", *_ALWAYS]
    if sample.isdigit():
        found += [str(int(sample) + 1).zfill(len(sample)), "0" + sample, "+" + sample]
    if st.base == "integer":
        found += _integer_values(st)
    elif st.base == "date":
        found += _DATES
    elif st.base == "time":
        found += _TIMES
    members = st.facet("enumeration")
    if isinstance(members, tuple) and members:
        found += _enum_values(members)
    found += _length_values(st, sample)
    return tuple(dict.fromkeys(found))


def _path(node: etree._Element) -> str:
    return "/".join(etree.QName(n).localname for n in [*reversed(list(node.iterancestors())), node])


def _structural(node: etree._Element) -> Iterator[str]:
    parent = node.getparent()
    assert parent is not None
    index = parent.index(node)
    parent.remove(node)
    try:
        yield "remove"
    finally:
        parent.insert(index, node)
    twin = copy.deepcopy(node)
    parent.insert(index + 1, twin)
    try:
        yield "duplicate"
    finally:
        parent.remove(twin)
    following = node.getnext()
    if following is not None and following.tag != node.tag:
        parent.remove(following)
        parent.insert(index, following)
        try:
            yield f"swap with {etree.QName(following).localname}"
        finally:
            parent.remove(following)
            parent.insert(index + 1, following)


def _text(node: etree._Element, st: SimpleType) -> Iterator[str]:
    original = node.text
    try:
        for value in values(st):
            node.text = value
            yield f"value {value!r}"
    finally:
        node.text = original


def mutate_in_place(root: etree._Element, message: Message) -> Iterator[str]:
    """Mutates ``root`` in place, yields a label per mutant; the change is undone when iteration resumes."""
    seen: set[tuple[str, str]] = set()
    for node, decl in list(declarations(root, message)):
        path = _path(node)
        operations: list[Iterator[str]] = []
        if node is not root:
            operations.append(_structural(node))
        if isinstance(decl.type, SimpleType):
            operations.append(_text(node, decl.type))
        for operation in operations:
            for label in operation:
                if (path, label) not in seen:
                    seen.add((path, label))
                    yield f"{path}: {label}"


def mutants(root: etree._Element, message: Message) -> Iterator[Mutant]:
    """Every mutant of a document as serialized bytes (the document itself is left unchanged)."""
    for label in mutate_in_place(root, message):
        yield Mutant(label, etree.tostring(root, encoding="UTF-8", xml_declaration=True))

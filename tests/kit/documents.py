"""Helpers for the codec tests: example documents (shipped and published), generated documents."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from gateway import codec
from gateway.codec.paths import element_children, line, local_name
from schemas import MessageType, message_types
from schemas.mutants import build
from schemas.spec.messages import message
from tests.kit import examples as shipped
from tests.kit import reference
from tests.kit.reference import PROJECT_ROOT

__all__ = ["PROJECT_ROOT"]
MAX = 25 * 1024 * 1024
INVALID_EXAMPLES = {"JW315.xml", "JW318.xml"}  # published examples that are not XSD-valid (STANDARD.md 7)
HEEN_WITH_RETOUR = (301, 305, 307, 315, 317, 319)
EXAMPLES = reference.EXAMPLES
SHIPPED = shipped.EXAMPLES
reference_schema = reference.schema


def examples() -> list[Path]:
    """The published examples (reference tests only)."""
    return reference.examples()


def example(name: str) -> bytes:
    """A published example by file name (reference tests only)."""
    return reference.example(name)


def parsed(name: str) -> codec.ParsedDocument:
    return codec.parse(example(name), max_bytes=MAX)


def shipped_example(name: str) -> bytes:
    """One of our shipped examples by message or file name (``"WMO305"``)."""
    return shipped.example(name)


def generated(mt: MessageType, *, maximal: bool) -> bytes:
    """A schema-valid document of this type with every (maximal) or only mandatory elements."""
    root = build(message(mt.standard, mt.number), maximal=maximal)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def all_types() -> list[MessageType]:
    return list(message_types())


def heen_types() -> list[MessageType]:
    return [mt for mt in message_types() if mt.number in HEEN_WITH_RETOUR]


@dataclass
class Canary:
    """A URL base on 127.0.0.1 (the `canary` fixture); `requests` lists every path fetched from it."""

    base: str
    requests: list[str] = field(default_factory=list)


# The reference for `paths.line_at`: every element's XPath and line at once (what it walks down to).
def line_index(root: etree._Element) -> dict[str, int]:
    """XPath -> source line of every element under `root` (one walk over the tree)."""
    index: dict[str, int] = {}
    stack: list[tuple[str, etree._Element]] = [("/" + local_name(root.tag), root)]
    while stack:
        path, element = stack.pop()
        index[path] = line(element) or 0
        children = element_children(element)
        counts: dict[str, int] = {}
        for child in children:
            name = local_name(child.tag)
            counts[name] = counts.get(name, 0) + 1
        seen: dict[str, int] = {}
        for child in children:
            name = local_name(child.tag)
            seen[name] = seen.get(name, 0) + 1
            step = f"{name}[{seen[name]}]" if counts[name] > 1 else name
            stack.append((f"{path}/{step}", child))
    return index


def lookup(index: dict[str, int], xpath: str) -> int | None:
    """The line of `xpath`, or of its deepest existing ancestor when the element itself is absent.

    A step written `X[1]` also finds an only child `X`, so callers may index repeating classes always.
    """
    steps = [step for step in xpath.split("/") if step]
    found: int | None = None
    path = ""
    for step in steps:
        bare = step[:-3] if step.endswith("[1]") else step
        if f"{path}/{step}" in index:
            path = f"{path}/{step}"
        elif f"{path}/{bare}" in index:
            path = f"{path}/{bare}"
        else:
            break
        found = index[path]
    return found

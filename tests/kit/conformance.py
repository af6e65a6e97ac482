"""Helpers for the schema conformance tests: reference XSDs, seed documents, xmlschema introspection."""

from __future__ import annotations

import functools
from pathlib import Path

import xmlschema
from lxml import etree

from schemas import MessageType, by_namespace
from schemas.mutants import build
from schemas.spec.messages import message
from schemas.spec.model import Message
from tests.kit import reference

PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_blank_text=True)
REFERENCE = reference.REFERENCE
reference_xsd = reference.xsd_path


@functools.cache
def reference_schema(mt: MessageType) -> etree.XMLSchema:
    """The compiled reference XSD (tests only; the project never ships these)."""
    return etree.XMLSchema(etree.parse(str(reference_xsd(mt)), PARSER))


# The published set (STANDARD.md 0): every iJw XSD, and the iWmo heen messages only (no iWmo retour XSDs).
PUBLISHED_WMO = frozenset({301, 305, 307, 315, 317, 319, 323})


def published(mt: MessageType) -> bool:
    """Whether the reference set has an XSD of this message type (fixed, so tests collect without it)."""
    return mt.standard == "ijw" or mt.number in PUBLISHED_WMO


def examples() -> list[Path]:
    """The 3.2 reference example messages."""
    return reference.examples()


def example_type(path: Path) -> MessageType:
    """The message type of an example, from its root namespace."""
    root = etree.parse(str(path), PARSER).getroot()
    return by_namespace(etree.QName(root).namespace or "")


def spec_of(mt: MessageType) -> Message:
    """Our declarative structure of a message type."""
    return message(mt.standard, mt.number)


def seeds(mt: MessageType) -> dict[str, etree._Element]:
    """Seed documents: the reference examples of this type plus a minimal and a maximal generated one."""
    found = {
        path.name: etree.parse(str(path), PARSER).getroot() for path in examples() if path.stem == mt.name
    }
    found["minimal"] = build(spec_of(mt), maximal=False)
    found["maximal"] = build(spec_of(mt), maximal=True)
    return found


@functools.cache
def xs_schema(path: Path) -> xmlschema.XMLSchema:
    """An XSD loaded by xmlschema, for introspection (cached: loading takes a few tenths of a second)."""
    return xmlschema.XMLSchema(str(path))

"""Registry of the supported iWmo/iJw message types and their compiled XSDs (stdlib + lxml only)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

SCHEMA_ROOT = Path(__file__).resolve().parent
RELEASE = "3.2"

# Message number -> (iWmo BerichtCode, iJw BerichtCode, sender of the message).
_MESSAGES: dict[int, tuple[str, str, str]] = {
    301: ("414", "436", "gemeente"),
    302: ("415", "437", "aanbieder"),
    305: ("418", "438", "aanbieder"),
    306: ("419", "439", "gemeente"),
    307: ("420", "440", "aanbieder"),
    308: ("421", "441", "gemeente"),
    315: ("444", "446", "aanbieder"),
    316: ("445", "447", "gemeente"),
    317: ("480", "486", "aanbieder"),
    318: ("481", "487", "gemeente"),
    319: ("482", "488", "gemeente"),
    320: ("483", "489", "aanbieder"),
    323: ("484", "490", "aanbieder"),
    325: ("485", "491", "gemeente"),
}
RETOUR_NUMBERS = frozenset({302, 306, 308, 316, 318, 320})
# standard -> (prefix of the message id in names and namespaces, upper-case name prefix)
_PREFIXES: dict[str, tuple[str, str]] = {"iwmo": ("wmo", "WMO"), "ijw": ("jw", "JW")}
_NS_BASE = "http://www.istandaarden.nl"
_KNOWN_NS = re.compile(
    r"^http://www\.istandaarden\.nl/(?P<std>iwmo|ijw)/(?P<major>\d+)_(?P<minor>\d+)/"
    r"(?P<msg>(?:wmo|jw)\d{3}|basisschema)/schema(?:/\d+_\d+)?$"
)
_APPINFO_FIELDS = ("BasisschemaXsdVersie", "BerichtXsdVersie")


@dataclass(frozen=True, slots=True)
class MessageType:
    """One message type of one standard and release."""

    standard: str
    release: str
    name: str
    number: int
    berichtcode: str
    namespace: str
    basis_namespace: str
    xsd_path: Path
    is_retour: bool
    sender_role: str


class UnsupportedNamespace(ValueError):
    """The namespace is not one of a supported standard release and message."""


def supported_releases() -> tuple[str, ...]:
    """Standards and releases this registry serves, e.g. ``("iwmo 3.2", "ijw 3.2")``."""
    return tuple(f"{standard} {RELEASE}" for standard in _PREFIXES)


def basis_namespace(standard: str) -> str:
    """The basisschema namespace of a supported standard."""
    return f"{_NS_BASE}/{standard}/{RELEASE.replace('.', '_')}/basisschema/schema"


def _message_type(standard: str, number: int) -> MessageType:
    wmo_code, jw_code, sender = _MESSAGES[number]
    lower, upper = _PREFIXES[standard]
    release_dir = RELEASE.replace(".", "_")
    return MessageType(
        standard=standard,
        release=RELEASE,
        name=f"{upper}{number}",
        number=number,
        berichtcode=wmo_code if standard == "iwmo" else jw_code,
        namespace=f"{_NS_BASE}/{standard}/{release_dir}/{lower}{number}/schema",
        basis_namespace=basis_namespace(standard),
        xsd_path=SCHEMA_ROOT / standard / release_dir / f"{upper}{number}.xsd",
        is_retour=number in RETOUR_NUMBERS,
        sender_role=sender,
    )


@functools.cache
def message_types() -> tuple[MessageType, ...]:
    """All supported message types, iWmo first, in message-number order."""
    return tuple(_message_type(standard, number) for standard in _PREFIXES for number in _MESSAGES)


@functools.cache
def _by_namespace() -> dict[str, MessageType]:
    return {mt.namespace: mt for mt in message_types()}


def _unsupported(namespace: str) -> UnsupportedNamespace:
    supported = ", ".join(supported_releases())
    match = _KNOWN_NS.match(namespace)
    if match is None:
        what = "is not an iWmo/iJw message namespace"
    else:
        release = f"{match['std']} {match['major']}.{match['minor']}"
        what = f"({release}) is not supported"
        if release in supported_releases():
            what = f"({release}, {match['msg']}) is not a supported message"
    return UnsupportedNamespace(f"namespace {namespace!r} {what}; supported: {supported}")


def by_namespace(namespace: str) -> MessageType:
    """The message type whose message namespace this is; raises UnsupportedNamespace."""
    try:
        return _by_namespace()[namespace]
    except KeyError:
        raise _unsupported(namespace) from None


def by_name(name: str) -> MessageType:
    """The message type by name, e.g. ``"WMO305"`` or ``"JW301"``; raises KeyError."""
    for mt in message_types():
        if mt.name == name.upper():
            return mt
    raise KeyError(f"unknown message type {name!r}")


def by_number(standard: str, number: int) -> MessageType:
    """The message type by standard (``"iwmo"``/``"ijw"``) and number; raises KeyError."""
    for mt in message_types():
        if mt.standard == standard and mt.number == number:
            return mt
    raise KeyError(f"unknown message type {standard} {number}")


class _LocalOnly(etree.Resolver):
    """Resolves schema imports to files inside our schema folder, nothing else."""

    # lxml-stubs leave out the context argument that lxml passes.
    def resolve(self, system_url: str, public_id: str, context: object) -> object:  # type: ignore[override]
        path = Path(system_url.removeprefix("file://")).resolve()
        if path.is_file() and path.is_relative_to(SCHEMA_ROOT):
            return self.resolve_string(path.read_bytes(), context, base_url=str(path))
        raise UnsupportedNamespace(f"refusing to load schema document {system_url!r}")


def _parser() -> etree.XMLParser:
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
    )
    parser.resolvers.add(_LocalOnly())
    return parser


@functools.cache
def _xsd_document(path: Path) -> etree._ElementTree:
    if not path.resolve().is_relative_to(SCHEMA_ROOT):
        raise ValueError(f"{path} is not one of our schema files")
    return etree.parse(str(path), _parser())


@functools.cache
def schema(mt: MessageType) -> etree.XMLSchema:
    """The compiled XSD of a message type, compiled once per process."""
    return etree.XMLSchema(_xsd_document(mt.xsd_path))


@functools.cache
def xsd_versions(mt: MessageType) -> tuple[str, str]:
    """(BasisschemaXsdVersie, BerichtXsdVersie) from the appinfo of our XSD for this message type."""
    root = _xsd_document(mt.xsd_path).getroot()
    found = []
    for field in _APPINFO_FIELDS:
        value = root.findtext(
            f"{{{etree.QName(root).namespace}}}annotation/"
            f"{{{etree.QName(root).namespace}}}appinfo/{{{mt.basis_namespace}}}{field}"
        )
        if value is None:
            raise ValueError(f"{mt.xsd_path.name}: appinfo lacks {field}")
        found.append(value)
    return found[0], found[1]

"""Hardened parsing of one message into a `ParsedDocument`, or a `DocumentError` saying what and where.

Refused before or instead of parsing, never expanded or fetched: documents over the size limit,
non-UTF-8 encodings (UTF-16/32, any other declared encoding), a DOCTYPE (so no DTD, no entity
declarations), entity references other than the five predefined ones, and XInclude elements.
A UTF-8 byte order mark is tolerated: the standard forbids it for senders (OP192), but it changes
nothing in the content, and rejecting a whole message for it helps nobody; `had_bom` records it.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from lxml import etree

from gateway.codec import paths
from handlers.findings import XSD, Finding
from schemas import registry
from schemas.registry import MessageType

NOT_XML = "not-xml"
UNSUPPORTED = "unsupported"
REJECTED_RULES = "rejected-rules"

_UTF8_BOM = b"\xef\xbb\xbf"
_USUAL_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>'
_WIDE_BOMS = {b"\xff\xfe\x00\x00": "UTF-32", b"\x00\x00\xfe\xff": "UTF-32", b"\xff\xfe": "UTF-16",
              b"\xfe\xff": "UTF-16"}
_DECLARED_ENCODING = re.compile(rb"^\s*<\?xml[^>]*?\sencoding\s*=\s*[\"']([^\"']*)[\"']")
_XINCLUDE = ("{http://www.w3.org/2001/XInclude}*", "{http://www.w3.org/2003/XInclude}*")
_local = threading.local()


class DocumentError(ValueError):
    """The document cannot be used; `verdict` is `not-xml`, `unsupported` or `rejected-rules`."""

    def __init__(self, verdict: str, findings: Sequence[Finding]) -> None:
        self.verdict = verdict
        self.findings = tuple(findings)
        super().__init__("; ".join(finding.text for finding in self.findings))


@dataclass(frozen=True, slots=True)
class Parties:
    """The two parties in a header as written (stripped): municipality CBS code and provider AGB code."""

    afzender: str | None
    ontvanger: str | None


class ParsedDocument:
    """One well-formed message of a supported type: raw bytes, hash, message type and the lxml root."""

    __slots__ = ("_children", "_sha256", "had_bom", "message_type", "raw", "root")

    def __init__(self, raw: bytes, message_type: MessageType, root: etree._Element, had_bom: bool) -> None:
        self.raw = raw
        self.message_type = message_type
        self.root = root
        self.had_bom = had_bom
        self._sha256: str | None = None
        self._children: paths.ChildMemo = {}  # for line_of: each parent's children listed once

    @property
    def sha256(self) -> str:
        """Hex SHA-256 of the raw bytes, computed on first use: validating a document does not need it."""
        if self._sha256 is None:
            self._sha256 = hashlib.sha256(self.raw).hexdigest()
        return self._sha256

    def parties(self) -> Parties:
        """Afzender and Ontvanger of the header, read without decoding (the document may be invalid)."""
        namespace = self.message_type.namespace
        header = f"{{{namespace}}}Header/{{{namespace}}}"
        found = [self.root.find(header + name) for name in ("Afzender", "Ontvanger")]
        afzender, ontvanger = (el.text.strip() if el is not None and el.text else None for el in found)
        return Parties(afzender, ontvanger)

    def line_of(self, xpath: str) -> int | None:
        """Source line of the element at `xpath`, or of its nearest existing ancestor; None if neither."""
        return paths.line_at(self.root, xpath, self._children)

    def __repr__(self) -> str:
        return f"ParsedDocument({self.message_type.name}, {len(self.raw)} bytes, sha256={self.sha256[:12]})"


def parse(raw: bytes, *, max_bytes: int) -> ParsedDocument:
    """Parse one message with the hardened parser; raises `DocumentError` with a clear finding."""
    _check_bytes(raw, max_bytes)
    root = _parse_xml(raw)
    _check_no_xinclude(raw, root)
    message_type = _message_type(root)
    return ParsedDocument(raw, message_type, root, had_bom=raw.startswith(_UTF8_BOM))


def _refuse(code: str, text: str, *, line: int | None = None, xpath: str = "/") -> DocumentError:
    return DocumentError(NOT_XML, [Finding(XSD, code, None, xpath, text, line)])


def _check_bytes(raw: bytes, max_bytes: int) -> None:
    if len(raw) > max_bytes:
        raise _refuse("SIZE", f"document is {len(raw)} bytes, more than the limit of {max_bytes} bytes; "
                              "not parsed")
    body = raw.removeprefix(_UTF8_BOM)
    if not body or body.isspace():
        raise _refuse("XML", "document is empty", line=1)
    if body.startswith(_USUAL_DECLARATION):
        root = body.find(b"<", len(_USUAL_DECLARATION))
        if root >= 0 and body[root + 1:root + 2] not in (b"!", b"?"):
            return  # the usual prolog, declaration and root element: UTF-8 as declared, no DOCTYPE
    _check_encoding(body)
    doctype = _doctype_offset(body)
    if doctype is not None:
        line = body.count(b"\n", 0, doctype) + 1
        raise _refuse("DTD", "document type declaration (DOCTYPE) refused: DTDs and entity declarations are "
                             "not allowed; nothing was loaded or expanded", line=line)


def _doctype_offset(body: bytes) -> int | None:
    """Where a DOCTYPE starts in the prolog, before the root element; `<!DOCTYPE` in content is text.

    Only the prolog is walked: an XML declaration and the root's start tag are two `find`s, cheaper than
    one scan of the whole document for `<!DOCTYPE` (`<` is everywhere, so that scan skips little).
    """
    position = body.find(b"<")
    while position >= 0 and not body.startswith(b"<!DOCTYPE", position):
        if body.startswith(b"<!--", position):
            end = body.find(b"-->", position + 4)
        elif body.startswith(b"<?", position):
            end = body.find(b"?>", position + 2)
        else:
            return None  # the root element starts here: no DOCTYPE can follow it
        position = -1 if end < 0 else body.find(b"<", end)
    return None if position < 0 else position


def _check_encoding(body: bytes) -> None:
    if body.startswith(b"<?xml ") and not body.startswith(_USUAL_DECLARATION):
        _check_declaration(body)
    if body[:1] == b"<" and body[1:2] != b"\x00":
        return  # ASCII-compatible: not UTF-16/32
    wide = next((name for bom, name in _WIDE_BOMS.items() if body.startswith(bom)), None)
    if wide is None and b"\x00" in body[:4]:
        wide = "UTF-16 or UTF-32 (without byte order mark)"
    if wide is not None:
        raise _refuse("ENCODING", f"document is encoded as {wide}; the standard requires UTF-8", line=1)


def _check_declaration(body: bytes) -> None:
    declared = _DECLARED_ENCODING.match(body[:200])
    if declared and declared[1].upper() != b"UTF-8":
        encoding = declared[1].decode("ascii", "replace")
        raise _refuse("ENCODING", f"XML declaration says encoding={encoding!r}; the standard requires UTF-8",
                      line=1)


def _parser() -> etree.XMLParser:
    # One parser per thread: lxml parsers must not be shared between threads.
    parser: etree.XMLParser | None = getattr(_local, "parser", None)
    if parser is None:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                                 dtd_validation=False, huge_tree=False, remove_comments=True,
                                 remove_pis=True, collect_ids=False)
        _local.parser = parser
    return parser


def _parse_xml(raw: bytes) -> etree._Element:
    parser = _parser()
    try:
        return etree.fromstring(raw, parser)
    except etree.XMLSyntaxError as error:
        entries = [e for e in paths.log_entries(parser.error_log) if e.level >= etree.ErrorLevels.ERROR]
        if entries:
            raise _syntax_finding(entries[0].line, entries[0].column, entries[0].message) from None
        raise _syntax_finding(error.lineno or 1, error.position[1], error.msg) from None


def _syntax_finding(line: int, column: int, message: str) -> DocumentError:
    message = message.strip()
    where = f"line {line}, column {column}"
    if message.startswith("Entity '"):
        return _refuse("ENTITY", f"{message} at {where}: entity references other than the five predefined "
                                 "ones are not allowed", line=line)
    if "Invalid bytes in character encoding" in message or "not proper UTF-8" in message:
        return _refuse("ENCODING", f"bytes at {where} are not valid UTF-8", line=line)
    if message.startswith(("Premature end of data", "EndTag: '</' not found")) or "end of data" in message:
        return _refuse("XML", f"not well-formed XML, the document is truncated ({where}: {message})",
                       line=line)
    return _refuse("XML", f"not well-formed XML at {where}: {message}", line=line)


def _check_no_xinclude(raw: bytes, root: etree._Element) -> None:
    # A DOCTYPE never reaches the parser (refused in _check_bytes); XInclude is only ever a plain element
    # here, since we never call xinclude(), but a message that tries it is refused all the same.
    if raw.rfind(b"XInclude") < 0:  # `in` anchors on the last letter, common `e`; rfind on the rare `X`
        return
    for tag in _XINCLUDE:
        found = next(root.iter(tag), None)
        if found is not None:
            raise _refuse("XINCLUDE", "XInclude element refused: documents may not include other "
                                      "documents; nothing was included",
                          line=paths.line(found), xpath=paths.xpath_of(found))


def _message_type(root: etree._Element) -> MessageType:
    tag = root.tag
    known = _BY_ROOT_TAG.get(tag) if _BY_ROOT_TAG else _root_tags().get(tag)
    if known is not None:
        return known
    namespace, _, name = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
    if name == "Bericht" and namespace:
        try:
            return registry.by_namespace(namespace)
        except registry.UnsupportedNamespace as error:
            raise _unsupported("NAMESPACE", str(error), root) from None
    supported = ", ".join(registry.supported_releases())
    if name != "Bericht":
        raise _unsupported("ROOT", f"root element is {name!r} (namespace {namespace or 'none'!r}), expected "
                                   f"'Bericht' of an iWmo/iJw message; supported: {supported}", root)
    raise _unsupported("NAMESPACE", f"root element 'Bericht' has no namespace; supported: {supported}", root)


_BY_ROOT_TAG: dict[str, MessageType] = {}


def _root_tags() -> dict[str, MessageType]:
    """`{namespace}Bericht` -> message type, so a supported root costs one dict lookup."""
    _BY_ROOT_TAG.update({f"{{{mt.namespace}}}Bericht": mt for mt in registry.message_types()})
    return _BY_ROOT_TAG


def _unsupported(code: str, text: str, root: etree._Element) -> DocumentError:
    finding = Finding(XSD, code, None, "/" + paths.local_name(root.tag), text, paths.line(root))
    return DocumentError(UNSUPPORTED, [finding])

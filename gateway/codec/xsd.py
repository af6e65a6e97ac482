"""Level 1: validation of a parsed document against our XSD of its message type.

libxml2 needs about 35 bytes of memory per character to check a pattern facet, so a 9 MB Commentaar
would cost 300 MB. Texts longer than `LONG_TEXT` characters therefore do not reach the XSD pass:
a long Commentaar (LDT_Commentaar has no maximum; its pattern only asks for one non-blank
character) is checked here and stands in as one character; any other element with such a text is
refused here, since no other type allows a value anywhere near that long.

Finding those texts must not cost a Python step per element (a 25 MB document has a million of
them): `_may_hold_long_text` scans the raw bytes in C instead. In UTF-8 the byte `<` is only ever
markup, so without comments, CDATA or processing instructions (which the parser removes or merges,
joining the texts around them) every element text lies within one run of bytes between two `<`, and
a text of more than LONG_TEXT characters needs a run of more than LONG_TEXT bytes. Only a document
with such a run, or with those constructs, has its elements walked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from lxml import etree

from gateway.codec import paths
from gateway.codec.document import ParsedDocument
from handlers.findings import XSD, Finding
from schemas import registry

_CLARK = re.compile(r"\{[^}]*\}")
_ELEMENT = re.compile(r"^Element '([^']+)'")
_VALUE = re.compile(r"(The value |Element '[^']+': )'[^']*'")
# Elements whose values are personal data: an XSD finding names the element, never its value.
PERSONAL = frozenset({
    "Bsn", "Datum", "Achternaam", "Voorvoegsel", "Voornamen", "Voorletters", "Straatnaam", "Huisnummer",
    "Huisletter", "HuisnummerToevoeging", "Postcode", "Plaatsnaam", "Telefoonnummer", "Landnummer",
    "Emailadres", "Commentaar", "Naam", "Organisatie", "Nummer", "Taal",
})
_PREFIX = re.compile(r"[^/\[\]*:]+:")


_SCHEMAS: dict[str, etree.XMLSchema] = {}  # by message namespace: cheaper to look up than the MessageType
MAX_FINDINGS = 100  # a document with more schema errors is not worth listing them all
LONG_TEXT = 65_536  # characters
_XML_SPACE = " \t\n\r"  # XSD's \s
# A run of more than LONG_TEXT bytes after a `<` without another `<`: where a long text could be.
_LONG_RUN = re.compile(rb"<[^<]{%d,}" % (LONG_TEXT + 1))
_ELEMENT_START = re.compile(rb"<[^!?]")  # the root's start tag: what comes before it is the prolog


def validate_xsd(doc: ParsedDocument) -> list[Finding]:
    """Level-1 findings (code `XSD`, no retourcode); empty when the document is schema-valid."""
    mt = doc.message_type
    schema = _SCHEMAS.get(mt.namespace) or _SCHEMAS.setdefault(mt.namespace, registry.schema(mt))
    if not _may_hold_long_text(doc.raw):  # no text can be too long: nothing to set aside
        if schema.validate(doc.root):
            return []
        return _findings(doc, paths.log_entries(schema.error_log), [])
    with _long_texts_set_aside(doc) as refused:
        if schema.validate(doc.root) and not refused:
            return []
        entries = paths.log_entries(schema.error_log)
    return _findings(doc, entries, refused)


def _findings(doc: ParsedDocument, entries: list[Any], refused: list[Finding]) -> list[Finding]:
    """At most MAX_FINDINGS findings in document order, then a count of the rest."""
    skip = {finding.xpath for finding in refused}
    findings = list(refused)
    memo: paths.StepMemo = {}
    for done, entry in enumerate(entries):
        if len(findings) == MAX_FINDINGS:
            text = f"{len(entries) - done} more schema errors not listed"
            return [*sorted(findings, key=_line), Finding(XSD, "XSD", None, "/Bericht", text, None)]
        xpath = _xpath(doc, entry.path, memo)
        if xpath not in skip:
            findings.append(Finding(XSD, "XSD", None, xpath, readable(entry.message), entry.line or None))
    return sorted(findings, key=_line)


def _line(finding: Finding) -> int:
    return finding.line or 0


@contextmanager
def _long_texts_set_aside(doc: ParsedDocument) -> Iterator[list[Finding]]:
    """Replace texts over LONG_TEXT characters for the XSD pass; yields findings for the refused ones."""
    if not _may_hold_long_text(doc.raw):
        yield []
        return
    long = [el for el in doc.root.iter() if el.text is not None and len(el.text) > LONG_TEXT]
    originals = [el.text for el in long]
    refused = [finding for el in long if (finding := _set_aside(el)) is not None]
    try:
        yield refused
    finally:
        for element, text in zip(long, originals, strict=True):
            element.text = text


def _may_hold_long_text(raw: bytes) -> bool:
    """False when no element text in `raw` (UTF-8, as `parse` accepts it) can exceed LONG_TEXT characters."""
    if len(raw) <= LONG_TEXT:
        return False
    # Comments, CDATA sections and processing instructions within the root element join texts.
    root = _ELEMENT_START.search(raw)
    start = root.start() if root else 0
    if raw.find(b"<!", start) != -1 or raw.find(b"<?", start) != -1:
        return True
    return _LONG_RUN.search(raw, start) is not None


def _set_aside(element: etree._Element) -> Finding | None:
    text, name = element.text or "", paths.local_name(element.tag)
    if name == "Commentaar" and len(element) == 0:
        element.text = "x" if text.strip(_XML_SPACE) else " "  # the same verdict from the pattern
        return None
    element.text = ""
    message = (f"Element '{name}': a value of {len(text)} characters is refused; only Commentaar may be "
               f"longer than {LONG_TEXT} characters")
    return Finding(XSD, "XSD", None, paths.xpath_of(element), message, paths.line(element))


def readable(message: str) -> str:
    """lxml's message without `{namespace}` noise, and without the value when it is personal data.

    `Element 'Begindatum': '2027-06-31' is not a valid value of the atomic type 'LDT_Datum'.`
    `Element 'Bsn': [facet 'pattern'] The value (not shown) is not accepted by the pattern '[0-9]{9}'.`
    """
    text = _CLARK.sub("", message).strip()
    element = _ELEMENT.match(text)
    if element and element[1] in PERSONAL:
        text = _VALUE.sub(lambda match: match[1] + "(not shown)", text)
    return text


def _xpath(doc: ParsedDocument, path: str | None, memo: paths.StepMemo) -> str:
    if not path:
        return "/"
    ours = paths.xpath_of_libxml2_path(doc.root, path, memo)
    return _PREFIX.sub("", path) if ours is None else ours

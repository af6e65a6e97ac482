"""One document in, one `Verdict` out: parse, message type, XSD (level 1), decode, in-message rules (level 2).

This is what the processing core, the worker and `istd validate` call. Level 2 runs only on a
schema-valid document; every finding leaves here with the line of its XPath filled in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from gateway import codec
from gateway.codec import DocumentError, ParsedDocument
from handlers.findings import XSD, Finding
from handlers.messages import Message
from handlers.rules import in_message

VerdictName = Literal["valid", "invalid-xsd", "rejected-rules", "not-xml", "unsupported"]


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome for one document; `document` is None if it was not parsed, `decoded` if not decoded."""

    message: str | None  # "WMO305"
    standard: str | None  # "iwmo" / "ijw"
    verdict: VerdictName
    findings: tuple[Finding, ...]
    document: ParsedDocument | None = None
    decoded: Message | None = None

    @property
    def valid(self) -> bool:
        return self.verdict == "valid"


def check_document(raw: bytes, *, max_bytes: int) -> Verdict:
    """The verdict on one message; never raises for bad input."""
    try:
        doc = codec.parse(raw, max_bytes=max_bytes)
    except DocumentError as error:
        return Verdict(None, None, _name(error.verdict), error.findings)
    name, standard = doc.message_type.name, doc.message_type.standard
    schema_findings = codec.validate_xsd(doc)
    if schema_findings:
        return Verdict(name, standard, "invalid-xsd", tuple(schema_findings), doc)
    try:
        decoded = codec.decode(doc)
    except DocumentError as error:
        return Verdict(name, standard, _name(error.verdict), _with_lines(doc, error.findings), doc)
    rule_findings = _with_lines(doc, in_message.check(decoded))
    verdict: VerdictName = "rejected-rules" if rule_findings else "valid"
    return Verdict(name, standard, verdict, rule_findings, doc, decoded)


def oversize(size: int, *, max_bytes: int) -> Verdict:
    """The verdict on a document of `size` bytes over the limit, without reading it."""
    text = f"document is {size} bytes, more than the limit of {max_bytes} bytes; not parsed"
    return Verdict(None, None, "not-xml", (Finding(XSD, "SIZE", None, "/", text),))


def _with_lines(doc: ParsedDocument, findings: list[Finding] | tuple[Finding, ...]) -> tuple[Finding, ...]:
    if not findings:
        return ()
    return tuple(f if f.line is not None else f.at_line(doc.line_of(f.xpath)) for f in findings)


def _name(verdict: str) -> VerdictName:
    if verdict == "unsupported":
        return "unsupported"
    return "rejected-rules" if verdict == "rejected-rules" else "not-xml"

"""The XML codec, the only code that touches XML: parse, validate (XSD), decode, build retours.

Errors::

    ValueError
     └── DocumentError(verdict, findings)   the document cannot be used as it is
           verdict "not-xml"          too large, empty, not well-formed, truncated, not UTF-8,
                                      DOCTYPE/DTD, entity reference, XInclude (parse)
           verdict "unsupported"      root element not Bericht, namespace not a supported message (parse)
           verdict "rejected-rules"   schema-valid value Python cannot hold, e.g. year 12023 (decode)

XSD violations are not exceptions: `validate_xsd` returns level-1 findings.
"""

from gateway.codec.decode import decode
from gateway.codec.document import (
    NOT_XML,
    REJECTED_RULES,
    UNSUPPORTED,
    DocumentError,
    ParsedDocument,
    Parties,
    parse,
)
from gateway.codec.retour import build_retour, retour_classes, retour_type
from gateway.codec.xsd import validate_xsd

__all__ = [
    "NOT_XML",
    "REJECTED_RULES",
    "UNSUPPORTED",
    "DocumentError",
    "ParsedDocument",
    "Parties",
    "build_retour",
    "decode",
    "parse",
    "retour_classes",
    "retour_type",
    "validate_xsd",
]

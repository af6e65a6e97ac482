"""What every message builder of the tests shares: the test parties, and each message type's identity.

BerichtCodes, names and who sends what come from ``schemas.registry`` (one table for the project), so
the typed builder (tests/kit/typed_messages.py) and the XML builder (tests/kit/xml_messages.py) cannot
drift from it or from each other.
"""

from __future__ import annotations

from datetime import date

from handlers.messages import Header, Meta, Standard
from schemas import by_number

BSN = "999900006"  # test BSNs (9999xxxxx), each passes the 11-proof
OTHER_BSN = "999900018"
GEMEENTE = "0363"
AANBIEDER = "87654321"
XSD_VERSIONS = ("1.0.0", "1.0.0")


def berichtcode(standard: str, number: int) -> str:
    return by_number(standard, number).berichtcode


def gemeente_sends(number: int) -> bool:
    """The gemeente sends 301, 319 and 325 (and the retours on the provider's messages)."""
    return by_number("iwmo", number).sender_role == "gemeente"


def meta(standard: Standard, number: int) -> Meta:
    return Meta(standard, "3.2", by_number(standard, number).name, number)


def header(
    standard: Standard,
    number: int,
    *,
    ident: str,
    dagtekening: date,
    gemeente: str = GEMEENTE,
    aanbieder: str = AANBIEDER,
) -> Header:
    """The header of a heen message, Afzender and Ontvanger by who sends this message type."""
    afzender, ontvanger = (gemeente, aanbieder) if gemeente_sends(number) else (aanbieder, gemeente)
    return Header(berichtcode(standard, number), 3, 2, afzender, ontvanger, ident, dagtekening, *XSD_VERSIONS)

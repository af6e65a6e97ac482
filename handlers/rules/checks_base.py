"""Machinery of the level-2 rules: registration, finding construction and a common view of product lines."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import wraps
from typing import Any, NamedTuple, TypeVar

from handlers.findings import IN_MESSAGE, TECHNICAL_REJECTION, Finding
from handlers.messages import (
    Contact,
    Omvang,
    Product,
    Toewijzing,
    VerzoekToewijzing,
    VerzoekWijziging,
)
from handlers.rules.registry import rule

F = TypeVar("F", bound=Callable[..., Any])
M = TypeVar("M")
R = TypeVar("R")
BOTH = ("iwmo", "ijw")

# The cut-over of the Omvang rules (CD080, CD095, CD096, CS338, CS343): "Einddatum after 31-12-2020 or empty".
OMVANG_CUTOVER = date(2020, 12, 31)


@dataclass(frozen=True, slots=True)
class InMessageRule:
    """One registered level-2 check: which messages and standards it runs for, and the function itself."""

    code: str
    messages: frozenset[int]
    standards: frozenset[str]
    run: Callable[[Any], Iterable[Finding]]


RULES: list[InMessageRule] = []


def in_message(
    code: str, *, messages: tuple[int, ...], summary: str, standards: tuple[str, ...] = BOTH
) -> Callable[[F], F]:
    """Register a level-2 check (retourcode 0001) in the catalogue and in the dispatcher's list.

    The check takes the message of the type its numbers imply (301 -> Toewijzing, ...) and yields findings.
    """

    def register(func: F) -> F:
        rule(code, level=IN_MESSAGE, retourcode=TECHNICAL_REJECTION, messages=messages, summary=summary,
             standards=standards)(func)
        RULES.append(InMessageRule(code, frozenset(messages), frozenset(standards), func))
        return func

    return register


def finding(code: str, xpath: str, text: str) -> Finding:
    """A level-2 finding: the whole message is rejected with retourcode 0001."""
    return Finding(IN_MESSAGE, code, TECHNICAL_REJECTION, xpath, text)


def at(xpath: str, *names: str) -> str:
    """The XPath of an element below a berichtklasse: `at('/Bericht/Client', 'Bsn')`."""
    return "/".join((xpath, *names))


def show_product(product: Product | None) -> str:
    """A product for a finding text: 'categorie 02, code 02A01', 'categorie 02' or 'no Product'."""
    if product is None:
        return "no Product"
    if product.code is None:
        return f"categorie {product.categorie}"
    return f"categorie {product.categorie}, code {product.code}"


def years_before(day: date, years: int) -> date:
    """The same calendar day `years` earlier (28 February for a 29 February without counterpart).

    Before year 1 (the XSD allows a Dagtekening in year 0001): `date.min`, so no date is older.
    """
    if day.year - years < 1:
        return date.min
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def open_after_cutover(end: date | None) -> bool:
    """True when an Einddatum is empty or after 31-12-2020 (condition of CD080/CD095/CD096/CS338/CS343)."""
    return end is None or end > OMVANG_CUTOVER


class ProductLine(NamedTuple):
    """A ToegewezenProduct, AangevraagdProduct, NieuwProduct or TeWijzigenProduct, seen alike by the
    combination rules on Product, period, Omvang and Budget. A named tuple: immutable like a frozen
    dataclass, and several times cheaper to make, which counts as every message makes one per product."""

    xpath: str
    label: str  # how a finding text names the line: "ToewijzingNummer 12", "ReferentieAanbieder R-1", ...
    start: date
    end: date | None
    end_element: str  # "Einddatum" or "ToewijzingEinddatum"
    product: Product | None
    omvang: Omvang | None
    budget: int | None
    carries_product: bool = True  # False for TeWijzigenProduct, which has no Product element
    deleted: bool = False  # 301 toewijzing withdrawn as never sent (RedenWijziging 13/legacy 01 on one day)


def per_message(func: Callable[[M], R]) -> Callable[[M], R]:
    """Keep the result for the last message, by identity: every rule of one message asks for the same
    product lines, and building them once instead of once per rule is most of what level 2 costs.

    The cached message is held, so its id cannot be reused; results are tuples, so no caller can change them.
    """
    last: tuple[M, R] | None = None  # one pair, replaced whole: a thread never sees another's half

    @wraps(func)
    def cached(message: M) -> R:
        nonlocal last
        held = last
        if held is not None and held[0] is message:
            return held[1]
        result = func(message)
        last = (message, result)
        return result

    return cached


@per_message
def toewijzing_lines(message: Toewijzing) -> tuple[ProductLine, ...]:
    """The ToegewezenProducten of a 301."""
    return tuple([
        ProductLine(p.xpath, f"ToewijzingNummer {p.toewijzingnummer}", p.ingangsdatum, p.einddatum,
                    "Einddatum", p.product, p.omvang, p.budget,
                    deleted=p.einddatum == p.ingangsdatum and p.reden_wijziging in ("13", "01"))
        for p in message.client.producten
    ])


@per_message
def verzoek_toewijzing_lines(message: VerzoekToewijzing) -> tuple[ProductLine, ...]:
    """The AangevraagdeProducten of a 315."""
    return tuple([
        ProductLine(p.xpath, f"ReferentieAanbieder {p.referentie_aanbieder}", p.toewijzing_ingangsdatum,
                    p.toewijzing_einddatum, "ToewijzingEinddatum", p.product, p.omvang, p.budget)
        for p in message.client.producten
    ])


@per_message
def nieuw_lines(message: VerzoekWijziging) -> tuple[ProductLine, ...]:
    """The NieuweProducten of a 317."""
    return tuple([
        ProductLine(p.xpath, f"NieuwProduct {index}", p.gewenste_ingangsdatum, p.einddatum, "Einddatum",
                    p.product, p.omvang, p.budget)
        for index, p in enumerate(message.client.verzoek.nieuw, start=1)
    ])


@per_message
def te_wijzigen_lines(message: VerzoekWijziging) -> tuple[ProductLine, ...]:
    """The TeWijzigenProducten of a 317 (no Product element)."""
    return tuple([
        ProductLine(p.xpath, f"ToewijzingNummer {p.toewijzingnummer}", p.gewenste_ingangsdatum, p.einddatum,
                    "Einddatum", None, p.omvang, p.budget, carries_product=False)
        for p in message.client.verzoek.te_wijzigen
    ])


@per_message
def product_lines(message: Toewijzing | VerzoekToewijzing | VerzoekWijziging) -> tuple[ProductLine, ...]:
    """Every product line of a 301, 315 or 317, in document order per class."""
    if isinstance(message, Toewijzing):
        return toewijzing_lines(message)
    if isinstance(message, VerzoekToewijzing):
        return verzoek_toewijzing_lines(message)
    return te_wijzigen_lines(message) + nieuw_lines(message)


@per_message
def all_contacts(message: Toewijzing) -> tuple[Contact, ...]:
    """Every berichtklasse Contact of a 301: the client's Contactgegevens, then each Relatie's Contact."""
    return (*message.client.contacten, *(relatie.contact for relatie in message.client.relaties))

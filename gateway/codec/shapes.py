"""Where each element of a message lands in the typed models: one `Shape` per class or composite datatype.

A shape lists, namespace-free, the child elements it reads and the dataclass field each one fills;
`gateway.codec.walk` compiles it once per message namespace into a reader function that reads it in one
pass over the children. `part` shapes are composite datatypes of the basisschema (Product, Naam,
Adres, ...): their children are in the basisschema namespace; the children of every other shape are
in the message namespace (STANDARD §2.2). Elements a shape does not list are not read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from handlers import messages as m

# How one child element is read.
TEXT, INTEGER, DATE, TIME, ONE, ITEMS, CODES, INLINE = range(8)


@dataclass(frozen=True)
class Child:
    """One child element: its local name, how it is read, the field it fills and, if nested, its shape."""

    name: str
    kind: int
    field: str
    shape: Shape | None = None
    item: str = ""  # ITEMS: the local name of the repeated element inside the wrapper


@dataclass(frozen=True)
class Shape:
    """How one element becomes a value: `build(**fields)`; `xpath` passes the element's own XPath."""

    build: Callable[..., Any]
    children: tuple[Child, ...]
    part: bool = False
    xpath: bool = False
    initial: tuple[tuple[str, Any], ...] = ()  # fields with a value even when their element is absent


def text(name: str, field: str) -> Child:
    return Child(name, TEXT, field)


def integer(name: str, field: str) -> Child:
    return Child(name, INTEGER, field)


def date(name: str, field: str) -> Child:
    return Child(name, DATE, field)


def clock(name: str, field: str) -> Child:
    return Child(name, TIME, field)


def one(name: str, field: str, shape: Shape) -> Child:
    return Child(name, ONE, field, shape)


def items(wrapper: str, item: str, field: str, shape: Shape) -> Child:
    """A wrapper element (Contactgegevens) holding repeated classes (Contact), read into a tuple."""
    return Child(wrapper, ITEMS, field, shape, item)


def inline(name: str, shape: Shape) -> Child:
    """A composite element whose children fill fields of the enclosing class (BerichtIdentificatie)."""
    return Child(name, INLINE, "", shape)


def part(build: Callable[..., Any], *children: Child) -> Shape:
    return Shape(build, children, part=True)


def cls(build: Callable[..., Any], *children: Child, initial: tuple[tuple[str, Any], ...] = ()) -> Shape:
    """A berichtklasse: carries its XPath and its RetourCodes."""
    return Shape(build, (*children, RETOURCODES), xpath=True, initial=initial)


def _pair(*, basis: str, bericht: str) -> tuple[str, str]:
    return basis, bericht


RETOURCODES = Child("RetourCodes", CODES, "retourcodes")
VERSIONS = part(_pair, text("BasisschemaXsdVersie", "basis"), text("BerichtXsdVersie", "bericht"))
PRODUCT = part(m.Product, text("Categorie", "categorie"), text("Code", "code"))
OMVANG = part(
    m.Omvang, integer("Volume", "volume"), text("Eenheid", "eenheid"), text("Frequentie", "frequentie")
)
GEBOORTEDATUM = part(m.Geboortedatum, date("Datum", "datum"), text("DatumGebruik", "gebruik"))
ACHTERNAAM = part(m.Achternaam, text("Achternaam", "achternaam"), text("Voorvoegsel", "voorvoegsel"))
VOLLEDIGE_NAAM = part(
    m.VolledigeNaam, one("Geslachtsnaam", "geslachtsnaam", ACHTERNAAM), text("NaamGebruik", "naamgebruik"),
    one("Partnernaam", "partnernaam", ACHTERNAAM), text("Voornamen", "voornamen"),
    text("Voorletters", "voorletters"),
)
VERKORTE_NAAM = part(
    m.VerkorteNaam, one("Geslachtsnaam", "geslachtsnaam", ACHTERNAAM), text("Voornamen", "voornamen"),
    text("Voorletters", "voorletters"),
)
HUIS = part(
    m.Huis, integer("Huisnummer", "huisnummer"), text("Huisletter", "huisletter"),
    text("HuisnummerToevoeging", "toevoeging"), text("AanduidingWoonadres", "aanduiding_woonadres"),
)
ADRES = part(
    m.Adres, one("Huis", "huis", HUIS), text("Postcode", "postcode"), text("Straatnaam", "straatnaam"),
    text("Plaatsnaam", "plaatsnaam"), text("LandCode", "landcode"),
)
TELEFOON = part(m.Telefoon, text("Telefoonnummer", "nummer"), text("Landnummer", "landnummer"))
TELEFOONS = part(dict, one("Telefoon01", "telefoon01", TELEFOON), one("Telefoon02", "telefoon02", TELEFOON))
PERIODE = part(m.Periode, date("Begindatum", "begindatum"), date("Einddatum", "einddatum"))
COMMUNICATIE = part(m.Communicatie, text("Vorm", "vorm"), text("Taal", "taal"))
VERWIJZER = part(
    m.Verwijzer, text("Type", "type"), text("Naam", "naam"), text("ZorgverlenerCode", "zorgverlener_code")
)
BEDRAG = part(m.BedragMetDC, integer("Bedrag", "bedrag"), text("DebetCredit", "debet_credit"))
TOTAAL_BEDRAG = part(m.BedragMetDC, integer("TotaalBedrag", "bedrag"), text("DebetCredit", "debet_credit"))

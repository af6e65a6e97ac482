"""The basisschema of a 3.2 standard: simple types (LDT_*) with facets and composite types (CDT_*)."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass

from schemas.spec.codes import code_lists
from schemas.spec.model import ComplexType, Element, SimpleType

NOT_BLANK = r".*[^\s].*"

# Enumerated types: name -> maxLength; the members come from the standard's code lists.
_ENUM_MAX_LENGTH: Mapping[str, int] = {
    "LDT_AanduidingWoonadres": 2,
    "LDT_AdresSoort": 2,
    "LDT_Communicatievorm": 1,
    "LDT_DatumGebruik": 1,
    "LDT_DebetCredit": 1,
    "LDT_Eenheid": 2,
    "LDT_Frequentie": 1,
    "LDT_Geslacht": 1,
    "LDT_JaNee": 1,
    "LDT_JuridischeStatus": 2,
    "LDT_LandCode": 2,
    "LDT_NaamGebruik": 1,
    "LDT_ProductCategorie": 2,
    "LDT_RedenAfwijzingVerzoek": 2,
    "LDT_RedenBeeindiging": 2,
    "LDT_RedenVerzoek": 1,
    "LDT_RedenWijziging": 2,
    "LDT_RetourCode": 4,
    "LDT_SoortRelatie": 2,
    "LDT_StatusAanlevering": 1,
    "LDT_TypeVerwijzer": 2,
    "LDT_VerzoekAntwoord": 1,
    "LDT_WettelijkeVertegenwoordiging": 2,
}


def _text(name: str, lo: int, hi: int | None, pattern: str | None, example: str) -> SimpleType:
    return SimpleType(name, "string", min_length=lo, max_length=hi, pattern=pattern, example=example)


def _int(name: str, hi: int, example: str) -> SimpleType:
    return SimpleType(name, "integer", min_inclusive=0, max_inclusive=hi, example=example)


# Types without a code list; identical in iWmo 3.2 and iJw 3.2.
_PLAIN: tuple[SimpleType, ...] = (
    _text("LDT_AgbCode", 1, 8, "[0-9]{8}", "12345678"),
    _int("LDT_Bedrag", 99999999, "12500"),
    _text("LDT_BerichtCode", 1, 3, None, "414"),
    _int("LDT_BerichtSubversie", 99, "2"),
    _int("LDT_BerichtVersie", 99, "3"),
    _int("LDT_Budget", 99999999, "150000"),
    _text("LDT_BurgerServicenummer", 1, 9, "[0-9]{9}", "999900006"),
    _text("LDT_Commentaar", 1, None, r"([.\s]*\S+[.\s]*)+", "Toelichting bij het bericht"),
    SimpleType("LDT_Datum", "date", pattern="[^:Z]*", example="2023-05-01"),
    _text("LDT_Emailadres", 1, 80, NOT_BLANK, "client@example.nl"),
    _text("LDT_Gemeente", 1, None, "[0-9]{4}", "0363"),
    _text("LDT_Huisletter", 1, 1, NOT_BLANK, "A"),
    _int("LDT_Huisnummer", 99999, "12"),
    _text("LDT_HuisnummerToevoeging", 1, 4, NOT_BLANK, "bis"),
    _text("LDT_IdentificatieBericht", 1, 12, NOT_BLANK, "BER-0001"),
    _text("LDT_IdentificatieDeclaratie", 1, 12, None, "DECL0001"),
    _text("LDT_Landnummer", 1, 4, NOT_BLANK, "0031"),
    _text("LDT_Naam", 1, 200, NOT_BLANK, "Jansen"),
    _text("LDT_NaamVerwijzer", 1, 64, NOT_BLANK, "Huisartsenpraktijk"),
    _int("LDT_Nummer", 999999999, "20230001"),
    _text("LDT_Organisatienaam", 1, 35, NOT_BLANK, "Zorgcentrum"),
    _text("LDT_Persoonsid", 1, 20, NOT_BLANK, "REL-1"),
    _text("LDT_Plaatsnaam", 1, 80, NOT_BLANK, "Utrecht"),
    _text("LDT_Postcode", 1, 8, NOT_BLANK, "3511AA"),
    _text("LDT_ProductCode", 1, 5, NOT_BLANK, "02A01"),
    _text("LDT_Referentie", 1, 36, NOT_BLANK, "REF-2023-001"),
    _text("LDT_ReferentieNummer", 1, 20, None, "PREST-0001"),
    _int("LDT_RelatieVolgorde", 99, "1"),
    _text("LDT_Straatnaam", 1, 24, NOT_BLANK, "Dorpsstraat"),
    _text("LDT_Taal", 1, 25, NOT_BLANK, "Nederlands"),
    _text("LDT_Telefoonnummer", 1, 15, "[0-9]*", "0301234567"),
    SimpleType("LDT_Tijd", "time", pattern="[^Z+-]+", example="09:30:00"),
    _int("LDT_TotaalBedrag", 999999999999, "12500"),
    _text("LDT_Versie", 1, None, r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)", "1.0.0"),
    _int("LDT_Volume", 99999999, "10"),
    _text("LDT_Voorletters", 1, 6, "([a-zA-ZÀ-ỳ])+", "JP"),
    _text("LDT_Voorvoegsel", 1, 10, NOT_BLANK, "van"),
)

# Composite types: name -> children as (element name, type name, minOccurs); all single (maxOccurs 1).
_COMPOSITES: Mapping[str, tuple[tuple[str, str, int], ...]] = {
    "CDT_Achternaam": (("Achternaam", "LDT_Naam", 1), ("Voorvoegsel", "LDT_Voorvoegsel", 0)),
    "CDT_Adres": (
        ("Huis", "CDT_Huis", 0),
        ("Postcode", "LDT_Postcode", 0),
        ("Straatnaam", "LDT_Straatnaam", 0),
        ("Plaatsnaam", "LDT_Plaatsnaam", 0),
        ("LandCode", "LDT_LandCode", 0),
    ),
    "CDT_BedragMetDC": (("Bedrag", "LDT_Bedrag", 1), ("DebetCredit", "LDT_DebetCredit", 1)),
    "CDT_BerichtIdentificatie": (
        ("Identificatie", "LDT_IdentificatieBericht", 1),
        ("Dagtekening", "LDT_Datum", 1),
    ),
    "CDT_Communicatie": (("Vorm", "LDT_Communicatievorm", 1), ("Taal", "LDT_Taal", 0)),
    "CDT_Geboortedatum": (("Datum", "LDT_Datum", 1), ("DatumGebruik", "LDT_DatumGebruik", 0)),
    "CDT_GeslotenPeriode": (("Begindatum", "LDT_Datum", 1), ("Einddatum", "LDT_Datum", 1)),
    "CDT_Huis": (
        ("Huisnummer", "LDT_Huisnummer", 1),
        ("Huisletter", "LDT_Huisletter", 0),
        ("HuisnummerToevoeging", "LDT_HuisnummerToevoeging", 0),
        ("AanduidingWoonadres", "LDT_AanduidingWoonadres", 0),
    ),
    "CDT_Omvang": (
        ("Volume", "LDT_Volume", 1),
        ("Eenheid", "LDT_Eenheid", 1),
        ("Frequentie", "LDT_Frequentie", 1),
    ),
    "CDT_OpenPeriode": (("Begindatum", "LDT_Datum", 0), ("Einddatum", "LDT_Datum", 0)),
    "CDT_Product": (("Categorie", "LDT_ProductCategorie", 1), ("Code", "LDT_ProductCode", 0)),
    "CDT_Referentie": (
        ("ReferentieNummer", "LDT_ReferentieNummer", 1),
        ("VorigReferentieNummer", "LDT_ReferentieNummer", 0),
    ),
    "CDT_Telefoon": (("Telefoonnummer", "LDT_Telefoonnummer", 1), ("Landnummer", "LDT_Landnummer", 1)),
    "CDT_Telefoonnummers": (("Telefoon01", "CDT_Telefoon", 1), ("Telefoon02", "CDT_Telefoon", 0)),
    "CDT_TotaalBedragMetDC": (("TotaalBedrag", "LDT_TotaalBedrag", 1), ("DebetCredit", "LDT_DebetCredit", 1)),
    "CDT_VerkorteNaam": (
        ("Geslachtsnaam", "CDT_Achternaam", 1),
        ("Voornamen", "LDT_Naam", 0),
        ("Voorletters", "LDT_Voorletters", 0),
    ),
    "CDT_Verwijzer": (
        ("Type", "LDT_TypeVerwijzer", 1),
        ("Naam", "LDT_NaamVerwijzer", 0),
        ("ZorgverlenerCode", "LDT_AgbCode", 0),
    ),
    "CDT_VolledigeNaam": (
        ("Geslachtsnaam", "CDT_Achternaam", 1),
        ("Partnernaam", "CDT_Achternaam", 0),
        ("Voornamen", "LDT_Naam", 0),
        ("Voorletters", "LDT_Voorletters", 0),
        ("NaamGebruik", "LDT_NaamGebruik", 1),
    ),
    "CDT_XsdVersie": (("BasisschemaXsdVersie", "LDT_Versie", 1), ("BerichtXsdVersie", "LDT_Versie", 1)),
}


@dataclass(frozen=True, slots=True)
class Basisschema:
    """All named types of one standard's basisschema."""

    standard: str
    simple: Mapping[str, SimpleType]
    composite: Mapping[str, ComplexType]

    def type(self, name: str) -> SimpleType | ComplexType:
        """A named type, simple or composite."""
        return self.simple[name] if name in self.simple else self.composite[name]


def _simple_types(standard: str) -> dict[str, SimpleType]:
    codes = code_lists(standard)
    enumerated = {
        name: SimpleType(name, "string", enumeration=codes[name], max_length=length)
        for name, length in _ENUM_MAX_LENGTH.items()
    }
    return dict(sorted({**{t.name or "": t for t in _PLAIN}, **enumerated}.items()))


def _composite(name: str, simple: Mapping[str, SimpleType], done: dict[str, ComplexType]) -> ComplexType:
    if name not in done:
        children = []
        for child, type_name, min_occurs in _COMPOSITES[name]:
            type_: SimpleType | ComplexType = (
                simple[type_name] if type_name in simple else _composite(type_name, simple, done)
            )
            children.append(Element(child, type_, min_occurs, 1))
        done[name] = ComplexType(name, tuple(children), basis=True)
    return done[name]


@functools.cache
def basisschema(standard: str) -> Basisschema:
    """The basisschema of ``"iwmo"`` or ``"ijw"`` release 3.2."""
    simple = _simple_types(standard)
    done: dict[str, ComplexType] = {}
    for name in _COMPOSITES:
        _composite(name, simple, done)
    return Basisschema(standard, simple, dict(sorted(done.items())))


# Version numbers in the appinfo of the 3.2 XSDs (iJw: as the published iJw 3.2 XSDs state).
XSD_VERSION: Mapping[str, str] = {"iwmo": "1.0.0", "ijw": "0.1.0"}

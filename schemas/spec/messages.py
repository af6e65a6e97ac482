"""The 14 message structures of iWmo 3.2 and iJw 3.2 as element trees; retours derived from their heen."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable

from schemas.registry import RETOUR_NUMBERS, by_number
from schemas.spec.basis import Basisschema, basisschema
from schemas.spec.model import ComplexType, Element, Message, SimpleType, many, opt, req

PURPOSES = {
    301: "Toewijzing van ondersteuning aan een aanbieder",
    302: "Retour op de toewijzing",
    305: "Melding start levering",
    306: "Retour op de melding start levering",
    307: "Melding stop levering",
    308: "Retour op de melding stop levering",
    315: "Verzoek om toewijzing",
    316: "Retour op het verzoek om toewijzing",
    317: "Verzoek om wijziging",
    318: "Retour op het verzoek om wijziging",
    319: "Antwoord op een verzoek om toewijzing of wijziging",
    320: "Retour op het antwoordbericht",
    323: "Declaratie",
    325: "Antwoord op de declaratie",
}
# Retour number -> berichtklassen (message-local complex types) that get a mandatory RetourCodes.
RETOUR_CLASSES = {
    302: ("Client", "Relatie", "Contact", "ToegewezenProduct"),
    306: ("Client", "StartProduct"),
    308: ("Client", "StopProduct"),
    316: ("Client", "AangevraagdProduct"),
    318: ("Client", "Verzoek", "OngewijzigdProduct", "TeWijzigenProduct", "NieuwProduct"),
    320: ("Antwoord", "Woonplaatsbeginsel"),
}


def _ct(name: str, *children: Element) -> ComplexType:
    return ComplexType(name, tuple(children))


def _pinned(b: Basisschema, type_name: str, value: str) -> SimpleType:
    parent = b.simple[type_name]
    return SimpleType(None, parent.base, pattern=value, example=value, parent=parent)


def _header(b: Basisschema, berichtcode: str, gemeente_sends: bool) -> list[Element]:
    gemeente, agb = b.type("LDT_Gemeente"), b.type("LDT_AgbCode")
    return [
        req("BerichtCode", _pinned(b, "LDT_BerichtCode", berichtcode)),
        req("BerichtVersie", _pinned(b, "LDT_BerichtVersie", "3")),
        req("BerichtSubversie", _pinned(b, "LDT_BerichtSubversie", "2")),
        req("Afzender", gemeente if gemeente_sends else agb),
        req("Ontvanger", agb if gemeente_sends else gemeente),
        req("BerichtIdentificatie", b.type("CDT_BerichtIdentificatie")),
        req("XsdVersie", b.type("CDT_XsdVersie")),
    ]


def _retourcodes(b: Basisschema) -> ComplexType:
    return _ct("RetourCodes", many("RetourCode", b.type("LDT_RetourCode")))


def _contact(b: Basisschema) -> ComplexType:
    t = b.type
    return _ct(
        "Contact",
        req("Soort", t("LDT_AdresSoort")),
        opt("Adres", t("CDT_Adres")),
        opt("Organisatie", t("LDT_Organisatienaam")),
        opt("Telefoon", t("CDT_Telefoonnummers")),
        opt("Emailadres", t("LDT_Emailadres")),
        opt("Periode", t("CDT_OpenPeriode")),
    )


def _body_301(b: Basisschema) -> Element:
    t = b.type
    relatie = _ct(
        "Relatie",
        req("Nummer", t("LDT_Persoonsid")),
        opt("Volgorde", t("LDT_RelatieVolgorde")),
        req("Soort", t("LDT_SoortRelatie")),
        opt("Geboortedatum", t("CDT_Geboortedatum")),
        opt("Geslacht", t("LDT_Geslacht")),
        req("Naam", t("CDT_VolledigeNaam")),
        req("Contact", _contact(b)),
    )
    product = _ct(
        "ToegewezenProduct",
        req("ToewijzingNummer", t("LDT_Nummer")),
        opt("ReferentieAanbieder", t("LDT_Referentie")),
        opt("Product", t("CDT_Product")),
        req("Toewijzingsdatum", t("LDT_Datum")),
        req("Toewijzingstijd", t("LDT_Tijd")),
        req("Ingangsdatum", t("LDT_Datum")),
        opt("Einddatum", t("LDT_Datum")),
        opt("RedenWijziging", t("LDT_RedenWijziging")),
        opt("Omvang", t("CDT_Omvang")),
        opt("Budget", t("LDT_Budget")),
        opt("Commentaar", t("LDT_Commentaar")),
    )
    return req(
        "Client",
        _ct(
            "Client",
            req("Bsn", t("LDT_BurgerServicenummer")),
            req("Geboortedatum", t("CDT_Geboortedatum")),
            req("Geslacht", t("LDT_Geslacht")),
            req("Naam", t("CDT_VolledigeNaam")),
            opt("Communicatie", t("CDT_Communicatie")),
            opt("JuridischeStatus", t("LDT_JuridischeStatus")),
            opt("WettelijkeVertegenwoordiging", t("LDT_WettelijkeVertegenwoordiging")),
            opt("Commentaar", t("LDT_Commentaar")),
            opt("Relaties", _ct("Relaties", many("Relatie", relatie))),
            req("Contactgegevens", _ct("Contactgegevens", many("Contact", _contact(b)))),
            req("ToegewezenProducten", _ct("ToegewezenProducten", many("ToegewezenProduct", product))),
        ),
    )


def _client_short(b: Basisschema, *rest: Element) -> Element:
    t = b.type
    return req(
        "Client",
        _ct(
            "Client",
            req("Bsn", t("LDT_BurgerServicenummer")),
            req("Geboortedatum", t("CDT_Geboortedatum")),
            req("Geslacht", t("LDT_Geslacht")),
            req("Naam", t("CDT_VerkorteNaam")),
            *rest,
        ),
    )


def _delivery(b: Basisschema, kind: str, stop: bool) -> Element:
    t = b.type
    head = [
        opt("ToewijzingNummer", t("LDT_Nummer")),
        opt("Product", t("CDT_Product")),
        opt("ToewijzingIngangsdatum", t("LDT_Datum")),
        req("Begindatum", t("LDT_Datum")),
    ]
    if stop:
        head += [req("RedenBeeindiging", t("LDT_RedenBeeindiging")), req("Einddatum", t("LDT_Datum"))]
    product = _ct(f"{kind}Product", *head, req("StatusAanlevering", t("LDT_StatusAanlevering")))
    return req(f"{kind}Producten", _ct(f"{kind}Producten", many(f"{kind}Product", product)))


def _body_305(b: Basisschema) -> Element:
    return _client_short(b, _delivery(b, "Start", stop=False))


def _body_307(b: Basisschema) -> Element:
    return _client_short(b, _delivery(b, "Stop", stop=True))


def _body_315(b: Basisschema) -> Element:
    t = b.type
    product = _ct(
        "AangevraagdProduct",
        req("ReferentieAanbieder", t("LDT_Referentie")),
        opt("BeschikkingNummer", t("LDT_Nummer")),
        opt("Product", t("CDT_Product")),
        opt("BeschikkingIngangsdatum", t("LDT_Datum")),
        req("ToewijzingIngangsdatum", t("LDT_Datum")),
        opt("ToewijzingEinddatum", t("LDT_Datum")),
        opt("Omvang", t("CDT_Omvang")),
        opt("Budget", t("LDT_Budget")),
        req("Verwijzer", t("CDT_Verwijzer")),
        opt("Raamcontract", t("LDT_JaNee")),
        opt("Commentaar", t("LDT_Commentaar")),
    )
    gezag = [opt("GezagsdragerBekend", t("LDT_JaNee"))] if b.standard == "ijw" else []
    return _client_short(
        b,
        *gezag,
        opt("Commentaar", t("LDT_Commentaar")),
        req("AangevraagdeProducten", _ct("AangevraagdeProducten", many("AangevraagdProduct", product))),
    )


def _wrapped(kind: str, item: str, *children: Element) -> Element:
    return opt(kind, _ct(kind, many(item, _ct(item, *children))))


def _body_317(b: Basisschema) -> Element:
    t = b.type
    change = [
        opt("Einddatum", t("LDT_Datum")),
        opt("Omvang", t("CDT_Omvang")),
        opt("Budget", t("LDT_Budget")),
    ]
    verzoek = _ct(
        "Verzoek",
        req("ReferentieAanbieder", t("LDT_Referentie")),
        req("RedenVerzoek", t("LDT_RedenVerzoek")),
        _wrapped("OngewijzigdeProducten", "OngewijzigdProduct", req("ToewijzingNummer", t("LDT_Nummer"))),
        _wrapped(
            "TeWijzigenProducten",
            "TeWijzigenProduct",
            req("ToewijzingNummer", t("LDT_Nummer")),
            req("GewensteIngangsdatum", t("LDT_Datum")),
            *change,
        ),
        _wrapped(
            "NieuweProducten",
            "NieuwProduct",
            opt("Product", t("CDT_Product")),
            req("GewensteIngangsdatum", t("LDT_Datum")),
            *change,
        ),
    )
    return req("Client", _ct("Client", req("Bsn", t("LDT_BurgerServicenummer")), req("Verzoek", verzoek)))


def _body_319(b: Basisschema) -> Element:
    t = b.type
    woonplaats = (
        [opt("Woonplaatsbeginsel", _ct("Woonplaatsbeginsel", req("Gemeente", t("LDT_Gemeente"))))]
        if b.standard == "ijw"
        else []
    )
    return req(
        "Antwoord",
        _ct(
            "Antwoord",
            req("ReferentieAanbieder", t("LDT_Referentie")),
            req("VerzoekAntwoord", t("LDT_VerzoekAntwoord")),
            opt("RedenAfwijzingVerzoek", t("LDT_RedenAfwijzingVerzoek")),
            *woonplaats,
        ),
    )


def _prestatie(b: Basisschema, *rest: Element) -> ComplexType:
    t = b.type
    return _ct(
        "Prestatie",
        req("ProductReferentie", t("CDT_Referentie")),
        req("ToewijzingNummer", t("LDT_Nummer")),
        req("ProductCategorie", t("LDT_ProductCategorie")),
        req("ProductCode", t("LDT_ProductCode")),
        req("ProductPeriode", t("CDT_GeslotenPeriode")),
        req("GeleverdVolume", t("LDT_Volume")),
        req("Eenheid", t("LDT_Eenheid")),
        opt("ProductTarief", t("LDT_Bedrag")),
        req("IngediendBedrag", t("CDT_BedragMetDC")),
        *rest,
    )


def _clienten(b: Basisschema, min_occurs: int, *rest: Element) -> Element:
    client = _ct(
        "Client",
        req("Bsn", b.type("LDT_BurgerServicenummer")),
        req("Prestaties", _ct("Prestaties", many("Prestatie", _prestatie(b, *rest)))),
        *rest,
    )
    return Element("Clienten", _ct("Clienten", many("Client", client)), min_occurs, 1)


def _body_323(b: Basisschema) -> Element:
    t = b.type
    nummer = SimpleType(
        None, "string", pattern="([a-zA-Z0-9])+", parent=b.simple["LDT_IdentificatieDeclaratie"]
    )
    return req(
        "Declaratie",
        _ct(
            "Declaratie",
            req("DeclaratieNummer", nummer),
            req("DeclaratiePeriode", t("CDT_GeslotenPeriode")),
            req("DeclaratieDagtekening", t("LDT_Datum")),
            req("TotaalIngediendBedrag", t("CDT_TotaalBedragMetDC")),
            _clienten(b, 1),
        ),
    )


def _root_325(b: Basisschema, berichtcode: str) -> ComplexType:
    t, codes = b.type, req("RetourCodes", _retourcodes(b))
    header = _ct(
        "Header",
        *_header(b, berichtcode, gemeente_sends=True),
        req("DeclaratieIdentificatie", t("CDT_BerichtIdentificatie")),
        opt("XsltVersie", t("LDT_Versie")),
        req("XsdVersieDeclaratie", t("CDT_XsdVersie")),
        codes,
    )
    antwoord = _ct(
        "DeclaratieAntwoord",
        req("DeclaratieNummer", t("LDT_IdentificatieDeclaratie")),
        req("TotaalIngediendBedrag", t("CDT_TotaalBedragMetDC")),
        req("TotaalToegekendBedrag", t("CDT_TotaalBedragMetDC")),
        _clienten(b, 0, codes),
        codes,
    )
    return _ct("Root", req("Header", header), opt("DeclaratieAntwoord", antwoord))


_BODIES: dict[int, Callable[[Basisschema], Element]] = {
    301: _body_301,
    305: _body_305,
    307: _body_307,
    315: _body_315,
    317: _body_317,
    319: _body_319,
    323: _body_323,
}


def _heen_root(b: Basisschema, number: int) -> ComplexType:
    mt = by_number(b.standard, number)
    header = _ct("Header", *_header(b, mt.berichtcode, mt.sender_role == "gemeente"))
    return _ct("Root", req("Header", header), _BODIES[number](b))


def _with_retourcodes(type_: ComplexType, classes: Iterable[str], codes: Element) -> ComplexType:
    children = tuple(
        Element(e.name, _with_retourcodes(e.type, classes, codes), e.min_occurs, e.max_occurs)
        if isinstance(e.type, ComplexType) and not e.type.basis
        else e
        for e in type_.children
    )
    return ComplexType(type_.name, children + ((codes,) if type_.name in classes else ()), type_.basis)


def _retour_root(b: Basisschema, number: int) -> ComplexType:
    heen = _heen_root(b, number - 1)
    codes = req("RetourCodes", _retourcodes(b))
    heen_header, body = heen.children
    assert isinstance(heen_header.type, ComplexType)
    t = b.type
    header = _ct(
        "Header",
        req("BerichtCode", _pinned(b, "LDT_BerichtCode", by_number(b.standard, number).berichtcode)),
        *heen_header.type.children[1:],
        req("IdentificatieRetour", t("LDT_IdentificatieBericht")),
        req("DagtekeningRetour", t("LDT_Datum")),
        opt("XsltVersie", t("LDT_Versie")),
        req("XsdVersieRetour", t("CDT_XsdVersie")),
        opt("RetourCodes", codes.type),
    )
    assert isinstance(body.type, ComplexType)
    retour_body = opt(body.name, _with_retourcodes(body.type, RETOUR_CLASSES[number], codes))
    return _ct("Root", req("Header", header), retour_body)


@functools.cache
def message(standard: str, number: int) -> Message:
    """The structure of one message of ``"iwmo"`` or ``"ijw"`` 3.2."""
    b = basisschema(standard)
    if number == 325:
        root = _root_325(b, by_number(standard, number).berichtcode)
    elif number in RETOUR_NUMBERS:
        root = _retour_root(b, number)
    else:
        root = _heen_root(b, number)
    return Message(standard, number, by_number(standard, number).name, PURPOSES[number], root)


def messages() -> tuple[Message, ...]:
    """All 28 message structures (iWmo first, by number)."""
    return tuple(message(standard, number) for standard in ("iwmo", "ijw") for number in PURPOSES)

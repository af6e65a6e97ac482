"""Decoding of headers and composite datatypes (basisschema CDT_*) shared by all messages."""

from __future__ import annotations

from gateway.codec.reader import Node, required
from handlers.messages import (
    Achternaam,
    Adres,
    BedragMetDC,
    Codes,
    Communicatie,
    DeclaratieAntwoordHeader,
    Geboortedatum,
    Header,
    Huis,
    Omvang,
    Periode,
    Product,
    RetourHeader,
    Telefoon,
    VerkorteNaam,
    Verwijzer,
    VolledigeNaam,
)


def header(node: Node) -> Header:
    ident = node.part_req("BerichtIdentificatie")
    basisschema, bericht = xsd_versie(node, "XsdVersie")
    return Header(
        berichtcode=node.text_req("BerichtCode"),
        berichtversie=node.integer_req("BerichtVersie"),
        berichtsubversie=node.integer_req("BerichtSubversie"),
        afzender=node.text_req("Afzender"),
        ontvanger=node.text_req("Ontvanger"),
        identificatie=ident.text_req("Identificatie"),
        dagtekening=ident.date_req("Dagtekening"),
        basisschema_xsd_versie=basisschema,
        bericht_xsd_versie=bericht,
    )


def retour_header(node: Node) -> RetourHeader:
    return RetourHeader(
        heen=header(node),
        identificatie_retour=node.text_req("IdentificatieRetour"),
        dagtekening_retour=node.date_req("DagtekeningRetour"),
        xsd_versie_retour=xsd_versie(node, "XsdVersieRetour"),
        xslt_versie=node.text("XsltVersie"),
        retourcodes=retourcodes(node),
    )


def declaratie_antwoord_header(node: Node) -> DeclaratieAntwoordHeader:
    ident = node.part_req("DeclaratieIdentificatie")
    return DeclaratieAntwoordHeader(
        heen=header(node),
        declaratie_identificatie=ident.text_req("Identificatie"),
        declaratie_dagtekening=ident.date_req("Dagtekening"),
        xsd_versie_declaratie=xsd_versie(node, "XsdVersieDeclaratie"),
        retourcodes=retourcodes(node),
        xslt_versie=node.text("XsltVersie"),
    )


def xsd_versie(node: Node, name: str) -> tuple[str, str]:
    part = node.part_req(name)
    return part.text_req("BasisschemaXsdVersie"), part.text_req("BerichtXsdVersie")


def retourcodes(node: Node) -> Codes:
    """The codes in the `RetourCodes` child of a class; empty in a heen message."""
    codes = node.cls("RetourCodes")
    return () if codes is None else codes.texts("RetourCode")


def product(node: Node, name: str = "Product") -> Product | None:
    part = node.part(name)
    return None if part is None else Product(part.text_req("Categorie"), part.text("Code"))


def omvang(node: Node) -> Omvang | None:
    part = node.part("Omvang")
    if part is None:
        return None
    return Omvang(part.integer_req("Volume"), part.text_req("Eenheid"), part.text_req("Frequentie"))


def geboortedatum(node: Node) -> Geboortedatum | None:
    part = node.part("Geboortedatum")
    return None if part is None else Geboortedatum(part.date_req("Datum"), part.text("DatumGebruik"))


def achternaam(node: Node, name: str) -> Achternaam | None:
    part = node.part(name)
    return None if part is None else Achternaam(part.text_req("Achternaam"), part.text("Voorvoegsel"))


def volledige_naam(node: Node) -> VolledigeNaam:
    naam = node.part_req("Naam")
    return VolledigeNaam(
        geslachtsnaam=required(achternaam(naam, "Geslachtsnaam")),
        naamgebruik=naam.text_req("NaamGebruik"),
        partnernaam=achternaam(naam, "Partnernaam"),
        voornamen=naam.text("Voornamen"),
        voorletters=naam.text("Voorletters"),
    )


def verkorte_naam(node: Node) -> VerkorteNaam:
    naam = node.part_req("Naam")
    return VerkorteNaam(
        required(achternaam(naam, "Geslachtsnaam")), naam.text("Voornamen"), naam.text("Voorletters")
    )


def adres(node: Node) -> Adres | None:
    part = node.part("Adres")
    if part is None:
        return None
    huis = part.part("Huis")
    return Adres(
        huis=None
        if huis is None
        else Huis(
            huis.integer_req("Huisnummer"),
            huis.text("Huisletter"),
            huis.text("HuisnummerToevoeging"),
            huis.text("AanduidingWoonadres"),
        ),
        postcode=part.text("Postcode"),
        straatnaam=part.text("Straatnaam"),
        plaatsnaam=part.text("Plaatsnaam"),
        landcode=part.text("LandCode"),
    )


def telefoon(node: Node | None, name: str) -> Telefoon | None:
    part = None if node is None else node.part(name)
    return None if part is None else Telefoon(part.text_req("Telefoonnummer"), part.text("Landnummer"))


def periode(node: Node, name: str) -> Periode | None:
    part = node.part(name)
    return None if part is None else Periode(part.date("Begindatum"), part.date("Einddatum"))


def communicatie(node: Node) -> Communicatie | None:
    part = node.part("Communicatie")
    return None if part is None else Communicatie(part.text_req("Vorm"), part.text("Taal"))


def verwijzer(node: Node) -> Verwijzer:
    part = node.part_req("Verwijzer")
    return Verwijzer(part.text_req("Type"), part.text("Naam"), part.text("ZorgverlenerCode"))


def bedrag(node: Node, name: str, amount: str = "Bedrag") -> BedragMetDC:
    part = node.part_req(name)
    return BedragMetDC(part.integer_req(amount), part.text_req("DebetCredit"))

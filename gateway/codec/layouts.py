"""The shapes of the 14 messages (both standards share element names and order; the namespace differs)."""

from __future__ import annotations

from typing import Any

from gateway.codec.shapes import (
    ADRES,
    BEDRAG,
    COMMUNICATIE,
    GEBOORTEDATUM,
    OMVANG,
    PERIODE,
    PRODUCT,
    RETOURCODES,
    TELEFOONS,
    TOTAAL_BEDRAG,
    VERKORTE_NAAM,
    VERSIONS,
    VERWIJZER,
    VOLLEDIGE_NAAM,
    Shape,
    clock,
    cls,
    date,
    inline,
    integer,
    items,
    one,
    part,
    text,
)
from handlers import messages as m
from handlers.table import TABLE, Role, Row

# ---------------------------------------------------------------- headers

_HEADER = (
    text("BerichtCode", "berichtcode"),
    integer("BerichtVersie", "berichtversie"),
    integer("BerichtSubversie", "berichtsubversie"),
    text("Afzender", "afzender"),
    text("Ontvanger", "ontvanger"),
    inline("BerichtIdentificatie", part(dict, text("Identificatie", "identificatie"),
                                        date("Dagtekening", "dagtekening"))),
    inline("XsdVersie", part(dict, text("BasisschemaXsdVersie", "basisschema_xsd_versie"),
                             text("BerichtXsdVersie", "bericht_xsd_versie"))),
)


def _retour_header(*, xpath: str, identificatie_retour: str, dagtekening_retour: Any,
                   xsd_versie_retour: tuple[str, str], xslt_versie: str | None = None,
                   retourcodes: m.Codes = (), **heen: Any) -> m.RetourHeader:
    """The header of a retour holds the heen header's elements and its own in one element."""
    return m.RetourHeader(m.Header(**heen, xpath=xpath), identificatie_retour, dagtekening_retour,
                          xsd_versie_retour, xslt_versie, retourcodes, xpath)


def _declaratie_antwoord_header(*, xpath: str, declaratie_identificatie: str, declaratie_dagtekening: Any,
                                xsd_versie_declaratie: tuple[str, str], retourcodes: m.Codes = (),
                                xslt_versie: str | None = None, **heen: Any) -> m.DeclaratieAntwoordHeader:
    return m.DeclaratieAntwoordHeader(m.Header(**heen, xpath=xpath), declaratie_identificatie,
                                      declaratie_dagtekening, xsd_versie_declaratie, retourcodes, xslt_versie,
                                      xpath)


HEADER = Shape(m.Header, _HEADER, xpath=True)
RETOUR_HEADER = Shape(_retour_header, (
    *_HEADER,
    text("IdentificatieRetour", "identificatie_retour"),
    date("DagtekeningRetour", "dagtekening_retour"),
    one("XsdVersieRetour", "xsd_versie_retour", VERSIONS),
    text("XsltVersie", "xslt_versie"),
    RETOURCODES,
), xpath=True)
DECLARATIE_ANTWOORD_HEADER = Shape(_declaratie_antwoord_header, (
    *_HEADER,
    inline("DeclaratieIdentificatie", part(dict, text("Identificatie", "declaratie_identificatie"),
                                           date("Dagtekening", "declaratie_dagtekening"))),
    one("XsdVersieDeclaratie", "xsd_versie_declaratie", VERSIONS),
    text("XsltVersie", "xslt_versie"),
    RETOURCODES,
), xpath=True)

# ---------------------------------------------------------------- 301 / 302

CONTACT = cls(
    m.Contact, text("Soort", "soort"), one("Adres", "adres", ADRES), text("Organisatie", "organisatie"),
    inline("Telefoon", TELEFOONS), text("Emailadres", "emailadres"), one("Periode", "periode", PERIODE),
)
RELATIE = cls(
    m.Relatie, text("Nummer", "nummer"), text("Soort", "soort"), one("Naam", "naam", VOLLEDIGE_NAAM),
    one("Contact", "contact", CONTACT), integer("Volgorde", "volgorde"),
    one("Geboortedatum", "geboortedatum", GEBOORTEDATUM), text("Geslacht", "geslacht"),
)
TOEGEWEZEN_PRODUCT = cls(
    m.ToegewezenProduct, integer("ToewijzingNummer", "toewijzingnummer"),
    date("Toewijzingsdatum", "toewijzingsdatum"), clock("Toewijzingstijd", "toewijzingstijd"),
    date("Ingangsdatum", "ingangsdatum"), text("ReferentieAanbieder", "referentie_aanbieder"),
    one("Product", "product", PRODUCT), date("Einddatum", "einddatum"),
    text("RedenWijziging", "reden_wijziging"), one("Omvang", "omvang", OMVANG), integer("Budget", "budget"),
    text("Commentaar", "commentaar"),
)
_PERSON = (
    text("Bsn", "bsn"), one("Geboortedatum", "geboortedatum", GEBOORTEDATUM), text("Geslacht", "geslacht"),
)
TOEWIJZING_CLIENT = cls(
    m.ToewijzingClient, *_PERSON, one("Naam", "naam", VOLLEDIGE_NAAM),
    items("Contactgegevens", "Contact", "contacten", CONTACT),
    items("ToegewezenProducten", "ToegewezenProduct", "producten", TOEGEWEZEN_PRODUCT),
    one("Communicatie", "communicatie", COMMUNICATIE), text("JuridischeStatus", "juridische_status"),
    text("WettelijkeVertegenwoordiging", "wettelijke_vertegenwoordiging"), text("Commentaar", "commentaar"),
    items("Relaties", "Relatie", "relaties", RELATIE),
)

# ---------------------------------------------------------------- 305 / 306, 307 / 308

_DELIVERY = (
    date("Begindatum", "begindatum"), text("StatusAanlevering", "status_aanlevering"),
    integer("ToewijzingNummer", "toewijzingnummer"), one("Product", "product", PRODUCT),
    date("ToewijzingIngangsdatum", "toewijzing_ingangsdatum"),
)
START_PRODUCT = cls(m.StartProduct, *_DELIVERY)
STOP_PRODUCT = cls(
    m.StopProduct, *_DELIVERY, text("RedenBeeindiging", "reden_beeindiging"), date("Einddatum", "einddatum")
)
START_CLIENT = cls(
    m.StartClient, *_PERSON, one("Naam", "naam", VERKORTE_NAAM),
    items("StartProducten", "StartProduct", "producten", START_PRODUCT),
)
STOP_CLIENT = cls(
    m.StopClient, *_PERSON, one("Naam", "naam", VERKORTE_NAAM),
    items("StopProducten", "StopProduct", "producten", STOP_PRODUCT),
)

# ---------------------------------------------------------------- 315 / 316

AANGEVRAAGD_PRODUCT = cls(
    m.AangevraagdProduct, text("ReferentieAanbieder", "referentie_aanbieder"),
    date("ToewijzingIngangsdatum", "toewijzing_ingangsdatum"), one("Verwijzer", "verwijzer", VERWIJZER),
    integer("BeschikkingNummer", "beschikkingnummer"), one("Product", "product", PRODUCT),
    date("BeschikkingIngangsdatum", "beschikking_ingangsdatum"),
    date("ToewijzingEinddatum", "toewijzing_einddatum"), one("Omvang", "omvang", OMVANG),
    integer("Budget", "budget"), text("Raamcontract", "raamcontract"), text("Commentaar", "commentaar"),
)
VERZOEK_TOEWIJZING_CLIENT = cls(
    m.VerzoekToewijzingClient, *_PERSON, one("Naam", "naam", VERKORTE_NAAM),
    items("AangevraagdeProducten", "AangevraagdProduct", "producten", AANGEVRAAGD_PRODUCT),
    text("GezagsdragerBekend", "gezagsdrager_bekend"), text("Commentaar", "commentaar"),
)

# ---------------------------------------------------------------- 317 / 318

_CHANGE = (
    date("GewensteIngangsdatum", "gewenste_ingangsdatum"), date("Einddatum", "einddatum"),
    one("Omvang", "omvang", OMVANG), integer("Budget", "budget"),
)
VERZOEK = cls(
    m.Verzoek, text("ReferentieAanbieder", "referentie_aanbieder"), text("RedenVerzoek", "reden_verzoek"),
    items("OngewijzigdeProducten", "OngewijzigdProduct", "ongewijzigd",
          cls(m.OngewijzigdProduct, integer("ToewijzingNummer", "toewijzingnummer"))),
    items("TeWijzigenProducten", "TeWijzigenProduct", "te_wijzigen",
          cls(m.TeWijzigenProduct, integer("ToewijzingNummer", "toewijzingnummer"), *_CHANGE)),
    items("NieuweProducten", "NieuwProduct", "nieuw",
          cls(m.NieuwProduct, one("Product", "product", PRODUCT), *_CHANGE)),
)
VERZOEK_WIJZIGING_CLIENT = cls(
    m.VerzoekWijzigingClient, text("Bsn", "bsn"), one("Verzoek", "verzoek", VERZOEK)
)

# ---------------------------------------------------------------- 319 / 320

ANTWOORD = cls(
    m.Antwoord, text("ReferentieAanbieder", "referentie_aanbieder"),
    text("VerzoekAntwoord", "verzoek_antwoord"), text("RedenAfwijzingVerzoek", "reden_afwijzing"),
    one("Woonplaatsbeginsel", "woonplaatsbeginsel", cls(m.Woonplaatsbeginsel, text("Gemeente", "gemeente"))),
)

# ---------------------------------------------------------------- 323 / 325

PRESTATIE = cls(
    m.Prestatie,
    inline("ProductReferentie", part(dict, text("ReferentieNummer", "referentienummer"),
                                     text("VorigReferentieNummer", "vorig_referentienummer"))),
    integer("ToewijzingNummer", "toewijzingnummer"), text("ProductCategorie", "productcategorie"),
    text("ProductCode", "productcode"), one("ProductPeriode", "periode", PERIODE),
    integer("GeleverdVolume", "geleverd_volume"), text("Eenheid", "eenheid"),
    one("IngediendBedrag", "ingediend_bedrag", BEDRAG), integer("ProductTarief", "producttarief"),
)
_CLIENTEN = items("Clienten", "Client", "clienten", cls(
    m.DeclaratieClient, text("Bsn", "bsn"), items("Prestaties", "Prestatie", "prestaties", PRESTATIE),
))
DECLARATIE = Shape(m.Declaratie, (
    text("DeclaratieNummer", "declaratienummer"), one("DeclaratiePeriode", "periode", PERIODE),
    date("DeclaratieDagtekening", "declaratie_dagtekening"),
    one("TotaalIngediendBedrag", "totaal_ingediend", TOTAAL_BEDRAG), _CLIENTEN,
), xpath=True, initial=(("clienten", ()),))
DECLARATIE_ANTWOORD = cls(
    m.DeclaratieAntwoord, text("DeclaratieNummer", "declaratienummer"),
    one("TotaalIngediendBedrag", "totaal_ingediend", TOTAAL_BEDRAG),
    one("TotaalToegekendBedrag", "totaal_toegekend", TOTAAL_BEDRAG), _CLIENTEN,
    initial=(("retourcodes", ()),),
)

# ---------------------------------------------------------------- the messages, by number


# The layout of each message's body: (its field on the message class, its shape). The class and the
# body element come from the message table (handlers.table); a retour reads its heen message's body,
# with the retour header.
_BODIES: dict[int, tuple[str, Shape]] = {
    301: ("client", TOEWIJZING_CLIENT),
    305: ("client", START_CLIENT),
    307: ("client", STOP_CLIENT),
    315: ("client", VERZOEK_TOEWIJZING_CLIENT),
    317: ("client", VERZOEK_WIJZIGING_CLIENT),
    319: ("antwoord", ANTWOORD),
    323: ("declaratie", DECLARATIE),
    325: ("antwoord", DECLARATIE_ANTWOORD),
}
_HEADERS: dict[int, Shape] = {325: DECLARATIE_ANTWOORD_HEADER}


def _bericht(row: Row) -> Shape:
    """The root element Bericht: Header and one body element; `meta` comes from the message type."""
    retour = row.role is Role.RETOUR
    field, shape = _BODIES[row.number - 1 if retour else row.number]
    header = RETOUR_HEADER if retour else _HEADERS.get(row.number, HEADER)
    return Shape(row.message, (one("Header", "header", header), one(row.body, field, shape)))


MESSAGES: dict[int, Shape] = {row.number: _bericht(row) for row in TABLE}

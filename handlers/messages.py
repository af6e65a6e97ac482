"""Typed models of the iWmo 3.2 / iJw 3.2 messages: frozen, slotted dataclasses, no XML.

One structure serves both standards (they share element names and order); the
standard is carried in `Meta`. Retour messages (302, 306, ...) reuse the heen
classes: every berichtklasse has `retourcodes`, empty in a heen message.
Every berichtklasse also carries `xpath`, the location of its element in the
document it was read from (e.g. `/Bericht/Client/StartProducten/StartProduct[2]`),
so a rule can point at the offending element without touching XML.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import Literal

Standard = Literal["iwmo", "ijw"]
Codes = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Meta:
    """Which message this is: standard, release, name (WMO305) and number (305)."""

    standard: Standard
    release: str
    name: str
    number: int


# ---------------------------------------------------------------- composite datatypes


@dataclass(frozen=True, slots=True)
class Product:
    categorie: str
    code: str | None = None


@dataclass(frozen=True, slots=True)
class Omvang:
    volume: int
    eenheid: str
    frequentie: str


@dataclass(frozen=True, slots=True)
class Geboortedatum:
    datum: date
    gebruik: str | None = None


@dataclass(frozen=True, slots=True)
class Achternaam:
    achternaam: str
    voorvoegsel: str | None = None


@dataclass(frozen=True, slots=True)
class VolledigeNaam:
    geslachtsnaam: Achternaam
    naamgebruik: str
    partnernaam: Achternaam | None = None
    voornamen: str | None = None
    voorletters: str | None = None


@dataclass(frozen=True, slots=True)
class VerkorteNaam:
    geslachtsnaam: Achternaam
    voornamen: str | None = None
    voorletters: str | None = None


@dataclass(frozen=True, slots=True)
class Huis:
    huisnummer: int
    huisletter: str | None = None
    toevoeging: str | None = None
    aanduiding_woonadres: str | None = None


@dataclass(frozen=True, slots=True)
class Adres:
    huis: Huis | None = None
    postcode: str | None = None
    straatnaam: str | None = None
    plaatsnaam: str | None = None
    landcode: str | None = None


@dataclass(frozen=True, slots=True)
class Telefoon:
    nummer: str
    landnummer: str | None = None


@dataclass(frozen=True, slots=True)
class Periode:
    begindatum: date | None = None
    einddatum: date | None = None


@dataclass(frozen=True, slots=True)
class Communicatie:
    vorm: str
    taal: str | None = None


@dataclass(frozen=True, slots=True)
class Verwijzer:
    type: str
    naam: str | None = None
    zorgverlener_code: str | None = None


@dataclass(frozen=True, slots=True)
class BedragMetDC:
    bedrag: int
    debet_credit: str


# ---------------------------------------------------------------- headers


@dataclass(frozen=True, slots=True)
class Header:
    """Header of a heen message (301, 305, 307, 315, 317, 319, 323)."""

    berichtcode: str
    berichtversie: int
    berichtsubversie: int
    afzender: str
    ontvanger: str
    identificatie: str
    dagtekening: date
    basisschema_xsd_versie: str
    bericht_xsd_versie: str
    xpath: str = "/Bericht/Header"


@dataclass(frozen=True, slots=True)
class RetourHeader:
    """Header of a retour message: the heen header copied, plus the retour's own fields."""

    heen: Header
    identificatie_retour: str
    dagtekening_retour: date
    xsd_versie_retour: tuple[str, str]
    xslt_versie: str | None = None
    retourcodes: Codes = ()
    xpath: str = "/Bericht/Header"


# ---------------------------------------------------------------- 301 / 302 toewijzing


@dataclass(frozen=True, slots=True)
class Contact:
    soort: str
    xpath: str
    adres: Adres | None = None
    organisatie: str | None = None
    telefoon01: Telefoon | None = None
    telefoon02: Telefoon | None = None
    emailadres: str | None = None
    periode: Periode | None = None
    retourcodes: Codes = ()


@dataclass(frozen=True, slots=True)
class Relatie:
    nummer: str
    soort: str
    naam: VolledigeNaam
    contact: Contact
    xpath: str
    volgorde: int | None = None
    geboortedatum: Geboortedatum | None = None
    geslacht: str | None = None
    retourcodes: Codes = ()


@dataclass(frozen=True, slots=True)
class ToegewezenProduct:
    toewijzingnummer: int
    toewijzingsdatum: date
    toewijzingstijd: time
    ingangsdatum: date
    xpath: str
    referentie_aanbieder: str | None = None
    product: Product | None = None
    einddatum: date | None = None
    reden_wijziging: str | None = None
    omvang: Omvang | None = None
    budget: int | None = None
    commentaar: str | None = None
    retourcodes: Codes = ()


@dataclass(frozen=True, slots=True)
class ToewijzingClient:
    bsn: str
    geboortedatum: Geboortedatum
    geslacht: str
    naam: VolledigeNaam
    contacten: tuple[Contact, ...]
    producten: tuple[ToegewezenProduct, ...]
    xpath: str = "/Bericht/Client"
    communicatie: Communicatie | None = None
    juridische_status: str | None = None
    wettelijke_vertegenwoordiging: str | None = None
    commentaar: str | None = None
    relaties: tuple[Relatie, ...] = ()
    retourcodes: Codes = ()


@dataclass(frozen=True, slots=True)
class Toewijzing:
    """WMO301 / JW301."""

    meta: Meta
    header: Header
    client: ToewijzingClient


@dataclass(frozen=True, slots=True)
class ToewijzingRetour:
    """WMO302 / JW302."""

    meta: Meta
    header: RetourHeader
    client: ToewijzingClient | None = None


# ---------------------------------------------------------------- 305/306 start, 307/308 stop


@dataclass(frozen=True, slots=True)
class StartProduct:
    begindatum: date
    status_aanlevering: str
    xpath: str
    toewijzingnummer: int | None = None
    product: Product | None = None
    toewijzing_ingangsdatum: date | None = None
    retourcodes: Codes = ()


@dataclass(frozen=True, slots=True)
class StopProduct:
    begindatum: date
    reden_beeindiging: str
    einddatum: date
    status_aanlevering: str
    xpath: str
    toewijzingnummer: int | None = None
    product: Product | None = None
    toewijzing_ingangsdatum: date | None = None
    retourcodes: Codes = ()


@dataclass(frozen=True, slots=True)
class StartClient:
    bsn: str
    geboortedatum: Geboortedatum
    geslacht: str
    naam: VerkorteNaam
    producten: tuple[StartProduct, ...]
    xpath: str = "/Bericht/Client"
    retourcodes: Codes = ()


@dataclass(frozen=True, slots=True)
class StopClient:
    bsn: str
    geboortedatum: Geboortedatum
    geslacht: str
    naam: VerkorteNaam
    producten: tuple[StopProduct, ...]
    xpath: str = "/Bericht/Client"
    retourcodes: Codes = ()


@dataclass(frozen=True, slots=True)
class Start:
    """WMO305 / JW305."""

    meta: Meta
    header: Header
    client: StartClient


@dataclass(frozen=True, slots=True)
class StartRetour:
    """WMO306 / JW306."""

    meta: Meta
    header: RetourHeader
    client: StartClient | None = None


@dataclass(frozen=True, slots=True)
class Stop:
    """WMO307 / JW307."""

    meta: Meta
    header: Header
    client: StopClient


@dataclass(frozen=True, slots=True)
class StopRetour:
    """WMO308 / JW308."""

    meta: Meta
    header: RetourHeader
    client: StopClient | None = None


# ---------------------------------------------------------------- 315/316 verzoek om toewijzing


@dataclass(frozen=True, slots=True)
class AangevraagdProduct:
    referentie_aanbieder: str
    toewijzing_ingangsdatum: date
    verwijzer: Verwijzer
    xpath: str
    beschikkingnummer: int | None = None
    product: Product | None = None
    beschikking_ingangsdatum: date | None = None
    toewijzing_einddatum: date | None = None
    omvang: Omvang | None = None
    budget: int | None = None
    raamcontract: str | None = None
    commentaar: str | None = None
    retourcodes: Codes = ()


@dataclass(frozen=True, slots=True)
class VerzoekToewijzingClient:
    bsn: str
    geboortedatum: Geboortedatum
    geslacht: str
    naam: VerkorteNaam
    producten: tuple[AangevraagdProduct, ...]
    xpath: str = "/Bericht/Client"
    gezagsdrager_bekend: str | None = None  # iJw only
    commentaar: str | None = None
    retourcodes: Codes = ()


@dataclass(frozen=True, slots=True)
class VerzoekToewijzing:
    """WMO315 / JW315 (VOT)."""

    meta: Meta
    header: Header
    client: VerzoekToewijzingClient


@dataclass(frozen=True, slots=True)
class VerzoekToewijzingRetour:
    """WMO316 / JW316."""

    meta: Meta
    header: RetourHeader
    client: VerzoekToewijzingClient | None = None


# ---------------------------------------------------------------- 317/318 verzoek om wijziging


@dataclass(frozen=True, slots=True)
class OngewijzigdProduct:
    toewijzingnummer: int
    xpath: str
    retourcodes: Codes = ()


@dataclass(frozen=True, slots=True)
class TeWijzigenProduct:
    toewijzingnummer: int
    gewenste_ingangsdatum: date
    xpath: str
    einddatum: date | None = None
    omvang: Omvang | None = None
    budget: int | None = None
    retourcodes: Codes = ()


@dataclass(frozen=True, slots=True)
class NieuwProduct:
    gewenste_ingangsdatum: date
    xpath: str
    product: Product | None = None
    einddatum: date | None = None
    omvang: Omvang | None = None
    budget: int | None = None
    retourcodes: Codes = ()


@dataclass(frozen=True, slots=True)
class Verzoek:
    referentie_aanbieder: str
    reden_verzoek: str
    xpath: str
    ongewijzigd: tuple[OngewijzigdProduct, ...] = ()
    te_wijzigen: tuple[TeWijzigenProduct, ...] = ()
    nieuw: tuple[NieuwProduct, ...] = ()
    retourcodes: Codes = ()


@dataclass(frozen=True, slots=True)
class VerzoekWijzigingClient:
    bsn: str
    verzoek: Verzoek
    xpath: str = "/Bericht/Client"
    retourcodes: Codes = ()


@dataclass(frozen=True, slots=True)
class VerzoekWijziging:
    """WMO317 / JW317 (VOW)."""

    meta: Meta
    header: Header
    client: VerzoekWijzigingClient


@dataclass(frozen=True, slots=True)
class VerzoekWijzigingRetour:
    """WMO318 / JW318."""

    meta: Meta
    header: RetourHeader
    client: VerzoekWijzigingClient | None = None


# ---------------------------------------------------------------- 319/320 antwoord


@dataclass(frozen=True, slots=True)
class Woonplaatsbeginsel:
    gemeente: str
    xpath: str
    retourcodes: Codes = ()


@dataclass(frozen=True, slots=True)
class Antwoord:
    referentie_aanbieder: str
    verzoek_antwoord: str
    xpath: str = "/Bericht/Antwoord"
    reden_afwijzing: str | None = None
    woonplaatsbeginsel: Woonplaatsbeginsel | None = None  # iJw only
    retourcodes: Codes = ()


@dataclass(frozen=True, slots=True)
class AntwoordBericht:
    """WMO319 / JW319."""

    meta: Meta
    header: Header
    antwoord: Antwoord


@dataclass(frozen=True, slots=True)
class AntwoordRetour:
    """WMO320 / JW320."""

    meta: Meta
    header: RetourHeader
    antwoord: Antwoord | None = None


# ---------------------------------------------------------------- 323 declaratie, 325 antwoord


@dataclass(frozen=True, slots=True)
class Prestatie:
    referentienummer: str
    toewijzingnummer: int
    productcategorie: str
    productcode: str
    periode: Periode
    geleverd_volume: int
    eenheid: str
    ingediend_bedrag: BedragMetDC
    xpath: str
    vorig_referentienummer: str | None = None
    producttarief: int | None = None
    retourcodes: Codes = ()


@dataclass(frozen=True, slots=True)
class DeclaratieClient:
    bsn: str
    prestaties: tuple[Prestatie, ...]
    xpath: str
    retourcodes: Codes = ()


@dataclass(frozen=True, slots=True)
class Declaratie:
    declaratienummer: str
    periode: Periode
    declaratie_dagtekening: date
    totaal_ingediend: BedragMetDC
    clienten: tuple[DeclaratieClient, ...]
    xpath: str = "/Bericht/Declaratie"


@dataclass(frozen=True, slots=True)
class DeclaratieBericht:
    """WMO323 / JW323."""

    meta: Meta
    header: Header
    declaratie: Declaratie


@dataclass(frozen=True, slots=True)
class DeclaratieAntwoordHeader:
    """Header of the 325: a heen header plus the identification of the answered 323."""

    heen: Header
    declaratie_identificatie: str
    declaratie_dagtekening: date
    xsd_versie_declaratie: tuple[str, str]
    retourcodes: Codes
    xslt_versie: str | None = None
    xpath: str = "/Bericht/Header"


@dataclass(frozen=True, slots=True)
class DeclaratieAntwoord:
    declaratienummer: str
    totaal_ingediend: BedragMetDC
    totaal_toegekend: BedragMetDC
    retourcodes: Codes
    clienten: tuple[DeclaratieClient, ...] = ()
    xpath: str = "/Bericht/DeclaratieAntwoord"


@dataclass(frozen=True, slots=True)
class DeclaratieAntwoordBericht:
    """WMO325 / JW325."""

    meta: Meta
    header: DeclaratieAntwoordHeader
    antwoord: DeclaratieAntwoord | None = None


HeenMessage = (
    Toewijzing | Start | Stop | VerzoekToewijzing | VerzoekWijziging | AntwoordBericht | DeclaratieBericht
)
RetourMessage = (
    ToewijzingRetour | StartRetour | StopRetour | VerzoekToewijzingRetour | VerzoekWijzigingRetour
    | AntwoordRetour
)
Message = HeenMessage | RetourMessage | DeclaratieAntwoordBericht

"""Valid baseline messages for the level-2 rule tests, per standard, and helpers to tweak and inspect them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, time
from typing import Any

from handlers.findings import IN_MESSAGE, TECHNICAL_REJECTION, Finding
from handlers.messages import (
    AangevraagdProduct,
    Achternaam,
    Adres,
    Antwoord,
    AntwoordBericht,
    BedragMetDC,
    Communicatie,
    Contact,
    Declaratie,
    DeclaratieAntwoord,
    DeclaratieAntwoordBericht,
    DeclaratieAntwoordHeader,
    DeclaratieBericht,
    DeclaratieClient,
    Geboortedatum,
    Header,
    Huis,
    Message,
    Meta,
    NieuwProduct,
    Omvang,
    OngewijzigdProduct,
    Periode,
    Prestatie,
    Product,
    Relatie,
    Standard,
    Start,
    StartClient,
    StartProduct,
    Stop,
    StopClient,
    StopProduct,
    Telefoon,
    TeWijzigenProduct,
    ToegewezenProduct,
    Toewijzing,
    ToewijzingClient,
    VerkorteNaam,
    Verwijzer,
    Verzoek,
    VerzoekToewijzing,
    VerzoekToewijzingClient,
    VerzoekWijziging,
    VerzoekWijzigingClient,
    VolledigeNaam,
)
from handlers.rules.in_message import check
from tests.kit import identity

STANDARDS: tuple[Standard, ...] = ("iwmo", "ijw")
DAGTEKENING = date(2024, 5, 1)
BSN = "999900006"  # test BSNs; each passes the 11-proof
OTHER_BSN = "999900018"
GEMEENTE, AANBIEDER = "0363", "12345678"

# A specific product (with code, volume per week) and an aspecific one (category only, budget) per standard.
SPECIFIC = {"iwmo": Product("02", "02A01"), "ijw": Product("45", "45A48")}
ASPECIFIC = {"iwmo": Product("07"), "ijw": Product("46")}
PLANNED_END = {"iwmo": "19", "ijw": "31"}  # RedenBeeindiging "ended as planned" differs per standard


def meta(standard: Standard, number: int) -> Meta:
    return identity.meta(standard, number)


def header(standard: Standard, number: int, dagtekening: date = DAGTEKENING) -> Header:
    ident = f"T{number}-1"
    return identity.header(standard, number, ident=ident, dagtekening=dagtekening, aanbieder=AANBIEDER)


def person_name() -> VolledigeNaam:
    return VolledigeNaam(Achternaam("Testpersoon"), "1", voorletters="T")


def birth() -> Geboortedatum:
    return Geboortedatum(date(1980, 5, 17))


# ---------------------------------------------------------------- 301


CLIENT_CONTACT = "/Bericht/Client/Contactgegevens/Contact[1]"


def contact(soort: str = "01", xpath: str = CLIENT_CONTACT, **changes: Any) -> Contact:
    adres = Adres(Huis(10), "1234AB", "Teststraat", "Testplaats", "NL")
    return replace(Contact(soort, xpath, adres=adres), **changes)


def toegewezen(index: int, **changes: Any) -> ToegewezenProduct:
    xpath = f"/Bericht/Client/ToegewezenProducten/ToegewezenProduct[{index}]"
    base = ToegewezenProduct(1000 + index, date(2024, 4, 15), time(10, 0), date(2024, 5, 1), xpath,
                             einddatum=date(2024, 12, 31))
    return replace(base, **changes)


def toewijzing(standard: Standard) -> Toewijzing:
    relatie_xpath = "/Bericht/Client/Relaties/Relatie[1]"
    relatie = Relatie("1", "10", person_name(), Contact("02", f"{relatie_xpath}/Contact",
                                                        telefoon01=Telefoon("0612345678")),
                      relatie_xpath, geboortedatum=Geboortedatum(date(1955, 3, 1)))
    producten = (
        toegewezen(1, product=SPECIFIC[standard], omvang=Omvang(4, "04", "2")),
        toegewezen(2, product=ASPECIFIC[standard], budget=150000),
    )
    client = ToewijzingClient(BSN, birth(), "2", person_name(), (contact(),), producten,
                              communicatie=Communicatie("1", "Engels"), relaties=(relatie,))
    return Toewijzing(meta(standard, 301), header(standard, 301), client)


def with_toegewezen(message: Toewijzing, *producten: ToegewezenProduct) -> Toewijzing:
    return replace(message, client=replace(message.client, producten=producten))


def with_301_client(message: Toewijzing, **changes: Any) -> Toewijzing:
    return replace(message, client=replace(message.client, **changes))


# ---------------------------------------------------------------- 305 / 307


def start_product(standard: Standard, index: int = 1, **changes: Any) -> StartProduct:
    xpath = f"/Bericht/Client/StartProducten/StartProduct[{index}]"
    base = StartProduct(date(2024, 4, 20), "1", xpath, toewijzingnummer=1001, product=SPECIFIC[standard],
                        toewijzing_ingangsdatum=date(2024, 4, 1))
    return replace(base, **changes)


def start(standard: Standard) -> Start:
    client = StartClient(BSN, birth(), "2", VerkorteNaam(Achternaam("Testpersoon")),
                         (start_product(standard),))
    return Start(meta(standard, 305), header(standard, 305), client)


def with_start_products(message: Start, *producten: StartProduct) -> Start:
    return replace(message, client=replace(message.client, producten=producten))


def stop_product(standard: Standard, index: int = 1, **changes: Any) -> StopProduct:
    xpath = f"/Bericht/Client/StopProducten/StopProduct[{index}]"
    base = StopProduct(date(2024, 4, 20), PLANNED_END[standard], date(2024, 4, 30), "1", xpath,
                       toewijzingnummer=1001, product=SPECIFIC[standard],
                       toewijzing_ingangsdatum=date(2024, 4, 1))
    return replace(base, **changes)


def stop(standard: Standard) -> Stop:
    client = StopClient(BSN, birth(), "2", VerkorteNaam(Achternaam("Testpersoon")), (stop_product(standard),))
    return Stop(meta(standard, 307), header(standard, 307), client)


def with_stop_products(message: Stop, *producten: StopProduct) -> Stop:
    return replace(message, client=replace(message.client, producten=producten))


# ---------------------------------------------------------------- 315


def aangevraagd(standard: Standard, index: int, **changes: Any) -> AangevraagdProduct:
    xpath = f"/Bericht/Client/AangevraagdeProducten/AangevraagdProduct[{index}]"
    base = AangevraagdProduct(f"REF-{index}", date(2024, 6, 1), Verwijzer("02", zorgverlener_code="01234567"),
                              xpath, product=SPECIFIC[standard], toewijzing_einddatum=date(2024, 12, 31),
                              omvang=Omvang(4, "04", "2"))
    return replace(base, **changes)


def verzoek_toewijzing(standard: Standard) -> VerzoekToewijzing:
    producten = (
        aangevraagd(standard, 1, beschikkingnummer=77, beschikking_ingangsdatum=date(2024, 4, 1)),
        aangevraagd(standard, 2, verwijzer=Verwijzer("01"), product=ASPECIFIC[standard], omvang=None,
                    budget=100000),
    )
    client = VerzoekToewijzingClient(BSN, birth(), "2", VerkorteNaam(Achternaam("Testpersoon")), producten,
                                     gezagsdrager_bekend="1" if standard == "ijw" else None)
    return VerzoekToewijzing(meta(standard, 315), header(standard, 315), client)


def with_aangevraagd(message: VerzoekToewijzing, *producten: AangevraagdProduct) -> VerzoekToewijzing:
    return replace(message, client=replace(message.client, producten=producten))


# ---------------------------------------------------------------- 317

VERZOEK = "/Bericht/Client/Verzoek"


def ongewijzigd(index: int, nummer: int) -> OngewijzigdProduct:
    return OngewijzigdProduct(nummer, f"{VERZOEK}/OngewijzigdeProducten/OngewijzigdProduct[{index}]")


def te_wijzigen(index: int, **changes: Any) -> TeWijzigenProduct:
    xpath = f"{VERZOEK}/TeWijzigenProducten/TeWijzigenProduct[{index}]"
    base = TeWijzigenProduct(1000 + index, date(2024, 6, 1), xpath, einddatum=date(2024, 12, 31),
                             omvang=Omvang(6, "04", "2"))
    return replace(base, **changes)


def nieuw(standard: Standard, index: int, **changes: Any) -> NieuwProduct:
    xpath = f"{VERZOEK}/NieuweProducten/NieuwProduct[{index}]"
    base = NieuwProduct(date(2024, 6, 1), xpath, product=SPECIFIC[standard], einddatum=date(2024, 12, 31),
                        omvang=Omvang(2, "04", "2"))
    return replace(base, **changes)


def verzoek_wijziging(standard: Standard) -> VerzoekWijziging:
    verzoek = Verzoek("VOW-1", "1", VERZOEK, ongewijzigd=(ongewijzigd(1, 1002),),
                      te_wijzigen=(te_wijzigen(1),), nieuw=(nieuw(standard, 1),))
    return VerzoekWijziging(meta(standard, 317), header(standard, 317), VerzoekWijzigingClient(BSN, verzoek))


def with_verzoek(message: VerzoekWijziging, **changes: Any) -> VerzoekWijziging:
    verzoek = replace(message.client.verzoek, **changes)
    return replace(message, client=replace(message.client, verzoek=verzoek))


# ---------------------------------------------------------------- 319


def antwoord(standard: Standard, **changes: Any) -> AntwoordBericht:
    body = replace(Antwoord("REF-1", "1", reden_afwijzing="3"), **changes)
    return AntwoordBericht(meta(standard, 319), header(standard, 319), body)


# ---------------------------------------------------------------- 323 / 325


def prestatie(standard: Standard, client: int, index: int, **changes: Any) -> Prestatie:
    xpath = f"/Bericht/Declaratie/Clienten/Client[{client}]/Prestaties/Prestatie[{index}]"
    product = SPECIFIC[standard]
    base = Prestatie(f"P-{client}-{index}", 1000 + index, product.categorie, product.code or "",
                     Periode(date(2024, 4, 1), date(2024, 4, 30)), 10, "04", BedragMetDC(50000, "D"), xpath,
                     producttarief=5000)
    return replace(base, **changes)


def euro_prestatie(standard: Standard, client: int, index: int, **changes: Any) -> Prestatie:
    """A prestatie claimed in euros (Eenheid 83): the volume is the amount, no tariff."""
    euros: dict[str, Any] = {"geleverd_volume": 12000, "eenheid": "83", "producttarief": None,
                             "ingediend_bedrag": BedragMetDC(12000, "D")}
    return prestatie(standard, client, index, **{**euros, **changes})


def declaratie(standard: Standard) -> DeclaratieBericht:
    clienten = (
        DeclaratieClient(BSN, (prestatie(standard, 1, 1),), "/Bericht/Declaratie/Clienten/Client[1]"),
        DeclaratieClient(OTHER_BSN, (euro_prestatie(standard, 2, 1),),
                         "/Bericht/Declaratie/Clienten/Client[2]"),
    )
    body = Declaratie("D202404", Periode(date(2024, 4, 1), date(2024, 4, 30)), date(2024, 5, 1),
                      BedragMetDC(62000, "D"), clienten)
    return DeclaratieBericht(meta(standard, 323), header(standard, 323), body)


def with_prestaties(
    message: DeclaratieBericht, client: int, *prestaties: Prestatie, **totals: Any
) -> DeclaratieBericht:
    """Replace the prestaties of client `client` (1-based); `totals` changes the Declaratie itself."""
    clienten = list(message.declaratie.clienten)
    clienten[client - 1] = replace(clienten[client - 1], prestaties=prestaties)
    body = replace(message.declaratie, clienten=tuple(clienten), **totals)
    return replace(message, declaratie=body)


def declaratie_antwoord(standard: Standard) -> DeclaratieAntwoordBericht:
    """A 325 that rejects the euro prestatie of the 323 baseline and awards the rest."""
    rejected = euro_prestatie(standard, 1, 1, retourcodes=("9340",),
                              xpath="/Bericht/DeclaratieAntwoord/Clienten/Client[1]/Prestaties/Prestatie[1]")
    client = DeclaratieClient(OTHER_BSN, (rejected,), "/Bericht/DeclaratieAntwoord/Clienten/Client[1]",
                              retourcodes=("0200",))
    head = DeclaratieAntwoordHeader(header(standard, 325, date(2024, 5, 8)), "T323-1", DAGTEKENING,
                                    ("1.0.0", "1.0.0"), ("0200",))
    body = DeclaratieAntwoord("D202404", BedragMetDC(62000, "D"), BedragMetDC(50000, "D"), ("0200",),
                              (client,))
    return DeclaratieAntwoordBericht(meta(standard, 325), head, body)


BASELINES: dict[int, Callable[[Standard], Message]] = {
    301: toewijzing, 305: start, 307: stop, 315: verzoek_toewijzing, 317: verzoek_wijziging,
    319: antwoord, 323: declaratie, 325: declaratie_antwoord,
}


# ---------------------------------------------------------------- inspecting findings


def findings_of(message: Message, code: str) -> list[Finding]:
    """The level-2 findings of one rule code for a message."""
    return [f for f in check(message) if f.code == code]


def rejected_at(message: Message, code: str) -> list[str]:
    """The XPaths of the findings of `code`, after asserting each is a level-2 technical rejection."""
    found = findings_of(message, code)
    assert found, f"expected a {code} finding, got {[f.code for f in check(message)]}"
    for item in found:
        assert (item.level, item.retourcode) == (IN_MESSAGE, TECHNICAL_REJECTION)
        assert BSN not in item.text
        assert OTHER_BSN not in item.text
    return [f.xpath for f in found]

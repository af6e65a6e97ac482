"""The one builder of typed messages (``handlers.messages``) for the pure handler and rule tests.

Two shapes of the same messages, on the same parties and identity (``tests.kit.identity``):

- complete valid baselines per standard, one per message type (``toewijzing(standard)``, ``BASELINES``),
  tweaked with ``replace`` and the ``with_*`` helpers: the level-2 rule tests;
- short messages built from their product lines (``toewijzing_msg(product(...))``, ``start_msg``,
  ``vot_msg`` ...), with ``allocation``/``request`` views and ``FakeState``, the register in memory:
  the handler and the level-3/4 rule tests.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
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
from handlers.outcome import AllocationKey, DeliveryKey, DeliveryScope
from handlers.rules.in_message import check
from handlers.state import AllocationView, AnswerView, HeenView, RequestView
from tests.kit import identity
from tests.kit.identity import AANBIEDER, BSN, GEMEENTE, OTHER_BSN

__all__ = ["AANBIEDER", "BSN", "GEMEENTE", "OTHER_BSN"]

STANDARDS: tuple[Standard, ...] = ("iwmo", "ijw")
DAGTEKENING = date(2024, 5, 1)  # the baselines' Dagtekening
DAG = date(2024, 3, 1)  # the short messages' Dagtekening and the allocations' Toewijzingsdatum
TODAY = date(2024, 3, 4)

# A specific product (with code, volume per week) and an aspecific one (category only, budget) per standard.
SPECIFIC = {"iwmo": Product("02", "02A01"), "ijw": Product("45", "45A48")}
ASPECIFIC = {"iwmo": Product("07"), "ijw": Product("46")}
PLANNED_END = {"iwmo": "19", "ijw": "31"}  # RedenBeeindiging "ended as planned" differs per standard
HULP = Product("02", "02A01")  # the short messages' product (iWmo)


def meta(standard: Standard, number: int) -> Meta:
    return identity.meta(standard, number)


def header(
    standard: Standard, number: int, *, ident: str | None = None, dagtekening: date = DAGTEKENING
) -> Header:
    """A heen message's header; the Identificatie is ``T<number>-1`` unless given."""
    return identity.header(standard, number, ident=ident or f"T{number}-1", dagtekening=dagtekening)


def person_name() -> VolledigeNaam:
    return VolledigeNaam(Achternaam("Testpersoon"), "1", voorletters="T")


def birth() -> Geboortedatum:
    return Geboortedatum(date(1980, 5, 17))


def naam() -> VerkorteNaam:
    return VerkorteNaam(Achternaam("Test"), voorletters="T")


# ================================================================ complete baselines per standard

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
    head = DeclaratieAntwoordHeader(header(standard, 325, dagtekening=date(2024, 5, 8)), "T323-1",
                                    DAGTEKENING, ("1.0.0", "1.0.0"), ("0200",))
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


# ================================================================ short messages and the register in memory


def start_record(
    n: int = 1,
    *,
    nr: int | None = 1001,
    begin: date = date(2024, 2, 1),
    status: str = "1",
    product: Product | None = HULP,
) -> StartProduct:
    return StartProduct(begin, status, f"/Bericht/Client/StartProducten/StartProduct[{n}]", nr, product)


def stop_record(
    n: int = 1,
    *,
    nr: int | None = 1001,
    begin: date = date(2024, 2, 1),
    reden: str = "20",
    end: date = date(2024, 2, 20),
    status: str = "1",
    product: Product | None = HULP,
) -> StopProduct:
    return StopProduct(
        begin, reden, end, status, f"/Bericht/Client/StopProducten/StopProduct[{n}]", nr, product
    )


def start_msg(
    *records: StartProduct, standard: Standard = "iwmo", ident: str = "B1", dag: date = DAG
) -> Start:
    client = StartClient(BSN, Geboortedatum(date(1950, 1, 1)), "1", naam(), tuple(records))
    return Start(meta(standard, 305), header(standard, 305, ident=ident, dagtekening=dag), client)


def stop_msg(*records: StopProduct, standard: Standard = "iwmo", ident: str = "B1") -> Stop:
    client = StopClient(BSN, Geboortedatum(date(1950, 1, 1)), "1", naam(), tuple(records))
    return Stop(meta(standard, 307), header(standard, 307, ident=ident, dagtekening=DAG), client)


def product(
    n: int = 1,
    *,
    nr: int = 1001,
    ingang: date = date(2024, 1, 1),
    einde: date | None = date(2024, 12, 31),
    ref: str | None = None,
    code: Product | None = HULP,
    reden: str | None = None,
    tijd: time = time(10, 0),
) -> ToegewezenProduct:
    return ToegewezenProduct(
        nr,
        DAG,
        tijd,
        ingang,
        f"/Bericht/Client/ToegewezenProducten/ToegewezenProduct[{n}]",
        referentie_aanbieder=ref,
        product=code,
        einddatum=einde,
        reden_wijziging=reden,
    )


def toewijzing_msg(*products: ToegewezenProduct, standard: Standard = "iwmo", bsn: str = BSN) -> Toewijzing:
    volledige = VolledigeNaam(Achternaam("Test"), "1", voorletters="T")
    client = ToewijzingClient(bsn, Geboortedatum(date(1950, 1, 1)), "1", volledige, (), tuple(products))
    return Toewijzing(meta(standard, 301), header(standard, 301, ident="B1", dagtekening=DAG), client)


def vot_msg(*refs: str, standard: Standard = "iwmo") -> VerzoekToewijzing:
    producten = tuple(
        AangevraagdProduct(
            ref,
            date(2024, 4, 1),
            Verwijzer("01"),
            f"/Bericht/Client/AangevraagdeProducten/AangevraagdProduct[{n}]",
            product=Product("02"),
        )
        for n, ref in enumerate(refs, 1)
    )
    client = VerzoekToewijzingClient(BSN, Geboortedatum(date(1950, 1, 1)), "1", naam(), producten)
    head = header(standard, 315, ident="B1", dagtekening=DAG)
    return VerzoekToewijzing(meta(standard, 315), head, client)


V = "/Bericht/Client/Verzoek"


def unchanged(nr: int, n: int = 1) -> OngewijzigdProduct:
    return OngewijzigdProduct(nr, f"{V}/OngewijzigdeProducten/OngewijzigdProduct[{n}]")


def to_change(nr: int, n: int = 1, **fields: object) -> TeWijzigenProduct:
    values: dict[str, object] = {"gewenste_ingangsdatum": date(2024, 4, 1), **fields}
    return TeWijzigenProduct(nr, xpath=f"{V}/TeWijzigenProducten/TeWijzigenProduct[{n}]", **values)  # type: ignore[arg-type]


def new_product(
    n: int = 1,
    *,
    code: Product | None = HULP,
    start: date = date(2024, 4, 1),
    end: date | None = date(2024, 12, 31),
) -> NieuwProduct:
    return NieuwProduct(start, f"{V}/NieuweProducten/NieuwProduct[{n}]", code, end)


def vow_msg(
    ref: str = "VOW-1",
    *,
    ongewijzigd: tuple[OngewijzigdProduct, ...] = (),
    te_wijzigen: tuple[TeWijzigenProduct, ...] = (),
    nieuw: tuple[NieuwProduct, ...] = (),
    standard: Standard = "iwmo",
) -> VerzoekWijziging:
    verzoek = Verzoek(ref, "1", V, ongewijzigd, te_wijzigen, nieuw)
    head = header(standard, 317, ident="B1", dagtekening=DAG)
    return VerzoekWijziging(meta(standard, 317), head, VerzoekWijzigingClient(BSN, verzoek))


def antwoord_msg(ref: str = "VOT-1", answer: str = "1", standard: Standard = "iwmo") -> AntwoordBericht:
    reden = "3" if answer == "1" else None
    head = header(standard, 319, ident="B1", dagtekening=DAG)
    return AntwoordBericht(meta(standard, 319), head, Antwoord(ref, answer, reden_afwijzing=reden))


def allocation(
    nr: int = 1001,
    *,
    ingang: date = date(2024, 1, 1),
    einde: date | None = date(2024, 12, 31),
    categorie: str | None = "02",
    code: str | None = "02A01",
    reden: str | None = None,
    bsn: str = BSN,
    standard: Standard = "iwmo",
    **extra: object,
) -> AllocationView:
    key = AllocationKey(standard, GEMEENTE, nr)
    view = AllocationView(key, bsn, AANBIEDER, ingang, categorie, code, einde, reden)
    return replace(view, **extra)  # type: ignore[arg-type]


@dataclass
class FakeState:
    """The register in memory: implements handlers.state.State for the pure tests."""

    used: set[tuple[str, str, str, str]] = field(default_factory=set)
    allocations: list[AllocationView] = field(default_factory=list)
    entries: list[DeliveryKey] = field(default_factory=list)
    requests: list[RequestView] = field(default_factory=list)
    answer_list: list[tuple[str, AnswerView]] = field(default_factory=list)
    honoured: set[str] = field(default_factory=set)
    heen: dict[tuple[str, int, str, str, str], HeenView] = field(default_factory=dict)
    claimed: set[AllocationKey] = field(default_factory=set)  # allocations with awarded claim lines

    async def identificatie_used(
        self, standard: str, message_name: str, sender: str, identificatie: str
    ) -> bool:
        return (standard, message_name, sender, identificatie) in self.used

    async def allocation(self, key: AllocationKey) -> AllocationView | None:
        return next((a for a in self.allocations if a.key == key), None)

    async def allocations_of(self, scope: DeliveryScope) -> list[AllocationView]:
        return [
            a
            for a in self.allocations
            if (a.key.standard, a.key.gemeente, a.aanbieder, a.bsn)
            == (scope.standard, scope.gemeente, scope.aanbieder, scope.bsn)
        ]

    async def deliveries(self, scope: DeliveryScope) -> list[DeliveryKey]:
        return list(self.entries)

    async def requests_with_reference(
        self, standard: str, aanbieder: str, referentie: str
    ) -> list[RequestView]:
        return [r for r in self.requests if r.referentie_aanbieder == referentie and r.aanbieder == aanbieder]

    async def open_requests(self, scope: DeliveryScope) -> list[RequestView]:
        return [r for r in self.requests if r.open and r.bsn == scope.bsn and r.aanbieder == scope.aanbieder]

    async def answers(self, standard: str, aanbieder: str, referentie: str) -> list[AnswerView]:
        return [a for ref, a in self.answer_list if ref == referentie]

    async def reference_honoured(self, standard: str, aanbieder: str, referentie: str) -> bool:
        return referentie in self.honoured

    async def heen_message(
        self, standard: str, number: int, afzender: str, ontvanger: str, identificatie: str
    ) -> HeenView | None:
        return self.heen.get((standard, number, afzender, ontvanger, identificatie))

    async def has_awarded_claims(self, key: AllocationKey) -> bool:
        return key in self.claimed


def request(ref: str, state: str = "pending", kind: str = "vot") -> RequestView:
    return RequestView(kind, ref, BSN, GEMEENTE, AANBIEDER, state)


def start_key(nr: int | None = 1001, begin: date = date(2024, 2, 1)) -> DeliveryKey:
    return DeliveryKey("start", nr, "02", "02A01", begin)


def stop_key(
    nr: int | None = 1001, begin: date = date(2024, 2, 1), reden: str = "20", end: date = date(2024, 2, 20)
) -> DeliveryKey:
    return DeliveryKey("stop", nr, "02", "02A01", begin, reden, end)


def codes(findings: list[object]) -> list[str]:
    return [str(getattr(f, "retourcode", "")) for f in findings]

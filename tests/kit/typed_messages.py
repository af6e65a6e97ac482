"""Builders of typed messages and an in-memory register for the pure handler and rule tests."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, time

from handlers.messages import (
    AangevraagdProduct,
    Achternaam,
    Antwoord,
    AntwoordBericht,
    Geboortedatum,
    Header,
    Meta,
    NieuwProduct,
    OngewijzigdProduct,
    Product,
    Standard,
    Start,
    StartClient,
    StartProduct,
    Stop,
    StopClient,
    StopProduct,
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
from handlers.state import AllocationView, AnswerView, HeenView, RequestView
from tests.kit import identity
from tests.kit.identity import AANBIEDER, BSN, GEMEENTE

__all__ = ["AANBIEDER", "BSN", "GEMEENTE"]

HULP = Product("02", "02A01")
DAG = date(2024, 3, 1)
TODAY = date(2024, 3, 4)
NAMES = {301: "301", 305: "305", 307: "307", 315: "315", 317: "317", 319: "319"}


def header(number: int, standard: Standard = "iwmo", ident: str = "B1", dagtekening: date = DAG) -> Header:
    return identity.header(standard, number, ident=ident, dagtekening=dagtekening)


def meta(number: int, standard: Standard = "iwmo") -> Meta:
    return identity.meta(standard, number)


def naam() -> VerkorteNaam:
    return VerkorteNaam(Achternaam("Test"), voorletters="T")


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
    return Start(meta(305, standard), header(305, standard, ident, dag), client)


def stop_msg(*records: StopProduct, standard: Standard = "iwmo", ident: str = "B1") -> Stop:
    client = StopClient(BSN, Geboortedatum(date(1950, 1, 1)), "1", naam(), tuple(records))
    return Stop(meta(307, standard), header(307, standard, ident), client)


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
    return Toewijzing(meta(301, standard), header(301, standard), client)


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
    return VerzoekToewijzing(meta(315, standard), header(315, standard), client)


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
    return VerzoekWijziging(meta(317, standard), header(317, standard), VerzoekWijzigingClient(BSN, verzoek))


def antwoord_msg(ref: str = "VOT-1", answer: str = "1", standard: Standard = "iwmo") -> AntwoordBericht:
    reden = "3" if answer == "1" else None
    return AntwoordBericht(
        meta(319, standard), header(319, standard), Antwoord(ref, answer, reden_afwijzing=reden)
    )


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

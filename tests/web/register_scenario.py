"""A register for the insight tests, built through storage.commands.apply as the Processor would.

Reference date 2025-03-10 (a Monday). Gemeente 0599 (the team's) and 0344 (another team's);
providers 12345678 and 87654321. Test BSNs only. The figures each test expects are derived
in the test from the rows written here, with the reasoning next to the assertion.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, time

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.outcome import (
    AddDelivery,
    AllocationKey,
    Command,
    DeliveryKey,
    DeliveryScope,
    PairRetour,
    RecordAllocationVersion,
    RecordAnswer,
    RecordRequest,
    UpsertClient,
)
from storage.commands import apply
from storage.models import MessageRow, RetourRow

ON = date(2025, 3, 10)
G, OTHER = "0599", "0344"
P1, P2 = "12345678", "87654321"
PERSONS = {
    "999900006": ("Jansen", "P", "3011AB", 10),
    "999900018": ("Jansen", "K", "3011AB", 10),  # same address: one household with 999900006
    "999900031": ("Vries", "A", "3012CD", 5),
    "999900043": ("Bakker", "M", "3511XX", 1),  # lives in the other gemeente
    "999900055": ("Smit", "T", "3013EF", 7),
}


class Scenario:
    """Writes messages and applies their commands; `n` numbers the message identifications."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.n = 0

    async def message(self, name: str, sender: str, receiver: str, day: date, commands: list[Command],
                      *, retour: bool = True, direction: str = "in") -> int:
        self.n += 1
        ident = f"T{self.n:04d}"
        row = MessageRow(sha256=hashlib.sha256(ident.encode()).hexdigest(), raw=ident.encode(),
                         standard="ijw" if name.startswith("JW") else "iwmo", message_name=name,
                         message_number=int(name[-3:]), sender=sender, receiver=receiver, identificatie=ident,
                         dagtekening=day, received_at=datetime.combine(day, time(9), UTC),
                         direction=direction,
                         status="recorded" if name.endswith(("301", "319")) else "accepted",
                         codes=[], findings=[])
        self.session.add(row)
        await self.session.flush()
        await apply(self.session, commands, message_id=row.id)
        if retour:
            await self._retour(row, name, sender, receiver, day)
        return row.id

    async def _retour(self, heen: MessageRow, name: str, sender: str, receiver: str, day: date) -> None:
        retour_name = name[:-3] + str(int(name[-3:]) + 1)
        ident = f"R{heen.identificatie}"
        if name.endswith(("301", "319")):  # the provider answers our message: a received retour
            retour_id = await self.message(retour_name, sender, receiver, day, [], retour=False)
            await apply(self.session, [PairRetour(heen.id, ident, True, (), ())], message_id=retour_id)
            return
        self.n += 1
        out = MessageRow(sha256=hashlib.sha256(ident.encode()).hexdigest(), raw=ident.encode(),
                         standard=heen.standard, message_name=retour_name,
                         message_number=int(retour_name[-3:]),
                         sender=sender, receiver=receiver, identificatie=heen.identificatie, dagtekening=day,
                         received_at=datetime.combine(day, time(9, 5), UTC), direction="out", status="sent",
                         codes=[], findings=[])
        self.session.add(out)
        await self.session.flush()
        self.session.add(RetourRow(direction="sent", heen_message_id=heen.id, retour_message_id=out.id,
                                   identificatie_retour=ident, header_codes=[], class_codes={},
                                   accepted=True))
        await self.session.flush()

    async def allocation(self, bsn: str, number: int, aanbieder: str, categorie: str, ingang: date,
                         eind: date | None, toegewezen: date, *, gemeente: str = G, standard: str = "iwmo",
                         code: str | None = None, referentie: str | None = None, reden: str | None = None,
                         received: date | None = None) -> int:
        achternaam, voorletters, postcode, huisnummer = PERSONS[bsn]
        client = UpsertClient(bsn, achternaam, None, None, voorletters, date(1950, 1, 1), "Hoofdstraat",
                              huisnummer, None, None, postcode, "Rotterdam", full=True)
        version = RecordAllocationVersion(AllocationKey(standard, gemeente, number), bsn, aanbieder, ingang,
                                          toegewezen, time(10), categorie, code, eind, reden,
                                          referentie_aanbieder=referentie)
        name = "JW301" if standard == "ijw" else "WMO301"
        return await self.message(name, gemeente, aanbieder, received or toegewezen, [client, version])

    async def start(self, bsn: str, number: int, aanbieder: str, categorie: str, begin: date, *,
                    gemeente: str = G, standard: str = "iwmo", retour: bool = True) -> int:
        key = DeliveryKey("start", number, categorie, None, begin)
        name = "JW305" if standard == "ijw" else "WMO305"
        return await self.message(name, aanbieder, gemeente, begin,
                                  [UpsertClient(bsn),
                                   AddDelivery(DeliveryScope(standard, gemeente, aanbieder, bsn), key)],
                                  retour=retour)

    async def stop(self, bsn: str, number: int, aanbieder: str, categorie: str, begin: date, end: date,
                   reason: str, *, gemeente: str = G, standard: str = "iwmo") -> int:
        key = DeliveryKey("stop", number, categorie, None, begin, reason, end)
        name = "JW307" if standard == "ijw" else "WMO307"
        return await self.message(name, aanbieder, gemeente, end,
                                  [UpsertClient(bsn),
                                   AddDelivery(DeliveryScope(standard, gemeente, aanbieder, bsn), key)])

    async def request(self, bsn: str, aanbieder: str, referentie: str, day: date,
                      categorie: str = "02") -> int:
        command = RecordRequest(DeliveryScope("iwmo", G, aanbieder, bsn), "vot", referentie,
                                (("categorie", categorie),))
        return await self.message("WMO315", aanbieder, G, day, [UpsertClient(bsn), command])

    async def answer(self, aanbieder: str, referentie: str, day: date, antwoord: str) -> int:
        command = RecordAnswer("iwmo", G, aanbieder, referentie, antwoord, "7" if antwoord == "1" else None)
        return await self.message("WMO319", G, aanbieder, day, [command])


D = date


async def build(session: AsyncSession) -> None:
    """The scenario; see the module docstring. Comments give what each piece is there to show."""
    s = Scenario(session)
    # A1: running and started; requested 2024-12-20 (REF-A1), allocated 2025-01-02 (13 days), then extended.
    await s.request("999900006", P1, "REF-A1", D(2024, 12, 20))
    await s.allocation("999900006", 1001, P1, "02", D(2025, 1, 6), D(2025, 6, 30), D(2025, 1, 2),
                       code="02A01", referentie="REF-A1")
    await s.allocation("999900006", 1001, P1, "02", D(2025, 1, 6), D(2025, 12, 31), D(2025, 2, 15),
                       code="02A01", reden="04")
    await s.start("999900006", 1001, P1, "02", D(2025, 1, 13))
    # A2: running, never started: start_missing (OP271) since 2025-02-03, due 2025-02-10.
    await s.allocation("999900006", 1002, P2, "01", D(2025, 2, 3), None, D(2025, 1, 31))
    # A3 (Jeugd): temporarily stopped on 2025-03-01.
    await s.allocation("999900018", 2001, P1, "45", D(2025, 1, 1), D(2025, 12, 31), D(2024, 12, 20),
                       standard="ijw", code="45A01")
    await s.start("999900018", 2001, P1, "45", D(2025, 1, 15), standard="ijw")
    await s.stop("999900018", 2001, P1, "45", D(2025, 1, 15), D(2025, 3, 1), "20", standard="ijw")
    # A11: retroactive (Ingangsdatum 2025-01-01, received Monday 2025-03-03): OP271 due 2025-03-10, in time.
    await s.allocation("999900018", 1011, P2, "01", D(2025, 1, 1), None, D(2025, 3, 3))
    # A4: ended 2025-02-28 while its delivery runs: stop_missing (OP272) due 2025-03-07.
    await s.allocation("999900031", 1003, P1, "02", D(2024, 6, 1), D(2025, 2, 28), D(2024, 5, 20))
    await s.start("999900031", 1003, P1, "02", D(2024, 6, 10))
    # A5: requested 2025-02-10, allocated 2025-02-20 (10 days), started 2025-03-03 (2 days), stopped 03-05.
    await s.request("999900031", P1, "REF-A5", D(2025, 2, 10))
    await s.allocation("999900031", 1004, P1, "02", D(2025, 3, 1), D(2025, 8, 31), D(2025, 2, 20),
                       referentie="REF-A5")
    await s.start("999900031", 1004, P1, "02", D(2025, 3, 3))
    await s.stop("999900031", 1004, P1, "02", D(2025, 3, 3), D(2025, 3, 5), "23")
    # A6: the other gemeente's allocation: never on the 0599 team's pages.
    await s.allocation("999900043", 5001, P1, "02", D(2025, 1, 1), None, D(2024, 12, 1), gemeente=OTHER)
    # A7: deleted (RedenWijziging 13, Einddatum = Ingangsdatum): not running.
    await s.allocation("999900006", 1005, P1, "02", D(2025, 2, 1), D(2025, 2, 1), D(2025, 1, 20), reden="13")
    # W1..W5: five requests to P2 for category 01, waits 3, 5, 8, 13, 40 days, all allocated in February;
    # each starts on its Ingangsdatum (0 days to start).
    for i, wait in enumerate((3, 5, 8, 13, 40)):
        allocated = D(2025, 2, 20 - i)
        await s.request("999900055", P2, f"REF-W{i}", D.fromordinal(allocated.toordinal() - wait), "01")
        await s.allocation("999900055", 1100 + i, P2, "01", D(2025, 2, 24), None, allocated,
                           referentie=f"REF-W{i}")
        await s.start("999900055", 1100 + i, P2, "01", D(2025, 2, 24))
    # A12: its 305 of Tuesday 2025-03-04 got no retour from us: retour_missing, due 2025-03-07.
    await s.allocation("999900055", 1201, P1, "02", D(2025, 3, 3), D(2025, 12, 31), D(2025, 2, 25))
    await s.start("999900055", 1201, P1, "02", D(2025, 3, 4), retour=False)
    # Requests: REF-Q1 unanswered since Friday 2025-02-28 (OP274 due 2025-03-07);
    # REF-Q2 'in onderzoek' since 2025-01-06 (OP346 due 2025-03-03); REF-Q3 in onderzoek, still in time.
    await s.request("999900031", P2, "REF-Q1", D(2025, 2, 28))
    await s.request("999900006", P1, "REF-Q2", D(2025, 1, 6))
    await s.answer(P1, "REF-Q2", D(2025, 1, 8), "2")
    await s.request("999900018", P2, "REF-Q3", D(2025, 2, 3))
    await s.answer(P2, "REF-Q3", D(2025, 2, 4), "2")

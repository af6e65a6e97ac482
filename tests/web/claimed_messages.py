"""iWmo 3.2 messages for the usage-from-claims tests, processed by the real Processor; test BSNs only.

Gemeente 0599 (the team's), provider 12345678, reference date 2025-05-15. Each 301 carries one
allocation of product 02A01 with an Omvang in hours (Eenheid 04):

- 4001 (999900006, PC4 3011): 10 hours per month (Frequentie 4), 2025. Started on 6 January (305).
  January 8 hours awarded; February 12 hours rejected (TR321: more than 10 in the month);
  March 10 hours awarded, credited in the April declaration.
- 4002 (999900018, PC4 3012): 60 hours in total (Frequentie 6), January to June 2025.
  January 20 hours awarded; April 10 hours awarded.
- 4003 (999900031, PC4 3012): 4 hours per week (Frequentie 2), February to December 2025. Never claimed.
- 5001 (999900043, gemeente 0344): another team's allocation, 10 hours per month, claimed in January.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.processing.processor import Processor
from gateway.settings import Settings
from storage.unit_of_work import unit_of_work

P = "12345678"
NS = "http://www.istandaarden.nl/iwmo/3_2"
CODES = {301: "414", 305: "418", 323: "484"}
ON = date(2025, 5, 15)


def _wrap(number: int, sender: str, receiver: str, ident: str, day: date, body: str) -> bytes:
    m = f"wmo{number}"
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<{m}:Bericht xmlns:iwmo="{NS}/basisschema/schema" xmlns:{m}="{NS}/{m}/schema">
<{m}:Header><{m}:BerichtCode>{CODES[number]}</{m}:BerichtCode>
<{m}:BerichtVersie>3</{m}:BerichtVersie><{m}:BerichtSubversie>2</{m}:BerichtSubversie>
<{m}:Afzender>{sender}</{m}:Afzender><{m}:Ontvanger>{receiver}</{m}:Ontvanger>
<{m}:BerichtIdentificatie><iwmo:Identificatie>{ident}</iwmo:Identificatie>
<iwmo:Dagtekening>{day}</iwmo:Dagtekening></{m}:BerichtIdentificatie>
<{m}:XsdVersie><iwmo:BasisschemaXsdVersie>1.0.0</iwmo:BasisschemaXsdVersie>
<iwmo:BerichtXsdVersie>1.0.0</iwmo:BerichtXsdVersie></{m}:XsdVersie></{m}:Header>
{body.replace("m:", f"{m}:")}
</{m}:Bericht>""".encode()


PRODUCT = "<m:Product><iwmo:Categorie>02</iwmo:Categorie><iwmo:Code>02A01</iwmo:Code></m:Product>"


def _person(bsn: str) -> str:
    return (f"<m:Bsn>{bsn}</m:Bsn><m:Geboortedatum><iwmo:Datum>1980-05-17</iwmo:Datum></m:Geboortedatum>"
            f"<m:Geslacht>2</m:Geslacht><m:Naam><iwmo:Geslachtsnaam><iwmo:Achternaam>Visser</iwmo:Achternaam>"
            f"</iwmo:Geslachtsnaam><iwmo:Voorletters>A</iwmo:Voorletters>")


@dataclass(frozen=True)
class Allocated:
    nr: int
    bsn: str
    postcode: str
    ingang: date
    einde: date
    volume: int
    frequentie: str
    gemeente: str = "0599"


def toewijzing(ident: str, day: date, a: Allocated) -> bytes:
    body = f"""<m:Client>{_person(a.bsn)}<iwmo:NaamGebruik>1</iwmo:NaamGebruik></m:Naam>
<m:Contactgegevens><m:Contact><m:Soort>01</m:Soort><m:Adres><iwmo:Huis><iwmo:Huisnummer>10</iwmo:Huisnummer>
</iwmo:Huis><iwmo:Postcode>{a.postcode}</iwmo:Postcode><iwmo:Straatnaam>Kade</iwmo:Straatnaam>
<iwmo:Plaatsnaam>Rotterdam</iwmo:Plaatsnaam><iwmo:LandCode>NL</iwmo:LandCode></m:Adres></m:Contact></m:Contactgegevens>
<m:ToegewezenProducten><m:ToegewezenProduct><m:ToewijzingNummer>{a.nr}</m:ToewijzingNummer>{PRODUCT}
<m:Toewijzingsdatum>{day}</m:Toewijzingsdatum><m:Toewijzingstijd>09:00:00</m:Toewijzingstijd>
<m:Ingangsdatum>{a.ingang}</m:Ingangsdatum><m:Einddatum>{a.einde}</m:Einddatum>
<m:Omvang><iwmo:Volume>{a.volume}</iwmo:Volume><iwmo:Eenheid>04</iwmo:Eenheid>
<iwmo:Frequentie>{a.frequentie}</iwmo:Frequentie></m:Omvang></m:ToegewezenProduct>
</m:ToegewezenProducten></m:Client>"""
    return _wrap(301, a.gemeente, P, ident, day, body)


def start(ident: str, bsn: str, nr: int, day: date, begin: date) -> bytes:
    body = (f"<m:Client>{_person(bsn)}</m:Naam><m:StartProducten><m:StartProduct>"
            f"<m:ToewijzingNummer>{nr}</m:ToewijzingNummer>{PRODUCT}<m:Begindatum>{begin}</m:Begindatum>"
            f"<m:StatusAanlevering>1</m:StatusAanlevering></m:StartProduct></m:StartProducten></m:Client>")
    return _wrap(305, P, "0599", ident, day, body)


@dataclass(frozen=True)
class Line:
    ref: str
    bsn: str
    nr: int
    begin: date
    end: date
    hours: int
    credit_of: str | None = None
    tarief: int = 5000  # euro cents per hour


def declaratie(ident: str, nummer: str, period: tuple[date, date], day: date, lines: list[Line],
               gemeente: str = "0599") -> bytes:
    total = sum((-1 if x.credit_of else 1) * x.hours * x.tarief for x in lines)
    clients = []
    for bsn in dict.fromkeys(x.bsn for x in lines):
        items = []
        for x in (x for x in lines if x.bsn == bsn):
            vorig = (f"<iwmo:VorigReferentieNummer>{x.credit_of}</iwmo:VorigReferentieNummer>"
                     if x.credit_of else "")
            dc = "C" if x.credit_of else "D"
            items.append(
                f"<m:Prestatie><m:ProductReferentie><iwmo:ReferentieNummer>{x.ref}</iwmo:ReferentieNummer>{vorig}"
                f"</m:ProductReferentie><m:ToewijzingNummer>{x.nr}</m:ToewijzingNummer>"
                "<m:ProductCategorie>02</m:ProductCategorie><m:ProductCode>02A01</m:ProductCode>"
                f"<m:ProductPeriode><iwmo:Begindatum>{x.begin}</iwmo:Begindatum><iwmo:Einddatum>{x.end}"
                f"</iwmo:Einddatum></m:ProductPeriode><m:GeleverdVolume>{x.hours}</m:GeleverdVolume>"
                f"<m:Eenheid>04</m:Eenheid><m:ProductTarief>{x.tarief}</m:ProductTarief><m:IngediendBedrag>"
                f"<iwmo:Bedrag>{x.hours * x.tarief}</iwmo:Bedrag><iwmo:DebetCredit>{dc}"
                "</iwmo:DebetCredit></m:IngediendBedrag></m:Prestatie>")
        clients.append(f"<m:Client><m:Bsn>{bsn}</m:Bsn><m:Prestaties>{''.join(items)}</m:Prestaties>"
                       "</m:Client>")
    body = (f"<m:Declaratie><m:DeclaratieNummer>{nummer}</m:DeclaratieNummer><m:DeclaratiePeriode>"
            f"<iwmo:Begindatum>{period[0]}</iwmo:Begindatum><iwmo:Einddatum>{period[1]}</iwmo:Einddatum>"
            f"</m:DeclaratiePeriode><m:DeclaratieDagtekening>{day}</m:DeclaratieDagtekening>"
            f"<m:TotaalIngediendBedrag><iwmo:TotaalBedrag>{abs(total)}</iwmo:TotaalBedrag><iwmo:DebetCredit>"
            f"{'C' if total < 0 else 'D'}</iwmo:DebetCredit></m:TotaalIngediendBedrag>"
            f"<m:Clienten>{''.join(clients)}</m:Clienten></m:Declaratie>")
    return _wrap(323, P, gemeente, ident, day, body)


D = date
A4001 = Allocated(4001, "999900006", "3011AB", D(2025, 1, 1), D(2025, 12, 31), 10, "4")
A4002 = Allocated(4002, "999900018", "3012CD", D(2025, 1, 1), D(2025, 6, 30), 60, "6")
A4003 = Allocated(4003, "999900031", "3012CD", D(2025, 2, 1), D(2025, 12, 31), 4, "2")
A5001 = Allocated(5001, "999900043", "3511XX", D(2025, 1, 1), D(2025, 12, 31), 10, "4", gemeente="0344")
JAN, FEB, MAR, APR = ((D(2025, m, 1), D(2025, m, last)) for m, last in ((1, 31), (2, 28), (3, 31), (4, 30)))

MESSAGES: list[tuple[date, bytes, str]] = [  # (day, message, expected outcome)
    (D(2024, 12, 20), toewijzing("T1", D(2024, 12, 20), A4001), "recorded"),
    (D(2024, 12, 20), toewijzing("T2", D(2024, 12, 20), A4002), "recorded"),
    (D(2025, 1, 20), toewijzing("T3", D(2025, 1, 20), A4003), "recorded"),
    (D(2024, 12, 20), toewijzing("T4", D(2024, 12, 20), A5001), "recorded"),
    (D(2025, 1, 7), start("S1", "999900006", 4001, D(2025, 1, 7), D(2025, 1, 6)), "accepted"),
    (D(2025, 2, 3), declaratie("DJ", "NJAN", JAN, D(2025, 2, 3), [
        Line("R-J1", "999900006", 4001, *JAN, 8), Line("R-J2", "999900018", 4002, *JAN, 20)]), "accepted"),
    (D(2025, 2, 3), declaratie("DO", "NOJAN", JAN, D(2025, 2, 3), [
        Line("R-O1", "999900043", 5001, *JAN, 6)], gemeente="0344"), "accepted"),
    (D(2025, 3, 3), declaratie("DF", "NFEB", FEB, D(2025, 3, 3), [
        Line("R-F1", "999900006", 4001, *FEB, 12)]), "rejected"),
    (D(2025, 4, 2), declaratie("DM", "NMAR", MAR, D(2025, 4, 2), [
        Line("R-M1", "999900006", 4001, *MAR, 10)]), "accepted"),
    (D(2025, 5, 2), declaratie("DA", "NAPR", APR, D(2025, 5, 2), [
        Line("R-A1", "999900006", 4001, *MAR, 10, credit_of="R-M1"),
        Line("R-A2", "999900018", 4002, *APR, 10)]), "accepted"),
]


async def process_all(sessions: async_sessionmaker[AsyncSession]) -> list[tuple[str, tuple[str, ...]]]:
    """Every message through the Processor on its own day; returns (outcome, codes) of each."""
    processor = Processor(Settings())
    results = []
    for day, raw, _expected in MESSAGES:
        async with unit_of_work(sessions) as session:
            done = await processor.process(session, raw, received_at=datetime.combine(day, time(10), UTC),
                                           today=day)
        results.append((done.outcome, tuple(done.codes)))
    return results

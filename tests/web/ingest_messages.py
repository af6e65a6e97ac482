"""iWmo 3.2 messages for the ingest-based insight test, run through the real Processor; test BSNs only.

Gemeente 0599, provider 12345678. Two clients at one address (a household): 999900067
requests (315, 6 Jan) and gets allocation 3001 (301, 16 Jan, from 3 Feb), which starts on
5 Feb (305); 999900079 gets allocation 3002 (301, 10 Feb, from 10 Feb) and never starts.
No 302 arrives for either 301.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.processing.processor import Processor
from gateway.settings import Settings
from storage.unit_of_work import unit_of_work

GEMEENTE, AANBIEDER = "0599", "12345678"
NS = "http://www.istandaarden.nl/iwmo/3_2"
CODES = {301: "414", 305: "418", 315: "444"}


def _wrap(number: int, ident: str, day: date, body: str) -> bytes:
    own = number == 301
    sender, receiver = (GEMEENTE, AANBIEDER) if own else (AANBIEDER, GEMEENTE)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<wmo{number}:Bericht xmlns:iwmo="{NS}/basisschema/schema" xmlns:wmo{number}="{NS}/wmo{number}/schema">
<wmo{number}:Header><wmo{number}:BerichtCode>{CODES[number]}</wmo{number}:BerichtCode>
<wmo{number}:BerichtVersie>3</wmo{number}:BerichtVersie><wmo{number}:BerichtSubversie>2</wmo{number}:BerichtSubversie>
<wmo{number}:Afzender>{sender}</wmo{number}:Afzender><wmo{number}:Ontvanger>{receiver}</wmo{number}:Ontvanger>
<wmo{number}:BerichtIdentificatie><iwmo:Identificatie>{ident}</iwmo:Identificatie>
<iwmo:Dagtekening>{day}</iwmo:Dagtekening></wmo{number}:BerichtIdentificatie>
<wmo{number}:XsdVersie><iwmo:BasisschemaXsdVersie>1.0.0</iwmo:BasisschemaXsdVersie>
<iwmo:BerichtXsdVersie>1.0.0</iwmo:BerichtXsdVersie></wmo{number}:XsdVersie></wmo{number}:Header>
{body.replace("m:", f"wmo{number}:")}
</wmo{number}:Bericht>""".encode()


def _person(bsn: str, voorletters: str) -> str:
    return (
        f"<m:Bsn>{bsn}</m:Bsn><m:Geboortedatum><iwmo:Datum>1980-05-17</iwmo:Datum></m:Geboortedatum>"
        f"<m:Geslacht>2</m:Geslacht><m:Naam><iwmo:Geslachtsnaam><iwmo:Achternaam>Visser</iwmo:Achternaam>"
        f"</iwmo:Geslachtsnaam><iwmo:Voorletters>{voorletters}</iwmo:Voorletters>"
    )


PRODUCT = "<m:Product><iwmo:Categorie>02</iwmo:Categorie><iwmo:Code>02A01</iwmo:Code></m:Product>"
OMVANG = (
    "<m:Omvang><iwmo:Volume>8</iwmo:Volume><iwmo:Eenheid>04</iwmo:Eenheid>"
    "<iwmo:Frequentie>4</iwmo:Frequentie></m:Omvang>"
)


def toewijzing(
    ident: str, bsn: str, voorletters: str, nr: int, day: date, ingang: date, ref: str | None = None
) -> bytes:
    reference = f"<m:ReferentieAanbieder>{ref}</m:ReferentieAanbieder>" if ref else ""
    body = f"""<m:Client>{_person(bsn, voorletters)}<iwmo:NaamGebruik>1</iwmo:NaamGebruik></m:Naam>
<m:Contactgegevens><m:Contact><m:Soort>01</m:Soort><m:Adres><iwmo:Huis><iwmo:Huisnummer>10</iwmo:Huisnummer>
</iwmo:Huis><iwmo:Postcode>3011AB</iwmo:Postcode><iwmo:Straatnaam>Kade</iwmo:Straatnaam>
<iwmo:Plaatsnaam>Rotterdam</iwmo:Plaatsnaam><iwmo:LandCode>NL</iwmo:LandCode></m:Adres></m:Contact></m:Contactgegevens>
<m:ToegewezenProducten><m:ToegewezenProduct><m:ToewijzingNummer>{nr}</m:ToewijzingNummer>{reference}{PRODUCT}
<m:Toewijzingsdatum>{day}</m:Toewijzingsdatum><m:Toewijzingstijd>09:00:00</m:Toewijzingstijd>
<m:Ingangsdatum>{ingang}</m:Ingangsdatum><m:Einddatum>2025-12-31</m:Einddatum>{OMVANG}</m:ToegewezenProduct>
</m:ToegewezenProducten></m:Client>"""
    return _wrap(301, ident, day, body)


def start(ident: str, bsn: str, nr: int, day: date, begin: date) -> bytes:
    body = (
        f"<m:Client>{_person(bsn, 'A')}</m:Naam><m:StartProducten><m:StartProduct>"
        f"<m:ToewijzingNummer>{nr}</m:ToewijzingNummer>{PRODUCT}<m:Begindatum>{begin}</m:Begindatum>"
        f"<m:StatusAanlevering>1</m:StatusAanlevering></m:StartProduct></m:StartProducten></m:Client>"
    )
    return _wrap(305, ident, day, body)


def vot(ident: str, bsn: str, ref: str, day: date, ingang: date) -> bytes:
    body = (
        f"<m:Client>{_person(bsn, 'A')}</m:Naam><m:AangevraagdeProducten><m:AangevraagdProduct>"
        f"<m:ReferentieAanbieder>{ref}</m:ReferentieAanbieder>{PRODUCT}"
        f"<m:ToewijzingIngangsdatum>{ingang}</m:ToewijzingIngangsdatum>"
        f"<m:ToewijzingEinddatum>2025-12-31</m:ToewijzingEinddatum>{OMVANG}"
        f"<m:Verwijzer><iwmo:Type>01</iwmo:Type></m:Verwijzer></m:AangevraagdProduct>"
        f"</m:AangevraagdeProducten></m:Client>"
    )
    return _wrap(315, ident, day, body)


MESSAGES = (
    (date(2025, 1, 6), vot("V0001", "999900067", "V1", date(2025, 1, 6), date(2025, 2, 3))),
    (
        date(2025, 1, 16),
        toewijzing("T0001", "999900067", "A", 3001, date(2025, 1, 16), date(2025, 2, 3), "V1"),
    ),
    (date(2025, 2, 6), start("S0001", "999900067", 3001, date(2025, 2, 6), date(2025, 2, 5))),
    (date(2025, 2, 10), toewijzing("T0002", "999900079", "B", 3002, date(2025, 2, 10), date(2025, 2, 10))),
)


async def ingest(sessions: async_sessionmaker[AsyncSession]) -> list[str]:
    """Process every message on its own day; returns the outcomes."""
    processor = Processor(Settings())
    outcomes = []
    for day, raw in MESSAGES:
        async with unit_of_work(sessions) as session:
            result = await processor.process(
                session, raw, received_at=datetime.combine(day, time(10), UTC), today=day
            )
        outcomes.append(result.outcome)
    return outcomes

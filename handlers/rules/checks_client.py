"""Level 2: person data of the client and relaties: BSN 11-proof, birth date, name use, communication."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from operator import mul

from handlers.findings import Finding
from handlers.messages import (
    DeclaratieAntwoordBericht,
    DeclaratieBericht,
    Geboortedatum,
    Start,
    Stop,
    Toewijzing,
    VerzoekToewijzing,
    VerzoekWijziging,
    VolledigeNaam,
)
from handlers.rules.checks_base import at, finding, in_message, per_message, years_before

BSN_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)
_ASCII_ZEROS = ord("0") * sum(BSN_WEIGHTS)
UNKNOWN_BIRTH = date(1900, 1, 1)  # IV009: a wholly unknown birth date is 01-01-1900 with DatumGebruik 3
MAX_AGE_YEARS = 120
NON_NATURAL_PERSON = "6"
WITH_PARTNER_NAME = frozenset({"1", "2", "3", "4"})
WITHOUT_PARTNER_NAME = frozenset({"1", "6"})
TOLK_TAAL = "1"

SingleClient = Toewijzing | Start | Stop | VerzoekToewijzing
WithBsn = SingleClient | VerzoekWijziging | DeclaratieBericht | DeclaratieAntwoordBericht


def passes_elfproef(bsn: str) -> bool:
    """The 11-proof of a BSN: nine digits weighted 9..2 and -1, the sum divisible by 11."""
    if len(bsn) != len(BSN_WEIGHTS) or not bsn.isdigit():
        return False
    if bsn.isascii():  # the usual case, faster: the byte values are the digits plus 48 ('0')
        total: int = sum(map(mul, bsn.encode(), BSN_WEIGHTS)) - _ASCII_ZEROS
    else:
        total = sum(map(mul, map(int, bsn), BSN_WEIGHTS))
    return total % 11 == 0


def _client_xpaths(message: WithBsn) -> list[tuple[str, str]]:
    """(bsn, client XPath) for every client of the message."""
    if isinstance(message, DeclaratieBericht):
        return [(c.bsn, c.xpath) for c in message.declaratie.clienten]
    if isinstance(message, DeclaratieAntwoordBericht):
        return [(c.bsn, c.xpath) for c in message.antwoord.clienten] if message.antwoord else []
    return [(message.client.bsn, message.client.xpath)]


@in_message("CS002", messages=(301, 305, 307, 315, 317, 323, 325),
            summary="Client/Bsn must pass the 11-proof.")
def cs002_bsn_elfproef(message: WithBsn) -> Iterator[Finding]:
    for bsn, xpath in _client_xpaths(message):
        if not passes_elfproef(bsn):
            # Never the BSN itself in the text.
            yield finding("CS002", at(xpath, "Bsn"), "Bsn does not pass the 11-proof.")


@per_message
def _people(message: SingleClient) -> tuple[tuple[Geboortedatum, str], ...]:
    """(Geboortedatum, owner XPath) of the client and, in a 301, of every relatie that has one."""
    client = (message.client.geboortedatum, message.client.xpath)
    if isinstance(message, Toewijzing) and message.client.relaties:
        return (client, *((r.geboortedatum, r.xpath) for r in message.client.relaties if r.geboortedatum))
    return (client,)


def datumgebruik_fits(birth: Geboortedatum) -> bool:
    """IV009: unknown parts are filled with 01 (day, month) or 1900 (year), as DatumGebruik says."""
    datum = birth.datum
    if birth.gebruik == "1":  # day unknown
        return datum.day == 1
    if birth.gebruik == "2":  # day and month unknown
        return (datum.month, datum.day) == (1, 1)
    if birth.gebruik == "3":  # whole date unknown
        return datum == UNKNOWN_BIRTH
    return True


@in_message("CS139", messages=(301, 305, 307, 315),
            summary="Geboortedatum: Datum must fit DatumGebruik (1: day 01; 2: 1 January; 3: 1900-01-01).")
def cs139_datumgebruik(message: SingleClient) -> Iterator[Finding]:
    for birth, xpath in _people(message):
        if not datumgebruik_fits(birth):
            yield finding("CS139", at(xpath, "Geboortedatum", "DatumGebruik"),
                          f"Geboortedatum/Datum does not fit DatumGebruik {birth.gebruik}.")


@in_message("TR002", messages=(301, 305, 307, 315),
            summary="Geboortedatum (client, and relaties in 301) at most 120 years before the Dagtekening, "
                    "unless unknown (DatumGebruik 3, 1900-01-01).")
def tr002_not_older_than_120(message: SingleClient) -> Iterator[Finding]:
    limit = years_before(message.header.dagtekening, MAX_AGE_YEARS)
    for birth, xpath in _people(message):
        unknown = birth.gebruik == "3" and birth.datum == UNKNOWN_BIRTH
        if birth.datum < limit and not unknown:
            yield finding("TR002", at(xpath, "Geboortedatum", "Datum"),
                          f"Geboortedatum lies more than {MAX_AGE_YEARS} years before the Dagtekening "
                          f"{message.header.dagtekening.isoformat()}.")


@in_message("CS318", messages=(301,), summary="Client/Naam/NaamGebruik may not be 6 (non-natural person).")
def cs318_client_not_organisation(message: Toewijzing) -> Iterator[Finding]:
    if message.client.naam.naamgebruik == NON_NATURAL_PERSON:
        yield finding("CS318", at(message.client.xpath, "Naam", "NaamGebruik"),
                      "NaamGebruik 6 (non-natural person) is not allowed for the client.")


def _naamgebruik_fits(naam: VolledigeNaam) -> bool:
    allowed = WITH_PARTNER_NAME if naam.partnernaam is not None else WITHOUT_PARTNER_NAME
    return naam.naamgebruik in allowed


@in_message("CS050", messages=(301,),
            summary="NaamGebruik 1-4 when Partnernaam is filled, otherwise 1 or 6 (client and relaties).")
def cs050_naamgebruik_partnernaam(message: Toewijzing) -> Iterator[Finding]:
    client = message.client
    names = [(client.naam, client.xpath)] + [(r.naam, r.xpath) for r in client.relaties]
    for naam, xpath in names:
        if not _naamgebruik_fits(naam):
            partner = "filled" if naam.partnernaam is not None else "empty"
            yield finding("CS050", at(xpath, "Naam", "NaamGebruik"),
                          f"NaamGebruik {naam.naamgebruik} is not allowed when Partnernaam is {partner}.")


@in_message("CD007", messages=(301,), summary="Communicatie/Taal is required when Vorm is 1 (tolk taal), "
                                              "otherwise empty.")
def cd007_taal_for_tolk(message: Toewijzing) -> Iterator[Finding]:
    communicatie = message.client.communicatie
    if communicatie is None:
        return
    xpath = at(message.client.xpath, "Communicatie", "Taal")
    if communicatie.vorm == TOLK_TAAL and communicatie.taal is None:
        yield finding("CD007", xpath, "Communicatie/Vorm is 1 (language interpreter), so Taal is required.")
    elif communicatie.vorm != TOLK_TAAL and communicatie.taal is not None:
        yield finding("CD007", xpath, f"Communicatie/Vorm is {communicatie.vorm}, so Taal must be empty.")

"""Level 2 on person data: CS002 (BSN 11-proof), CS139, TR002, CS318, CS050, CD007."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from handlers.messages import (
    Achternaam,
    Communicatie,
    DeclaratieAntwoordBericht,
    DeclaratieBericht,
    Geboortedatum,
    Message,
    Standard,
)
from handlers.rules.checks_client import passes_elfproef
from tests.kit.typed_messages import (
    BASELINES,
    STANDARDS,
    declaratie,
    findings_of,
    rejected_at,
    toewijzing,
    with_301_client,
)

TEST_BSNS = ("999900006", "999900018", "999900031", "999900043", "999900055")
WRONG_BSN = "999900007"  # last digit off by one: fails the 11-proof


def with_bsn(message: Message, bsn: str) -> Message:
    """The message with its (first) client's Bsn replaced."""
    changed: Message
    if isinstance(message, DeclaratieBericht):
        body = message.declaratie
        first = replace(body.clienten[0], bsn=bsn)
        changed = replace(message, declaratie=replace(body, clienten=(first, *body.clienten[1:])))
    elif isinstance(message, DeclaratieAntwoordBericht):
        assert message.antwoord is not None
        answer = message.antwoord
        first = replace(answer.clienten[0], bsn=bsn)
        changed = replace(message, antwoord=replace(answer, clienten=(first, *answer.clienten[1:])))
    else:
        single: Any = message
        changed = replace(single, client=replace(single.client, bsn=bsn))
    return changed


BSN_MESSAGES = (301, 305, 307, 315, 317, 323, 325)


@pytest.mark.parametrize("bsn", TEST_BSNS)
def test_cs002_test_bsns_pass_the_elfproef(bsn: str) -> None:
    assert passes_elfproef(bsn)


@pytest.mark.parametrize("bsn", [WRONG_BSN, "12345678", "99990000A", "123456789"])
def test_cs002_elfproef_rejects_wrong_values(bsn: str) -> None:
    assert not passes_elfproef(bsn)


@pytest.mark.parametrize("number", BSN_MESSAGES)
@pytest.mark.parametrize("standard", STANDARDS)
def test_cs002_valid_bsn_passes(standard: Standard, number: int) -> None:
    assert findings_of(with_bsn(BASELINES[number](standard), "999900043"), "CS002") == []


@pytest.mark.parametrize("number", BSN_MESSAGES)
@pytest.mark.parametrize("standard", STANDARDS)
def test_cs002_bsn_failing_elfproef_is_rejected(standard: Standard, number: int) -> None:
    message = with_bsn(BASELINES[number](standard), WRONG_BSN)
    xpaths = rejected_at(message, "CS002")
    expected = {
        323: "/Bericht/Declaratie/Clienten/Client[1]/Bsn",
        325: "/Bericht/DeclaratieAntwoord/Clienten/Client[1]/Bsn",
    }.get(number, "/Bericht/Client/Bsn")
    assert xpaths == [expected]
    assert all(WRONG_BSN not in f.text for f in findings_of(message, "CS002"))


def test_cs002_second_declaratie_client_is_located() -> None:
    message = declaratie("iwmo")
    second = replace(message.declaratie.clienten[1], bsn=WRONG_BSN)
    message = replace(
        message, declaratie=replace(message.declaratie, clienten=(message.declaratie.clienten[0], second))
    )
    assert rejected_at(message, "CS002") == ["/Bericht/Declaratie/Clienten/Client[2]/Bsn"]


PERSON_MESSAGES = (301, 305, 307, 315)


def with_birth(message: Any, birth: Geboortedatum) -> Message:
    """The single-client message (301, 305, 307, 315) with the client's Geboortedatum replaced."""
    changed: Message = replace(message, client=replace(message.client, geboortedatum=birth))
    return changed


@pytest.mark.parametrize(
    "birth",
    [
        Geboortedatum(date(1980, 5, 1), "1"),
        Geboortedatum(date(1980, 1, 1), "2"),
        Geboortedatum(date(1900, 1, 1), "3"),
        Geboortedatum(date(1980, 5, 17)),
    ],
)
@pytest.mark.parametrize("number", PERSON_MESSAGES)
@pytest.mark.parametrize("standard", STANDARDS)
def test_cs139_datumgebruik_consistent_passes(standard: Standard, number: int, birth: Geboortedatum) -> None:
    assert findings_of(with_birth(BASELINES[number](standard), birth), "CS139") == []


@pytest.mark.parametrize(
    "birth",
    [
        Geboortedatum(date(1980, 5, 17), "1"),
        Geboortedatum(date(1980, 5, 1), "2"),
        Geboortedatum(date(1980, 1, 1), "3"),
    ],
)
@pytest.mark.parametrize("number", PERSON_MESSAGES)
@pytest.mark.parametrize("standard", STANDARDS)
def test_cs139_datumgebruik_inconsistent_is_rejected(
    standard: Standard, number: int, birth: Geboortedatum
) -> None:
    message = with_birth(BASELINES[number](standard), birth)
    assert rejected_at(message, "CS139") == ["/Bericht/Client/Geboortedatum/DatumGebruik"]


@pytest.mark.parametrize("standard", STANDARDS)
def test_cs139_relatie_inconsistent_is_rejected(standard: Standard) -> None:
    message = toewijzing(standard)
    relatie = replace(message.client.relaties[0], geboortedatum=Geboortedatum(date(1955, 3, 2), "1"))
    message = with_301_client(message, relaties=(relatie,))
    assert rejected_at(message, "CS139") == ["/Bericht/Client/Relaties/Relatie[1]/Geboortedatum/DatumGebruik"]


@pytest.mark.parametrize("birth", [Geboortedatum(date(1904, 5, 1)), Geboortedatum(date(1900, 1, 1), "3")])
@pytest.mark.parametrize("number", PERSON_MESSAGES)
@pytest.mark.parametrize("standard", STANDARDS)
def test_tr002_exactly_120_years_or_unknown_passes(
    standard: Standard, number: int, birth: Geboortedatum
) -> None:
    # Dagtekening 2024-05-01: 1904-05-01 is exactly 120 years before it.
    assert findings_of(with_birth(BASELINES[number](standard), birth), "TR002") == []


@pytest.mark.parametrize("birth", [Geboortedatum(date(1904, 4, 30)), Geboortedatum(date(1900, 1, 1), "2")])
@pytest.mark.parametrize("number", PERSON_MESSAGES)
@pytest.mark.parametrize("standard", STANDARDS)
def test_tr002_older_than_120_years_is_rejected(
    standard: Standard, number: int, birth: Geboortedatum
) -> None:
    message = with_birth(BASELINES[number](standard), birth)
    assert rejected_at(message, "TR002") == ["/Bericht/Client/Geboortedatum/Datum"]


@pytest.mark.parametrize("standard", STANDARDS)
def test_tr002_relatie_older_than_120_years_is_rejected(standard: Standard) -> None:
    message = toewijzing(standard)
    relatie = replace(message.client.relaties[0], geboortedatum=Geboortedatum(date(1899, 12, 31)))
    message = with_301_client(message, relaties=(relatie,))
    assert rejected_at(message, "TR002") == ["/Bericht/Client/Relaties/Relatie[1]/Geboortedatum/Datum"]


@pytest.mark.parametrize("standard", STANDARDS)
def test_cs318_natural_person_passes(standard: Standard) -> None:
    message = toewijzing(standard)
    naam = replace(message.client.naam, naamgebruik="4", partnernaam=Achternaam("Partner"))
    assert findings_of(with_301_client(message, naam=naam), "CS318") == []


@pytest.mark.parametrize("standard", STANDARDS)
def test_cs318_client_as_organisation_is_rejected(standard: Standard) -> None:
    message = toewijzing(standard)
    message = with_301_client(message, naam=replace(message.client.naam, naamgebruik="6"))
    assert rejected_at(message, "CS318") == ["/Bericht/Client/Naam/NaamGebruik"]


@pytest.mark.parametrize(("partner", "naamgebruik"), [(True, "1"), (True, "4"), (False, "1"), (False, "6")])
@pytest.mark.parametrize("standard", STANDARDS)
def test_cs050_naamgebruik_fits_partnernaam_passes(
    standard: Standard, partner: bool, naamgebruik: str
) -> None:
    message = toewijzing(standard)
    relatie = message.client.relaties[0]
    naam = replace(
        relatie.naam, naamgebruik=naamgebruik, partnernaam=Achternaam("Partner") if partner else None
    )
    message = with_301_client(message, relaties=(replace(relatie, naam=naam),))
    assert findings_of(message, "CS050") == []


@pytest.mark.parametrize(("partner", "naamgebruik"), [(True, "5"), (True, "6"), (False, "2"), (False, "4")])
@pytest.mark.parametrize("standard", STANDARDS)
def test_cs050_naamgebruik_against_partnernaam_is_rejected(
    standard: Standard, partner: bool, naamgebruik: str
) -> None:
    message = toewijzing(standard)
    relatie = message.client.relaties[0]
    naam = replace(
        relatie.naam, naamgebruik=naamgebruik, partnernaam=Achternaam("Partner") if partner else None
    )
    message = with_301_client(message, relaties=(replace(relatie, naam=naam),))
    assert rejected_at(message, "CS050") == ["/Bericht/Client/Relaties/Relatie[1]/Naam/NaamGebruik"]


@pytest.mark.parametrize("communicatie", [Communicatie("1", "Pools"), Communicatie("2"), None])
@pytest.mark.parametrize("standard", STANDARDS)
def test_cd007_taal_matches_vorm_passes(standard: Standard, communicatie: Communicatie | None) -> None:
    message = with_301_client(toewijzing(standard), communicatie=communicatie)
    assert findings_of(message, "CD007") == []


@pytest.mark.parametrize("communicatie", [Communicatie("1"), Communicatie("3", "Pools")])
@pytest.mark.parametrize("standard", STANDARDS)
def test_cd007_taal_against_vorm_is_rejected(standard: Standard, communicatie: Communicatie) -> None:
    message = with_301_client(toewijzing(standard), communicatie=communicatie)
    assert rejected_at(message, "CD007") == ["/Bericht/Client/Communicatie/Taal"]


@pytest.mark.parametrize(("born", "found"), [(date(1900, 2, 28), []), (date(1900, 2, 27), ["TR002"])])
def test_tr002_on_a_leap_day_counts_back_to_28_february(born: date, found: list[str]) -> None:
    message = toewijzing("iwmo")
    message = replace(message, header=replace(message.header, dagtekening=date(2020, 2, 29)))
    message = with_301_client(message, geboortedatum=Geboortedatum(born))
    assert [f.code for f in findings_of(message, "TR002")] == found


def test_tr002_with_a_dagtekening_in_the_first_centuries_finds_nothing_and_never_raises() -> None:
    # The XSD allows year 0001; 120 years before year 0100 is before the calendar: nothing is older.
    message = toewijzing("iwmo")
    message = replace(message, header=replace(message.header, dagtekening=date(100, 1, 1)))
    message = with_301_client(message, geboortedatum=Geboortedatum(date(1, 1, 1)))
    assert findings_of(message, "TR002") == []

"""Level 2 dates against the Dagtekening and period order: TR134, TR018, TR380."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from handlers.messages import Geboortedatum, Message, Periode, Standard
from tests.kit.typed_messages import (
    DAGTEKENING,
    STANDARDS,
    declaratie,
    declaratie_antwoord,
    findings_of,
    nieuw,
    prestatie,
    rejected_at,
    start,
    start_product,
    stop,
    stop_product,
    te_wijzigen,
    toewijzing,
    verzoek_toewijzing,
    verzoek_wijziging,
    with_301_client,
    with_prestaties,
    with_start_products,
    with_stop_products,
    with_toegewezen,
    with_verzoek,
)

NEXT_DAY = date(2024, 5, 2)  # the day after the baseline Dagtekening


def born(message: Any, day: date) -> Message:
    """A single-client message (301, 305, 307, 315) whose client was born on `day`."""
    changed: Message = replace(message, client=replace(message.client, geboortedatum=Geboortedatum(day)))
    return changed


@pytest.mark.parametrize("factory", [toewijzing, start, stop, verzoek_toewijzing])
@pytest.mark.parametrize("standard", STANDARDS)
def test_tr134_born_on_dagtekening_passes(standard: Standard, factory: Callable[[Standard], Message]) -> None:
    message = factory(standard)
    assert findings_of(born(message, DAGTEKENING), "TR134") == []


@pytest.mark.parametrize("factory", [toewijzing, start, stop, verzoek_toewijzing])
@pytest.mark.parametrize("standard", STANDARDS)
def test_tr134_born_after_dagtekening_is_rejected(
    standard: Standard, factory: Callable[[Standard], Message]
) -> None:
    message = factory(standard)
    assert rejected_at(born(message, NEXT_DAY), "TR134") == ["/Bericht/Client/Geboortedatum/Datum"]


@pytest.mark.parametrize("standard", STANDARDS)
def test_tr134_relatie_born_after_dagtekening_is_rejected(standard: Standard) -> None:
    message = toewijzing(standard)
    relatie = replace(message.client.relaties[0], geboortedatum=Geboortedatum(NEXT_DAY))
    message = with_301_client(message, relaties=(relatie,))
    assert rejected_at(message, "TR134") == ["/Bericht/Client/Relaties/Relatie[1]/Geboortedatum/Datum"]


@pytest.mark.parametrize("standard", STANDARDS)
def test_tr134_toewijzingsdatum_on_dagtekening_and_future_ingangsdatum_pass(standard: Standard) -> None:
    message = toewijzing(standard)
    first, second = message.client.producten
    message = with_toegewezen(
        message, replace(first, toewijzingsdatum=DAGTEKENING, ingangsdatum=NEXT_DAY), second
    )
    assert findings_of(message, "TR134") == []


@pytest.mark.parametrize("standard", STANDARDS)
def test_tr134_toewijzingsdatum_after_dagtekening_is_rejected(standard: Standard) -> None:
    message = toewijzing(standard)
    first, second = message.client.producten
    message = with_toegewezen(message, first, replace(second, toewijzingsdatum=NEXT_DAY))
    expected = "/Bericht/Client/ToegewezenProducten/ToegewezenProduct[2]/Toewijzingsdatum"
    assert rejected_at(message, "TR134") == [expected]


@pytest.mark.parametrize("standard", STANDARDS)
def test_tr134_start_on_dagtekening_passes(standard: Standard) -> None:
    message = with_start_products(start(standard), start_product(standard, begindatum=DAGTEKENING))
    assert findings_of(message, "TR134") == []


@pytest.mark.parametrize("standard", STANDARDS)
def test_tr134_start_after_dagtekening_is_rejected(standard: Standard) -> None:
    message = with_start_products(start(standard), start_product(standard, begindatum=NEXT_DAY))
    assert rejected_at(message, "TR134") == ["/Bericht/Client/StartProducten/StartProduct[1]/Begindatum"]


@pytest.mark.parametrize("standard", STANDARDS)
def test_tr134_stop_ending_on_dagtekening_passes(standard: Standard) -> None:
    message = with_stop_products(stop(standard), stop_product(standard, einddatum=DAGTEKENING))
    assert findings_of(message, "TR134") == []


@pytest.mark.parametrize("standard", STANDARDS)
def test_tr134_stop_ending_after_dagtekening_is_rejected(standard: Standard) -> None:
    message = with_stop_products(stop(standard), stop_product(standard, einddatum=NEXT_DAY))
    assert rejected_at(message, "TR134") == ["/Bericht/Client/StopProducten/StopProduct[1]/Einddatum"]


@pytest.mark.parametrize("standard", STANDARDS)
def test_tr134_declaratie_dagtekening_after_message_is_rejected(standard: Standard) -> None:
    message = declaratie(standard)
    message = replace(message, declaratie=replace(message.declaratie, declaratie_dagtekening=NEXT_DAY))
    assert rejected_at(message, "TR134") == ["/Bericht/Declaratie/DeclaratieDagtekening"]


@pytest.mark.parametrize("standard", STANDARDS)
def test_tr134_declaratie_on_dagtekening_passes(standard: Standard) -> None:
    message = declaratie(standard)
    message = replace(message, declaratie=replace(message.declaratie, declaratie_dagtekening=DAGTEKENING))
    assert findings_of(message, "TR134") == []


@pytest.mark.parametrize("standard", STANDARDS)
def test_tr134_product_period_starting_after_dagtekening_is_rejected(standard: Standard) -> None:
    late = prestatie(standard, 1, 1, periode=Periode(NEXT_DAY, NEXT_DAY))
    message = with_prestaties(declaratie(standard), 1, late)
    expected = "/Bericht/Declaratie/Clienten/Client[1]/Prestaties/Prestatie[1]/ProductPeriode/Begindatum"
    assert expected in rejected_at(message, "TR134")


@pytest.mark.parametrize("standard", STANDARDS)
def test_tr134_declaratie_antwoord_periods_pass_and_late_period_is_rejected(standard: Standard) -> None:
    message = declaratie_antwoord(standard)
    assert findings_of(message, "TR134") == []
    assert message.antwoord is not None
    client = message.antwoord.clienten[0]
    late = replace(client.prestaties[0], periode=Periode(date(2024, 5, 9), date(2024, 5, 31)))
    answer = replace(message.antwoord, clienten=(replace(client, prestaties=(late,)),))
    expected = f"{late.xpath}/ProductPeriode/Begindatum"
    assert rejected_at(replace(message, antwoord=answer), "TR134") == [expected]


@pytest.mark.parametrize("standard", STANDARDS)
def test_tr018_stop_on_start_day_passes(standard: Standard) -> None:
    day = date(2024, 4, 20)
    message = with_stop_products(stop(standard), stop_product(standard, begindatum=day, einddatum=day))
    assert findings_of(message, "TR018") == []


@pytest.mark.parametrize("standard", STANDARDS)
def test_tr018_stop_before_start_is_rejected(standard: Standard) -> None:
    product = stop_product(standard, begindatum=date(2024, 4, 20), einddatum=date(2024, 4, 19))
    message = with_stop_products(stop(standard), product)
    assert rejected_at(message, "TR018") == ["/Bericht/Client/StopProducten/StopProduct[1]/Einddatum"]


@pytest.mark.parametrize("standard", STANDARDS)
def test_tr380_requested_ends_after_dagtekening_pass(standard: Standard) -> None:
    message = with_verzoek(
        verzoek_wijziging(standard),
        te_wijzigen=(te_wijzigen(1, einddatum=NEXT_DAY),),
        nieuw=(nieuw(standard, 1, einddatum=NEXT_DAY, gewenste_ingangsdatum=DAGTEKENING),),
    )
    assert findings_of(message, "TR380") == []


@pytest.mark.parametrize("standard", STANDARDS)
def test_tr380_requested_end_on_dagtekening_is_rejected(standard: Standard) -> None:
    message = with_verzoek(
        verzoek_wijziging(standard),
        te_wijzigen=(te_wijzigen(1, gewenste_ingangsdatum=date(2024, 4, 1), einddatum=DAGTEKENING),),
        nieuw=(nieuw(standard, 1, gewenste_ingangsdatum=date(2024, 4, 1), einddatum=date(2024, 4, 30)),),
    )
    assert rejected_at(message, "TR380") == [
        "/Bericht/Client/Verzoek/TeWijzigenProducten/TeWijzigenProduct[1]/Einddatum",
        "/Bericht/Client/Verzoek/NieuweProducten/NieuwProduct[1]/Einddatum",
    ]

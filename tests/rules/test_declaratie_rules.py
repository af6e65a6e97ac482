"""Level 2 on the declaration 323 and its answer 325: periods, amounts, debit and credit lines."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from handlers.messages import (
    BedragMetDC,
    DeclaratieAntwoordBericht,
    DeclaratieBericht,
    Periode,
    Prestatie,
    Standard,
)
from tests.kit.typed_messages import (
    STANDARDS,
    declaratie,
    declaratie_antwoord,
    euro_prestatie,
    findings_of,
    prestatie,
    rejected_at,
    with_prestaties,
)

DECLARATIE = "/Bericht/Declaratie"
P11 = "/Bericht/Declaratie/Clienten/Client[1]/Prestaties/Prestatie[1]"
P12 = "/Bericht/Declaratie/Clienten/Client[1]/Prestaties/Prestatie[2]"
APRIL = Periode(date(2024, 4, 1), date(2024, 4, 30))


def first_client(
    standard: Standard, *prestaties: Prestatie, total: int | None = None, debet_credit: str = "D"
) -> DeclaratieBericht:
    """The 323 baseline with client 1's prestaties replaced; the total follows unless given."""
    base = declaratie(standard)
    if total is None:
        signed = [
            p.ingediend_bedrag.bedrag * (-1 if p.ingediend_bedrag.debet_credit == "C" else 1)
            for p in prestaties
        ]
        total = sum(signed) + 12000  # client 2's euro prestatie
    amount = BedragMetDC(abs(total), "C" if total < 0 else debet_credit)
    return with_prestaties(base, 1, *prestaties, totaal_ingediend=amount)


def with_declaratie(standard: Standard, **changes: Any) -> DeclaratieBericht:
    message = declaratie(standard)
    return replace(message, declaratie=replace(message.declaratie, **changes))


def answer_with(message: DeclaratieAntwoordBericht, **changes: Any) -> DeclaratieAntwoordBericht:
    assert message.antwoord is not None
    return replace(message, antwoord=replace(message.antwoord, **changes))


@pytest.mark.parametrize("standard", STANDARDS)
def test_tr137_period_ending_on_dagtekening_passes(standard: Standard) -> None:
    message = first_client(
        standard, prestatie(standard, 1, 1, periode=Periode(date(2024, 5, 1), date(2024, 5, 1)))
    )
    assert findings_of(message, "TR137") == []


@pytest.mark.parametrize("standard", STANDARDS)
def test_tr137_product_period_ending_after_dagtekening_is_rejected(standard: Standard) -> None:
    message = first_client(
        standard, prestatie(standard, 1, 1, periode=Periode(date(2024, 5, 1), date(2024, 5, 2)))
    )
    assert rejected_at(message, "TR137") == [f"{P11}/ProductPeriode/Einddatum"]


@pytest.mark.parametrize("standard", STANDARDS)
def test_tr137_declaratie_period_ending_before_start_is_rejected(standard: Standard) -> None:
    message = with_declaratie(standard, periode=Periode(date(2024, 4, 30), date(2024, 4, 1)))
    assert rejected_at(message, "TR137") == [f"{DECLARATIE}/DeclaratiePeriode/Einddatum"]


@pytest.mark.parametrize("standard", STANDARDS)
def test_tr137_325_prestatie_period_pass_and_fail(standard: Standard) -> None:
    message = declaratie_antwoord(standard)
    assert findings_of(message, "TR137") == []
    assert message.antwoord is not None
    client = message.antwoord.clienten[0]
    late = replace(client.prestaties[0], periode=Periode(date(2024, 5, 1), date(2024, 5, 9)))
    changed = answer_with(message, clienten=(replace(client, prestaties=(late,)),))
    assert rejected_at(changed, "TR137") == [f"{late.xpath}/ProductPeriode/Einddatum"]


@pytest.mark.parametrize("standard", STANDARDS)
def test_tr335_product_period_exactly_5_years_old_passes(standard: Standard) -> None:
    old = prestatie(standard, 1, 1, periode=Periode(date(2019, 5, 1), date(2019, 5, 1)))
    assert findings_of(first_client(standard, old), "TR335") == []


@pytest.mark.parametrize("standard", STANDARDS)
def test_tr335_product_period_older_than_5_years_is_rejected(standard: Standard) -> None:
    old = prestatie(standard, 1, 1, periode=Periode(date(2019, 4, 1), date(2019, 4, 30)))
    assert rejected_at(first_client(standard, old), "TR335") == [f"{P11}/ProductPeriode/Einddatum"]


@pytest.mark.parametrize("standard", STANDARDS)
def test_tr358_total_with_credit_subtracted_passes(standard: Standard) -> None:
    credit = prestatie(
        standard, 1, 2, ingediend_bedrag=BedragMetDC(20000, "C"), vorig_referentienummer="OLD-1"
    )
    message = first_client(standard, prestatie(standard, 1, 1), credit)  # 50000 - 20000 + 12000
    assert message.declaratie.totaal_ingediend == BedragMetDC(42000, "D")
    assert findings_of(message, "TR358") == []


@pytest.mark.parametrize("standard", STANDARDS)
def test_tr358_total_not_matching_is_rejected(standard: Standard) -> None:
    credit = prestatie(
        standard, 1, 2, ingediend_bedrag=BedragMetDC(20000, "C"), vorig_referentienummer="OLD-1"
    )
    message = first_client(
        standard, prestatie(standard, 1, 1), credit, total=82000
    )  # credit added, not subtracted
    assert rejected_at(message, "TR358") == [f"{DECLARATIE}/TotaalIngediendBedrag/TotaalBedrag"]


@pytest.mark.parametrize("standard", STANDARDS)
def test_tr416_debit_and_credit_for_same_period_pass(standard: Standard) -> None:
    credit = prestatie(
        standard,
        1,
        2,
        referentienummer="P-1-2",
        toewijzingnummer=1001,
        ingediend_bedrag=BedragMetDC(50000, "C"),
        vorig_referentienummer="OLD-1",
    )
    assert findings_of(first_client(standard, prestatie(standard, 1, 1), credit), "TR416") == []


@pytest.mark.parametrize("standard", STANDARDS)
def test_tr416_second_debit_for_same_product_period_is_rejected(standard: Standard) -> None:
    second = prestatie(standard, 1, 2, toewijzingnummer=1001)
    message = first_client(standard, prestatie(standard, 1, 1), second)
    assert rejected_at(message, "TR416") == [P12]


@pytest.mark.parametrize("standard", STANDARDS)
def test_tr316_credit_of_an_earlier_message_passes(standard: Standard) -> None:
    credit = prestatie(
        standard, 1, 2, ingediend_bedrag=BedragMetDC(50000, "C"), vorig_referentienummer="OLD-1"
    )
    assert findings_of(first_client(standard, prestatie(standard, 1, 1), credit), "TR316") == []


@pytest.mark.parametrize("standard", STANDARDS)
def test_tr316_credit_of_a_debit_in_this_message_is_rejected(standard: Standard) -> None:
    credit = prestatie(
        standard, 1, 2, ingediend_bedrag=BedragMetDC(50000, "C"), vorig_referentienummer="P-1-1"
    )
    message = first_client(standard, prestatie(standard, 1, 1), credit)
    assert rejected_at(message, "TR316") == [f"{P12}/ProductReferentie/VorigReferentieNummer"]


@pytest.mark.parametrize("standard", STANDARDS)
def test_cs100_periods_from_2021_pass(standard: Standard) -> None:
    january = Periode(date(2021, 1, 1), date(2021, 1, 31))
    message = first_client(standard, prestatie(standard, 1, 1, periode=january))
    message = replace(message, declaratie=replace(message.declaratie, periode=january))
    assert findings_of(message, "CS100") == []


@pytest.mark.parametrize("standard", STANDARDS)
def test_cs100_periods_before_2021_are_rejected(standard: Standard) -> None:
    december = Periode(date(2020, 12, 1), date(2020, 12, 31))
    message = first_client(standard, prestatie(standard, 1, 1, periode=december))
    message = replace(message, declaratie=replace(message.declaratie, periode=december))
    assert rejected_at(message, "CS100") == [
        f"{DECLARATIE}/DeclaratiePeriode/Begindatum",
        f"{P11}/ProductPeriode/Begindatum",
    ]


@pytest.mark.parametrize("periode", [Periode(date(2024, 2, 1), date(2024, 2, 29)), APRIL])
@pytest.mark.parametrize("standard", STANDARDS)
def test_cs340_whole_calendar_month_passes(standard: Standard, periode: Periode) -> None:
    assert findings_of(with_declaratie(standard, periode=periode), "CS340") == []


@pytest.mark.parametrize(
    "periode",
    [
        Periode(date(2024, 4, 2), date(2024, 4, 30)),
        Periode(date(2024, 4, 1), date(2024, 4, 29)),
        Periode(date(2024, 3, 1), date(2024, 4, 30)),
    ],
)
@pytest.mark.parametrize("standard", STANDARDS)
def test_cs340_partial_or_longer_period_is_rejected(standard: Standard, periode: Periode) -> None:
    assert rejected_at(with_declaratie(standard, periode=periode), "CS340") == [
        f"{DECLARATIE}/DeclaratiePeriode"
    ]


@pytest.mark.parametrize("standard", STANDARDS)
def test_cs337_product_period_within_one_month_passes(standard: Standard) -> None:
    part = prestatie(standard, 1, 1, periode=Periode(date(2024, 4, 10), date(2024, 4, 20)))
    assert findings_of(first_client(standard, part), "CS337") == []


@pytest.mark.parametrize("standard", STANDARDS)
def test_cs337_product_period_over_two_months_is_rejected(standard: Standard) -> None:
    part = prestatie(standard, 1, 1, periode=Periode(date(2024, 3, 20), date(2024, 4, 20)))
    assert rejected_at(first_client(standard, part), "CS337") == [f"{P11}/ProductPeriode/Einddatum"]


@pytest.mark.parametrize("standard", STANDARDS)
def test_cd087_tarief_iff_not_euros_passes(standard: Standard) -> None:
    assert findings_of(declaratie(standard), "CD087") == []


@pytest.mark.parametrize("standard", STANDARDS)
def test_cd087_missing_or_superfluous_tarief_is_rejected(standard: Standard) -> None:
    no_tarief = prestatie(standard, 1, 1, producttarief=None)
    euro_with_tarief = euro_prestatie(standard, 1, 2, referentienummer="P-1-2", producttarief=100)
    message = first_client(standard, no_tarief, euro_with_tarief)
    assert rejected_at(message, "CD087") == [f"{P11}/ProductTarief", f"{P12}/ProductTarief"]


@pytest.mark.parametrize("standard", STANDARDS)
def test_cs339_euros_amount_equals_volume_passes(standard: Standard) -> None:
    assert findings_of(first_client(standard, euro_prestatie(standard, 1, 1)), "CS339") == []


@pytest.mark.parametrize("standard", STANDARDS)
def test_cs339_euros_amount_differs_from_volume_is_rejected(standard: Standard) -> None:
    wrong = euro_prestatie(standard, 1, 1, geleverd_volume=11999)
    assert rejected_at(first_client(standard, wrong), "CS339") == [f"{P11}/IngediendBedrag/Bedrag"]


@pytest.mark.parametrize("standard", STANDARDS)
def test_cs325_zero_amount_as_debit_passes(standard: Standard) -> None:
    zero = prestatie(standard, 1, 1, geleverd_volume=0, ingediend_bedrag=BedragMetDC(0, "D"))
    assert findings_of(first_client(standard, zero), "CS325") == []


@pytest.mark.parametrize("standard", STANDARDS)
def test_cs325_zero_amount_as_credit_is_rejected(standard: Standard) -> None:
    zero = prestatie(
        standard,
        1,
        1,
        geleverd_volume=0,
        ingediend_bedrag=BedragMetDC(0, "C"),
        vorig_referentienummer="OLD-1",
    )
    message = with_prestaties(declaratie(standard), 1, zero, totaal_ingediend=BedragMetDC(0, "C"))
    message = with_prestaties(message, 2)
    assert rejected_at(message, "CS325") == [
        f"{DECLARATIE}/TotaalIngediendBedrag/DebetCredit",
        f"{P11}/IngediendBedrag/DebetCredit",
    ]


@pytest.mark.parametrize("standard", STANDARDS)
def test_cs325_325_zero_awarded_as_credit_is_rejected(standard: Standard) -> None:
    message = declaratie_antwoord(standard)
    assert findings_of(message, "CS325") == []
    changed = answer_with(message, totaal_toegekend=BedragMetDC(0, "C"))
    assert rejected_at(changed, "CS325") == ["/Bericht/DeclaratieAntwoord/TotaalToegekendBedrag/DebetCredit"]


@pytest.mark.parametrize("standard", STANDARDS)
def test_cd060_credit_with_vorig_referentienummer_passes(standard: Standard) -> None:
    credit = prestatie(
        standard, 1, 2, ingediend_bedrag=BedragMetDC(50000, "C"), vorig_referentienummer="OLD-1"
    )
    assert findings_of(first_client(standard, prestatie(standard, 1, 1), credit), "CD060") == []
    assert findings_of(declaratie_antwoord(standard), "CD060") == []


@pytest.mark.parametrize("standard", STANDARDS)
def test_cd060_credit_without_or_debit_with_vorig_referentienummer_is_rejected(standard: Standard) -> None:
    debit = prestatie(standard, 1, 1, vorig_referentienummer="OLD-0")
    credit = prestatie(standard, 1, 2, ingediend_bedrag=BedragMetDC(50000, "C"))
    expected = [
        f"{P11}/ProductReferentie/VorigReferentieNummer",
        f"{P12}/ProductReferentie/VorigReferentieNummer",
    ]
    assert rejected_at(first_client(standard, debit, credit), "CD060") == expected


@pytest.mark.parametrize("standard", STANDARDS)
def test_cd060_325_credit_without_vorig_referentienummer_is_rejected(standard: Standard) -> None:
    message = declaratie_antwoord(standard)
    assert message.antwoord is not None
    client = message.antwoord.clienten[0]
    credit = replace(client.prestaties[0], ingediend_bedrag=BedragMetDC(12000, "C"))
    changed = answer_with(message, clienten=(replace(client, prestaties=(credit,)),))
    assert rejected_at(changed, "CD060") == [f"{credit.xpath}/ProductReferentie/VorigReferentieNummer"]


@pytest.mark.parametrize("standard", STANDARDS)
def test_tr342_rejected_prestaties_explain_the_difference_passes(standard: Standard) -> None:
    message = declaratie_antwoord(standard)
    assert findings_of(message, "TR342") == []
    fully = answer_with(message, totaal_toegekend=BedragMetDC(62000, "D"), clienten=(), retourcodes=("8001",))
    assert findings_of(fully, "TR342") == []
    refused = answer_with(message, totaal_toegekend=BedragMetDC(0, "D"), clienten=(), retourcodes=("9333",))
    assert findings_of(refused, "TR342") == []


@pytest.mark.parametrize("standard", STANDARDS)
def test_tr342_unexplained_difference_is_rejected(standard: Standard) -> None:
    message = answer_with(declaratie_antwoord(standard), totaal_toegekend=BedragMetDC(40000, "D"))
    assert rejected_at(message, "TR342") == ["/Bericht/DeclaratieAntwoord/TotaalToegekendBedrag"]


@pytest.mark.parametrize("standard", STANDARDS)
def test_tr342_rejected_declaratie_awarding_something_is_rejected(standard: Standard) -> None:
    message = answer_with(declaratie_antwoord(standard), retourcodes=("9333",))
    assert rejected_at(message, "TR342") == ["/Bericht/DeclaratieAntwoord/TotaalToegekendBedrag"]

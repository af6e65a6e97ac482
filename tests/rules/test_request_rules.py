"""Level 2 on RedenWijziging (301), StatusAanlevering (305/307), requests (315/317) and answers (319)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from handlers.messages import Standard, Verwijzer, VerzoekToewijzing, Woonplaatsbeginsel
from tests.kit.typed_messages import (
    STANDARDS,
    aangevraagd,
    antwoord,
    findings_of,
    nieuw,
    ongewijzigd,
    rejected_at,
    start,
    start_product,
    stop,
    stop_product,
    toewijzing,
    verzoek_toewijzing,
    verzoek_wijziging,
    with_aangevraagd,
    with_start_products,
    with_stop_products,
    with_toegewezen,
    with_verzoek,
)

FIRST_TOEGEWEZEN = "/Bericht/Client/ToegewezenProducten/ToegewezenProduct[1]"
FIRST_AANGEVRAAGD = "/Bericht/Client/AangevraagdeProducten/AangevraagdProduct[1]"


@pytest.mark.parametrize("standard", STANDARDS)
def test_cs335_deleted_on_one_day_passes(standard: Standard) -> None:
    message = toewijzing(standard)
    first, second = message.client.producten
    message = with_toegewezen(
        message, replace(first, einddatum=first.ingangsdatum, reden_wijziging="13"), second
    )
    assert findings_of(message, "CS335") == []


@pytest.mark.parametrize("einddatum", [date(2024, 12, 31), None])
@pytest.mark.parametrize("standard", STANDARDS)
def test_cs335_deleted_with_a_period_is_rejected(standard: Standard, einddatum: date | None) -> None:
    message = toewijzing(standard)
    first, second = message.client.producten
    message = with_toegewezen(message, replace(first, einddatum=einddatum, reden_wijziging="13"), second)
    assert rejected_at(message, "CS335") == [f"{FIRST_TOEGEWEZEN}/RedenWijziging"]


@pytest.mark.parametrize("reden", ["14", "04", None])
@pytest.mark.parametrize("standard", STANDARDS)
def test_cs336_current_reden_wijziging_passes(standard: Standard, reden: str | None) -> None:
    message = toewijzing(standard)
    first, second = message.client.producten
    message = with_toegewezen(message, replace(first, reden_wijziging=reden), second)
    assert findings_of(message, "CS336") == []


@pytest.mark.parametrize("standard", STANDARDS)
def test_cs336_retired_correction_is_rejected(standard: Standard) -> None:
    message = toewijzing(standard)
    first, second = message.client.producten
    message = with_toegewezen(message, replace(first, reden_wijziging="01"), second)
    assert rejected_at(message, "CS336") == [f"{FIRST_TOEGEWEZEN}/RedenWijziging"]


@pytest.mark.parametrize("status", ["1", "3"])
@pytest.mark.parametrize("standard", STANDARDS)
def test_cs058_status_1_or_3_passes(standard: Standard, status: str) -> None:
    assert (
        findings_of(
            with_start_products(start(standard), start_product(standard, status_aanlevering=status)), "CS058"
        )
        == []
    )
    assert (
        findings_of(
            with_stop_products(stop(standard), stop_product(standard, status_aanlevering=status)), "CS058"
        )
        == []
    )


@pytest.mark.parametrize("status", ["2", "9"])
@pytest.mark.parametrize("standard", STANDARDS)
def test_cs058_status_2_or_9_is_rejected(standard: Standard, status: str) -> None:
    started = with_start_products(start(standard), start_product(standard, status_aanlevering=status))
    assert rejected_at(started, "CS058") == [
        "/Bericht/Client/StartProducten/StartProduct[1]/StatusAanlevering"
    ]
    stopped = with_stop_products(stop(standard), stop_product(standard, status_aanlevering=status))
    assert rejected_at(stopped, "CS058") == ["/Bericht/Client/StopProducten/StopProduct[1]/StatusAanlevering"]


@pytest.mark.parametrize("standard", STANDARDS)
def test_cd043_beschikking_pair_complete_or_absent_passes(standard: Standard) -> None:
    assert findings_of(verzoek_toewijzing(standard), "CD043") == []


@pytest.mark.parametrize(("nummer", "datum"), [(77, None), (None, date(2024, 4, 1))])
@pytest.mark.parametrize("standard", STANDARDS)
def test_cd043_beschikking_half_filled_is_rejected(
    standard: Standard, nummer: int | None, datum: date | None
) -> None:
    message = verzoek_toewijzing(standard)
    product = aangevraagd(standard, 1, beschikkingnummer=nummer, beschikking_ingangsdatum=datum)
    message = with_aangevraagd(message, product, message.client.producten[1])
    assert rejected_at(message, "CD043") == [f"{FIRST_AANGEVRAAGD}/BeschikkingIngangsdatum"]


def with_verwijzer(standard: Standard, verwijzer: Verwijzer) -> VerzoekToewijzing:
    message = verzoek_toewijzing(standard)
    return with_aangevraagd(
        message, aangevraagd(standard, 1, verwijzer=verwijzer), message.client.producten[1]
    )


VALID_VERWIJZERS = [
    Verwijzer("02", zorgverlener_code="01234567"),
    Verwijzer("05", naam="Dokter"),
    Verwijzer("01"),
    Verwijzer("06"),
    Verwijzer("08", naam="Rechter"),
]


@pytest.mark.parametrize("verwijzer", VALID_VERWIJZERS)
@pytest.mark.parametrize("code", ["CD066", "CD067", "CD068"])
@pytest.mark.parametrize("standard", STANDARDS)
def test_cd066_cd067_cd068_valid_verwijzer_passes(
    standard: Standard, code: str, verwijzer: Verwijzer
) -> None:
    assert findings_of(with_verwijzer(standard, verwijzer), code) == []


@pytest.mark.parametrize("typ", ["02", "03", "04", "05"])
@pytest.mark.parametrize("standard", STANDARDS)
def test_cd066_medical_verwijzer_with_code_and_naam_is_rejected(standard: Standard, typ: str) -> None:
    message = with_verwijzer(standard, Verwijzer(typ, naam="Dokter", zorgverlener_code="01234567"))
    assert rejected_at(message, "CD066") == [f"{FIRST_AANGEVRAAGD}/Verwijzer/Naam"]
    assert all("Dokter" not in f.text for f in findings_of(message, "CD066"))


@pytest.mark.parametrize("typ", ["02", "03", "04", "05"])
@pytest.mark.parametrize("standard", STANDARDS)
def test_cd067_medical_verwijzer_without_code_or_naam_is_rejected(standard: Standard, typ: str) -> None:
    message = with_verwijzer(standard, Verwijzer(typ))
    assert rejected_at(message, "CD067") == [f"{FIRST_AANGEVRAAGD}/Verwijzer/Naam"]


@pytest.mark.parametrize("typ", ["01", "06", "08"])
@pytest.mark.parametrize("standard", STANDARDS)
def test_cd068_other_verwijzer_with_code_is_rejected(standard: Standard, typ: str) -> None:
    message = with_verwijzer(standard, Verwijzer(typ, zorgverlener_code="01234567"))
    assert rejected_at(message, "CD068") == [f"{FIRST_AANGEVRAAGD}/Verwijzer/ZorgverlenerCode"]


@pytest.mark.parametrize("standard", STANDARDS)
def test_tr352_only_ongewijzigd_or_only_te_wijzigen_passes(standard: Standard) -> None:
    base = verzoek_wijziging(standard)
    assert findings_of(with_verzoek(base, te_wijzigen=()), "TR352") == []
    assert findings_of(with_verzoek(base, ongewijzigd=()), "TR352") == []


@pytest.mark.parametrize("standard", STANDARDS)
def test_tr352_only_new_products_is_rejected(standard: Standard) -> None:
    message = with_verzoek(verzoek_wijziging(standard), ongewijzigd=(), te_wijzigen=())
    assert rejected_at(message, "TR352") == ["/Bericht/Client/Verzoek"]


@pytest.mark.parametrize("standard", STANDARDS)
def test_tr353_only_te_wijzigen_or_only_nieuw_passes(standard: Standard) -> None:
    base = verzoek_wijziging(standard)
    assert findings_of(with_verzoek(base, nieuw=()), "TR353") == []
    assert findings_of(with_verzoek(base, te_wijzigen=(), nieuw=(nieuw(standard, 1),)), "TR353") == []


@pytest.mark.parametrize("standard", STANDARDS)
def test_tr353_only_unchanged_products_is_rejected(standard: Standard) -> None:
    message = with_verzoek(
        verzoek_wijziging(standard), ongewijzigd=(ongewijzigd(1, 1002),), te_wijzigen=(), nieuw=()
    )
    assert rejected_at(message, "TR353") == ["/Bericht/Client/Verzoek"]


ANTWOORD = "/Bericht/Antwoord"


@pytest.mark.parametrize(("verzoek_antwoord", "reden"), [("1", "7"), ("2", None)])
@pytest.mark.parametrize("code", ["CD085", "CD086"])
@pytest.mark.parametrize("standard", STANDARDS)
def test_cd085_cd086_reason_fits_answer_passes(
    standard: Standard, code: str, verzoek_antwoord: str, reden: str | None
) -> None:
    message = antwoord(standard, verzoek_antwoord=verzoek_antwoord, reden_afwijzing=reden)
    assert findings_of(message, code) == []


@pytest.mark.parametrize("standard", STANDARDS)
def test_cd085_rejection_without_reason_is_rejected(standard: Standard) -> None:
    message = antwoord(standard, verzoek_antwoord="1", reden_afwijzing=None)
    assert rejected_at(message, "CD085") == [f"{ANTWOORD}/RedenAfwijzingVerzoek"]


@pytest.mark.parametrize("standard", STANDARDS)
def test_cd086_investigation_with_reason_is_rejected(standard: Standard) -> None:
    message = antwoord(standard, verzoek_antwoord="2", reden_afwijzing="3")
    assert rejected_at(message, "CD086") == [f"{ANTWOORD}/RedenAfwijzingVerzoek"]


WPB = Woonplaatsbeginsel("0599", f"{ANTWOORD}/Woonplaatsbeginsel")


def test_tr377_tr409_woonplaatsbeginsel_with_reason_8_passes() -> None:
    message = antwoord("ijw", reden_afwijzing="8", woonplaatsbeginsel=WPB)
    assert findings_of(message, "TR377") == []
    assert findings_of(message, "TR409") == []


def test_tr377_reason_8_without_woonplaatsbeginsel_is_rejected() -> None:
    message = antwoord("ijw", reden_afwijzing="8")
    assert rejected_at(message, "TR377") == [f"{ANTWOORD}/Woonplaatsbeginsel"]


@pytest.mark.parametrize(("verzoek_antwoord", "reden"), [("1", "5"), ("2", None)])
def test_tr409_woonplaatsbeginsel_without_reason_8_is_rejected(
    verzoek_antwoord: str, reden: str | None
) -> None:
    message = antwoord(
        "ijw", verzoek_antwoord=verzoek_antwoord, reden_afwijzing=reden, woonplaatsbeginsel=WPB
    )
    assert rejected_at(message, "TR409") == [f"{ANTWOORD}/Woonplaatsbeginsel"]


def test_tr377_tr409_do_not_apply_to_iwmo() -> None:
    # WMO319 has no Woonplaatsbeginsel class: the iJw-only rules are not run for iWmo.
    assert findings_of(antwoord("iwmo", reden_afwijzing="8"), "TR377") == []
    assert findings_of(antwoord("iwmo", reden_afwijzing="5", woonplaatsbeginsel=WPB), "TR409") == []

"""Level 2 duplicates within one message: TR101 per message, TR383 (315), TR315 (323)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from handlers.messages import Product, Relatie, Standard
from tests.kit.typed_messages import (
    BSN,
    SPECIFIC,
    STANDARDS,
    contact,
    declaratie,
    declaratie_antwoord,
    euro_prestatie,
    findings_of,
    nieuw,
    ongewijzigd,
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
    with_aangevraagd,
    with_prestaties,
    with_start_products,
    with_stop_products,
    with_toegewezen,
    with_verzoek,
)

TOEGEWEZEN_2 = "/Bericht/Client/ToegewezenProducten/ToegewezenProduct[2]"


@pytest.mark.parametrize("standard", STANDARDS)
def test_tr101_301_distinct_keys_pass(standard: Standard) -> None:
    message = toewijzing(standard)
    second_contact = contact("02", "/Bericht/Client/Contactgegevens/Contact[2]")
    assert findings_of(with_301_client(message, contacten=(contact(), second_contact)), "TR101") == []


@pytest.mark.parametrize("standard", STANDARDS)
def test_tr101_301_duplicate_toewijzingnummer_is_rejected(standard: Standard) -> None:
    message = toewijzing(standard)
    first, second = message.client.producten
    message = with_toegewezen(message, first, replace(second, toewijzingnummer=first.toewijzingnummer))
    assert rejected_at(message, "TR101") == [TOEGEWEZEN_2]


@pytest.mark.parametrize("standard", STANDARDS)
def test_tr101_301_duplicate_contact_soort_is_rejected(standard: Standard) -> None:
    second_contact = contact("01", "/Bericht/Client/Contactgegevens/Contact[2]")
    message = with_301_client(toewijzing(standard), contacten=(contact(), second_contact))
    assert rejected_at(message, "TR101") == ["/Bericht/Client/Contactgegevens/Contact[2]"]


@pytest.mark.parametrize("standard", STANDARDS)
def test_tr101_301_duplicate_relatie_nummer_is_rejected(standard: Standard) -> None:
    message = toewijzing(standard)
    relatie: Relatie = message.client.relaties[0]
    twin = replace(relatie, xpath="/Bericht/Client/Relaties/Relatie[2]", soort="11")
    message = with_301_client(message, relaties=(relatie, twin))
    assert rejected_at(message, "TR101") == ["/Bericht/Client/Relaties/Relatie[2]"]


@pytest.mark.parametrize("standard", STANDARDS)
def test_tr101_305_delete_and_new_with_other_begindatum_pass(standard: Standard) -> None:
    # IV008: a correction of a key field may delete and re-send in one message.
    old = start_product(standard, 1, status_aanlevering="3")
    new = start_product(standard, 2, begindatum=date(2024, 4, 21))
    assert findings_of(with_start_products(start(standard), old, new), "TR101") == []


@pytest.mark.parametrize("standard", STANDARDS)
def test_tr101_305_same_key_twice_is_rejected(standard: Standard) -> None:
    # Same key with another status is still a duplicate: the key has no StatusAanlevering.
    old = start_product(standard, 1, status_aanlevering="3")
    message = with_start_products(start(standard), old, start_product(standard, 2))
    assert rejected_at(message, "TR101") == ["/Bericht/Client/StartProducten/StartProduct[2]"]


@pytest.mark.parametrize("standard", STANDARDS)
def test_tr101_307_other_reden_beeindiging_passes(standard: Standard) -> None:
    message = with_stop_products(
        stop(standard), stop_product(standard, 1, reden_beeindiging="20"), stop_product(standard, 2)
    )
    assert findings_of(message, "TR101") == []


@pytest.mark.parametrize("standard", STANDARDS)
def test_tr101_307_same_key_twice_is_rejected(standard: Standard) -> None:
    message = with_stop_products(stop(standard), stop_product(standard, 1), stop_product(standard, 2))
    assert rejected_at(message, "TR101") == ["/Bericht/Client/StopProducten/StopProduct[2]"]


@pytest.mark.parametrize("standard", STANDARDS)
def test_tr101_tr383_315_distinct_references_pass(standard: Standard) -> None:
    message = verzoek_toewijzing(standard)
    assert findings_of(message, "TR101") == []
    assert findings_of(message, "TR383") == []


@pytest.mark.parametrize("standard", STANDARDS)
def test_tr101_tr383_315_duplicate_reference_is_rejected(standard: Standard) -> None:
    message = verzoek_toewijzing(standard)
    first, second = message.client.producten
    message = with_aangevraagd(
        message, first, replace(second, referentie_aanbieder=first.referentie_aanbieder)
    )
    assert rejected_at(message, "TR101") == [second.xpath]
    assert rejected_at(message, "TR383") == [f"{second.xpath}/ReferentieAanbieder"]


@pytest.mark.parametrize("standard", STANDARDS)
def test_tr101_317_distinct_keys_pass(standard: Standard) -> None:
    message = with_verzoek(
        verzoek_wijziging(standard),
        ongewijzigd=(ongewijzigd(1, 1), ongewijzigd(2, 2)),
        te_wijzigen=(te_wijzigen(1, toewijzingnummer=3), te_wijzigen(2, toewijzingnummer=4)),
        nieuw=(
            nieuw(standard, 1),
            nieuw(standard, 2, gewenste_ingangsdatum=date(2025, 1, 1), einddatum=date(2025, 6, 30)),
        ),
    )
    assert findings_of(message, "TR101") == []


@pytest.mark.parametrize("standard", STANDARDS)
def test_tr101_317_duplicates_per_class_are_rejected(standard: Standard) -> None:
    message = with_verzoek(
        verzoek_wijziging(standard),
        ongewijzigd=(ongewijzigd(1, 1), ongewijzigd(2, 1)),
        te_wijzigen=(te_wijzigen(1, toewijzingnummer=3), te_wijzigen(2, toewijzingnummer=3)),
        nieuw=(nieuw(standard, 1), nieuw(standard, 2)),
    )
    assert rejected_at(message, "TR101") == [
        "/Bericht/Client/Verzoek/OngewijzigdeProducten/OngewijzigdProduct[2]",
        "/Bericht/Client/Verzoek/TeWijzigenProducten/TeWijzigenProduct[2]",
        "/Bericht/Client/Verzoek/NieuweProducten/NieuwProduct[2]",
    ]


@pytest.mark.parametrize("standard", STANDARDS)
def test_tr101_323_distinct_clients_and_prestaties_pass(standard: Standard) -> None:
    message = with_prestaties(
        declaratie(standard),
        1,
        prestatie(standard, 1, 1),
        prestatie(standard, 1, 2),
        totaal_ingediend=replace(declaratie(standard).declaratie.totaal_ingediend, bedrag=112000),
    )
    assert findings_of(message, "TR101") == []


@pytest.mark.parametrize("standard", STANDARDS)
def test_tr101_323_duplicate_prestatie_is_rejected(standard: Standard) -> None:
    twin = prestatie(standard, 1, 2, referentienummer="P-1-1")
    message = with_prestaties(declaratie(standard), 1, prestatie(standard, 1, 1), twin)
    assert rejected_at(message, "TR101") == [twin.xpath]


@pytest.mark.parametrize("standard", STANDARDS)
def test_tr101_323_duplicate_client_is_rejected(standard: Standard) -> None:
    message = declaratie(standard)
    first, second = message.declaratie.clienten
    message = replace(
        message, declaratie=replace(message.declaratie, clienten=(first, replace(second, bsn=BSN)))
    )
    assert rejected_at(message, "TR101") == ["/Bericht/Declaratie/Clienten/Client[2]"]


@pytest.mark.parametrize("standard", STANDARDS)
def test_tr101_325_duplicate_prestatie_is_rejected(standard: Standard) -> None:
    message = declaratie_antwoord(standard)
    assert findings_of(message, "TR101") == []
    assert message.antwoord is not None
    client = message.antwoord.clienten[0]
    twin = replace(
        client.prestaties[0],
        xpath=client.prestaties[0].xpath.replace(
            "[1]/Prestaties/Prestatie[1]", "[1]/Prestaties/Prestatie[2]"
        ),
    )
    answer = replace(message.antwoord, clienten=(replace(client, prestaties=(client.prestaties[0], twin)),))
    assert rejected_at(replace(message, antwoord=answer), "TR101") == [twin.xpath]


@pytest.mark.parametrize("standard", STANDARDS)
def test_tr315_distinct_vorig_referentienummers_pass(standard: Standard) -> None:
    credits = (
        euro_prestatie(standard, 2, 1, vorig_referentienummer="OLD-1"),
        euro_prestatie(standard, 2, 2, referentienummer="P-2-2", vorig_referentienummer="OLD-2"),
    )
    assert findings_of(with_prestaties(declaratie(standard), 2, *credits), "TR315") == []


@pytest.mark.parametrize("standard", STANDARDS)
def test_tr315_same_vorig_referentienummer_twice_is_rejected(standard: Standard) -> None:
    credits = (
        euro_prestatie(standard, 2, 1, vorig_referentienummer="OLD-1"),
        euro_prestatie(standard, 2, 2, referentienummer="P-2-2", vorig_referentienummer="OLD-1"),
    )
    message = with_prestaties(declaratie(standard), 2, *credits)
    assert rejected_at(message, "TR315") == [f"{credits[1].xpath}/ProductReferentie/VorigReferentieNummer"]


def test_tr101_keys_compare_products_not_labels() -> None:
    # The same ToewijzingNummer with another product is a different StartProduct key.
    other = start_product("iwmo", 2, product=Product(SPECIFIC["iwmo"].categorie, "02A02"))
    message = with_start_products(start("iwmo"), start_product("iwmo", 1), other)
    assert findings_of(message, "TR101") == []

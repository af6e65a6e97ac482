"""Level 2 on the berichtklasse Contact of a 301: TR006, TR061, CD025, CD034, CD005, CS089, CD009, CS003."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from handlers.messages import Adres, Contact, Huis, Periode, Standard, Telefoon, Toewijzing
from tests.kit.typed_messages import (
    CLIENT_CONTACT,
    STANDARDS,
    contact,
    findings_of,
    rejected_at,
    toewijzing,
    with_301_client,
)

RELATIE_CONTACT = "/Bericht/Client/Relaties/Relatie[1]/Contact"


def with_contacts(standard: Standard, *contacten: Contact) -> Toewijzing:
    return with_301_client(toewijzing(standard), contacten=contacten)


def with_relatie_contact(standard: Standard, relatie_contact: Contact) -> Toewijzing:
    message = toewijzing(standard)
    relatie = replace(message.client.relaties[0], contact=relatie_contact)
    return with_301_client(message, relaties=(relatie,))


@pytest.mark.parametrize("standard", STANDARDS)
def test_tr006_phone_only_passes(standard: Standard) -> None:
    message = with_contacts(standard, contact(adres=None, telefoon01=Telefoon("0201234567")))
    assert findings_of(message, "TR006") == []


@pytest.mark.parametrize("standard", STANDARDS)
def test_tr006_client_contact_without_phone_or_house_is_rejected(standard: Standard) -> None:
    message = with_contacts(standard, contact(adres=Adres(postcode="1234AB", landcode="NL")))
    assert rejected_at(message, "TR006") == [CLIENT_CONTACT]


@pytest.mark.parametrize("standard", STANDARDS)
def test_tr006_relatie_contact_with_email_only_is_rejected(standard: Standard) -> None:
    message = with_relatie_contact(standard, Contact("02", RELATIE_CONTACT, emailadres="a@example.org"))
    assert rejected_at(message, "TR006") == [RELATIE_CONTACT]


@pytest.mark.parametrize("soort", ["01", "02", "03"])
@pytest.mark.parametrize("standard", STANDARDS)
def test_tr061_client_with_address_soort_passes(standard: Standard, soort: str) -> None:
    extra = contact("04", "/Bericht/Client/Contactgegevens/Contact[2]")
    assert findings_of(with_contacts(standard, extra, contact(soort)), "TR061") == []


@pytest.mark.parametrize("standard", STANDARDS)
def test_tr061_client_with_only_temporary_address_is_rejected(standard: Standard) -> None:
    message = with_contacts(standard, contact("04"))
    assert rejected_at(message, "TR061") == ["/Bericht/Client/Contactgegevens"]


@pytest.mark.parametrize("standard", STANDARDS)
def test_tr061_client_whose_brp_contact_has_no_adres_is_rejected(standard: Standard) -> None:
    only_phone = contact("01", adres=None, telefoon01=Telefoon("0201234567"))
    assert rejected_at(with_contacts(standard, only_phone), "TR061") == ["/Bericht/Client/Contactgegevens"]
    residence = contact("03", "/Bericht/Client/Contactgegevens/Contact[2]")
    assert findings_of(with_contacts(standard, only_phone, residence), "TR061") == []


@pytest.mark.parametrize("standard", STANDARDS)
def test_cd025_foreign_address_without_huis_passes(standard: Standard) -> None:
    message = with_contacts(
        standard,
        contact("02", adres=Adres(postcode="B-1000", landcode="BE"), telefoon01=Telefoon("3221234567")),
        contact("01"),
    )
    assert findings_of(message, "CD025") == []


@pytest.mark.parametrize("standard", STANDARDS)
def test_cd025_dutch_address_without_huis_is_rejected(standard: Standard) -> None:
    message = with_contacts(
        standard, contact(adres=Adres(postcode="1234AB", landcode="NL"), telefoon01=Telefoon("0201234567"))
    )
    assert rejected_at(message, "CD025") == [f"{CLIENT_CONTACT}/Adres/Huis"]


@pytest.mark.parametrize("standard", STANDARDS)
def test_cd034_correspondence_address_without_postcode_passes(standard: Standard) -> None:
    message = with_contacts(
        standard, contact("02", adres=Adres(straatnaam="Postbus"), telefoon01=Telefoon("0201234567"))
    )
    assert findings_of(message, "CD034") == []


@pytest.mark.parametrize("soort", ["01", "03"])
@pytest.mark.parametrize("standard", STANDARDS)
def test_cd034_brp_or_residence_without_postcode_is_rejected(standard: Standard, soort: str) -> None:
    message = with_contacts(
        standard, contact(soort, adres=Adres(Huis(1), plaatsnaam="Ergens"), telefoon01=Telefoon("0201234567"))
    )
    assert rejected_at(message, "CD034") == [f"{CLIENT_CONTACT}/Adres/Postcode"]


@pytest.mark.parametrize("standard", STANDARDS)
def test_cd005_landcode_with_postcode_passes(standard: Standard) -> None:
    assert findings_of(toewijzing(standard), "CD005") == []


@pytest.mark.parametrize("adres", [Adres(Huis(1), postcode="1234AB"), Adres(Huis(1), landcode="NL")])
@pytest.mark.parametrize("standard", STANDARDS)
def test_cd005_landcode_without_postcode_or_reverse_is_rejected(standard: Standard, adres: Adres) -> None:
    message = with_contacts(standard, contact("02", adres=adres, telefoon01=Telefoon("0201234567")))
    assert rejected_at(message, "CD005") == [f"{CLIENT_CONTACT}/Adres/LandCode"]


@pytest.mark.parametrize(("postcode", "land"), [("1011AB", "NL"), ("9999XX", "NL"), ("SW1A 1AA", "GB")])
@pytest.mark.parametrize("standard", STANDARDS)
def test_cs089_postcode_format_passes(standard: Standard, postcode: str, land: str) -> None:
    message = with_contacts(standard, contact(adres=Adres(Huis(1), postcode, landcode=land)))
    assert findings_of(message, "CS089") == []


@pytest.mark.parametrize("postcode", ["1011 AB", "0123AB", "1011ab", "101AB", "1011ABC"])
@pytest.mark.parametrize("standard", STANDARDS)
def test_cs089_non_dutch_postcode_in_nl_is_rejected(standard: Standard, postcode: str) -> None:
    message = with_contacts(standard, contact(adres=Adres(Huis(1), postcode, landcode="NL")))
    assert rejected_at(message, "CS089") == [f"{CLIENT_CONTACT}/Adres/Postcode"]
    assert all(postcode not in f.text for f in findings_of(message, "CS089"))


@pytest.mark.parametrize("standard", STANDARDS)
def test_cd009_periode_on_temporary_address_passes(standard: Standard) -> None:
    temporary = contact(
        "04",
        "/Bericht/Client/Contactgegevens/Contact[2]",
        periode=Periode(date(2024, 5, 1), date(2024, 6, 1)),
    )
    assert findings_of(with_contacts(standard, contact(), temporary), "CD009") == []


@pytest.mark.parametrize("standard", STANDARDS)
def test_cd009_periode_on_brp_address_is_rejected(standard: Standard) -> None:
    message = with_contacts(standard, contact(periode=Periode(date(2024, 5, 1))))
    assert rejected_at(message, "CD009") == [f"{CLIENT_CONTACT}/Periode"]


@pytest.mark.parametrize("standard", STANDARDS)
def test_cs003_contact_periode_of_one_day_passes(standard: Standard) -> None:
    temporary = contact(
        "04",
        "/Bericht/Client/Contactgegevens/Contact[2]",
        periode=Periode(date(2024, 5, 1), date(2024, 5, 1)),
    )
    assert findings_of(with_contacts(standard, contact(), temporary), "CS003") == []


@pytest.mark.parametrize("standard", STANDARDS)
def test_cs003_contact_periode_ending_before_start_is_rejected(standard: Standard) -> None:
    temporary = contact(
        "04",
        "/Bericht/Client/Contactgegevens/Contact[2]",
        periode=Periode(date(2024, 5, 2), date(2024, 5, 1)),
    )
    message = with_contacts(standard, contact(), temporary)
    assert rejected_at(message, "CS003") == ["/Bericht/Client/Contactgegevens/Contact[2]/Periode/Einddatum"]

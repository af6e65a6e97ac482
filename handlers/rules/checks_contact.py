"""Level 2: the berichtklasse Contact of a 301 (client contacts and each relatie's contact)."""

# Finding texts never carry address data: they name the rule, the Contact's Soort and the LandCode only. The
# address conditions (CD005, CD025, CD034, CS089) are conditions on the children of the composite Adres, so
# they are evaluated when an Adres is present; a Contact without an Adres is TR006's business.

from __future__ import annotations

import re
from collections.abc import Iterator

from handlers.findings import Finding
from handlers.messages import Adres, Contact, Toewijzing
from handlers.rules.checks_base import all_contacts, at, finding, in_message, per_message

NEDERLAND = "NL"
DUTCH_POSTCODE = re.compile(r"[1-9][0-9]{3}[A-Z]{2}")  # 1234AB: four digits, no leading zero, two capitals
POSTCODE_REQUIRED = frozenset({"01", "03"})  # BRP address, residence address
CLIENT_ADDRESS = frozenset({"01", "02", "03"})  # BRP, correspondence, residence
TEMPORARY = "04"


@in_message("TR006", messages=(301,), summary="A Contact must have a Telefoon and/or both Huis and Postcode.")
def tr006_reachable(message: Toewijzing) -> Iterator[Finding]:
    for contact in all_contacts(message):
        adres = contact.adres
        has_house = adres is not None and adres.huis is not None and adres.postcode is not None
        if contact.telefoon01 is None and not has_house:
            yield finding("TR006", contact.xpath,
                          f"Contact Soort {contact.soort} has neither a Telefoon nor both Huis and Postcode.")


@in_message("TR061", messages=(301,),
            summary="The client needs at least one Adres: a Contact of Soort 01 (BRP), 02 (correspondence) "
                    "or 03 (residence) that has an Adres.")
def tr061_client_address(message: Toewijzing) -> Iterator[Finding]:
    for contact in message.client.contacten:
        if contact.soort in CLIENT_ADDRESS and contact.adres is not None:
            return  # the usual case, without building the list the text would need
    soorten = sorted({contact.soort for contact in message.client.contacten})
    yield finding("TR061", at(message.client.xpath, "Contactgegevens"),
                  f"No client Contact of Soort 01, 02 or 03 with an Adres ({', '.join(soorten)}).")


@per_message
def _with_adres(message: Toewijzing) -> tuple[tuple[Contact, Adres], ...]:
    """The Contacts that have an Adres, with it: made once per message for the four address rules."""
    return tuple([(contact, contact.adres) for contact in all_contacts(message) if contact.adres is not None])


@in_message("CD025", messages=(301,), summary="Adres/Huis is required when Adres/LandCode is NL.")
def cd025_huis_in_nederland(message: Toewijzing) -> Iterator[Finding]:
    for contact, adres in _with_adres(message):
        if adres.landcode == NEDERLAND and adres.huis is None:
            yield finding("CD025", at(contact.xpath, "Adres", "Huis"),
                          f"Contact Soort {contact.soort}: LandCode is NL, so Huis is required.")


@in_message("CD034", messages=(301,), summary="Adres/Postcode is required for Contact Soort 01 (BRP) or 03 "
                                              "(residence).")
def cd034_postcode_required(message: Toewijzing) -> Iterator[Finding]:
    for contact, adres in _with_adres(message):
        if contact.soort in POSTCODE_REQUIRED and adres.postcode is None:
            yield finding("CD034", at(contact.xpath, "Adres", "Postcode"),
                          f"Contact Soort {contact.soort} requires a Postcode.")


@in_message("CD005", messages=(301,), summary="Adres/LandCode is required when Postcode is filled, otherwise "
                                              "empty.")
def cd005_landcode_with_postcode(message: Toewijzing) -> Iterator[Finding]:
    for contact, adres in _with_adres(message):
        has_postcode, has_land = adres.postcode is not None, adres.landcode is not None
        if has_postcode and not has_land:
            yield finding("CD005", at(contact.xpath, "Adres", "LandCode"),
                          f"Contact Soort {contact.soort}: Postcode is filled, so LandCode is required.")
        elif has_land and not has_postcode:
            yield finding("CD005", at(contact.xpath, "Adres", "LandCode"),
                          f"Contact Soort {contact.soort}: Postcode is empty, so LandCode must be empty.")


@in_message("CS089", messages=(301,),
            summary="Adres/Postcode must have the Dutch format (1234AB) when LandCode is NL.")
def cs089_dutch_postcode(message: Toewijzing) -> Iterator[Finding]:
    for contact, adres in _with_adres(message):
        if adres.landcode == NEDERLAND and adres.postcode is not None \
                and not DUTCH_POSTCODE.fullmatch(adres.postcode):
            # The postcode itself stays out of the text: it is address data.
            yield finding("CS089", at(contact.xpath, "Adres", "Postcode"),
                          f"Contact Soort {contact.soort}: LandCode is NL but Postcode is not four digits "
                          "followed by two capital letters.")


@in_message("CD009", messages=(301,),
            summary="Contact/Periode is only allowed for Soort 04 (temporary address).")
def cd009_periode_only_temporary(message: Toewijzing) -> Iterator[Finding]:
    for contact in all_contacts(message):
        if contact.periode is not None and contact.soort != TEMPORARY:
            yield finding("CD009", at(contact.xpath, "Periode"),
                          f"Contact Soort {contact.soort} may not have a Periode (only Soort 04).")

"""Level 2: rules of the requests 315 (beschikking, verwijzer) and 317 (which products a VOW contains)."""

from __future__ import annotations

from collections.abc import Iterator

from handlers.findings import Finding
from handlers.messages import VerzoekToewijzing, VerzoekWijziging
from handlers.rules.checks_base import at, finding, in_message

MEDICAL_REFERRERS = frozenset({"02", "03", "04", "05"})  # GP, youth doctor, certified institution, specialist


@in_message("CD043", messages=(315,),
            summary="BeschikkingIngangsdatum is required when BeschikkingNummer is filled, otherwise empty.")
def cd043_beschikking_ingangsdatum(message: VerzoekToewijzing) -> Iterator[Finding]:
    for product in message.client.producten:
        has_nummer = product.beschikkingnummer is not None
        has_datum = product.beschikking_ingangsdatum is not None
        if has_nummer != has_datum:
            state = "filled" if has_nummer else "empty"
            needed = "required" if has_nummer else "must be empty"
            yield finding("CD043", at(product.xpath, "BeschikkingIngangsdatum"),
                          f"ReferentieAanbieder {product.referentie_aanbieder}: BeschikkingNummer is "
                          f"{state}, so BeschikkingIngangsdatum {needed}.")


@in_message("CD066", messages=(315,),
            summary="Verwijzer of type 02-05 with a ZorgverlenerCode: Naam must be empty.")
def cd066_no_naam_with_code(message: VerzoekToewijzing) -> Iterator[Finding]:
    for product in message.client.producten:
        verwijzer = product.verwijzer
        if verwijzer.type in MEDICAL_REFERRERS and verwijzer.zorgverlener_code is not None \
                and verwijzer.naam is not None:
            yield finding("CD066", at(product.xpath, "Verwijzer", "Naam"),
                          f"Verwijzer Type {verwijzer.type} has a ZorgverlenerCode, so Naam must be empty.")


@in_message("CD067", messages=(315,),
            summary="Verwijzer of type 02-05 without a ZorgverlenerCode: Naam is required.")
def cd067_naam_without_code(message: VerzoekToewijzing) -> Iterator[Finding]:
    for product in message.client.producten:
        verwijzer = product.verwijzer
        if verwijzer.type in MEDICAL_REFERRERS and verwijzer.zorgverlener_code is None \
                and verwijzer.naam is None:
            yield finding("CD067", at(product.xpath, "Verwijzer", "Naam"),
                          f"Verwijzer Type {verwijzer.type} has no ZorgverlenerCode, so Naam is required.")


@in_message("CD068", messages=(315,),
            summary="Verwijzer of a type other than 02-05: ZorgverlenerCode must be empty.")
def cd068_code_only_medical(message: VerzoekToewijzing) -> Iterator[Finding]:
    for product in message.client.producten:
        verwijzer = product.verwijzer
        if verwijzer.type not in MEDICAL_REFERRERS and verwijzer.zorgverlener_code is not None:
            yield finding("CD068", at(product.xpath, "Verwijzer", "ZorgverlenerCode"),
                          f"Verwijzer Type {verwijzer.type} may not have a ZorgverlenerCode (only 02-05).")


@in_message("TR352", messages=(317,),
            summary="A VOW contains at least one OngewijzigdProduct or TeWijzigenProduct.")
def tr352_current_products_present(message: VerzoekWijziging) -> Iterator[Finding]:
    verzoek = message.client.verzoek
    if not verzoek.ongewijzigd and not verzoek.te_wijzigen:
        yield finding("TR352", verzoek.xpath,
                      f"The Verzoek has {len(verzoek.nieuw)} NieuwProduct(en) but no OngewijzigdProduct or "
                      "TeWijzigenProduct.")


@in_message("TR353", messages=(317,),
            summary="A VOW contains at least one TeWijzigenProduct or NieuwProduct.")
def tr353_something_to_change(message: VerzoekWijziging) -> Iterator[Finding]:
    verzoek = message.client.verzoek
    if not verzoek.te_wijzigen and not verzoek.nieuw:
        yield finding("TR353", verzoek.xpath,
                      f"The Verzoek has {len(verzoek.ongewijzigd)} OngewijzigdProduct(en) but no "
                      "TeWijzigenProduct or NieuwProduct.")

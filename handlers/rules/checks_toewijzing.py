"""Level 2: rules on the RedenWijziging of a ToegewezenProduct in a 301 (CS335, CS336)."""

from __future__ import annotations

from collections.abc import Iterator

from handlers.findings import Finding
from handlers.messages import Toewijzing
from handlers.rules.checks_base import at, finding, in_message

DELETED = "13"
RETIRED_CORRECTION = "01"


@in_message("CS335", messages=(301,),
            summary="RedenWijziging 13 (deleted) only when Einddatum equals Ingangsdatum.")
def cs335_deleted_on_one_day(message: Toewijzing) -> Iterator[Finding]:
    for product in message.client.producten:
        if product.reden_wijziging == DELETED and product.einddatum != product.ingangsdatum:
            end = product.einddatum.isoformat() if product.einddatum else "empty"
            yield finding("CS335", at(product.xpath, "RedenWijziging"),
                          f"ToewijzingNummer {product.toewijzingnummer}: RedenWijziging 13 needs Einddatum = "
                          f"Ingangsdatum {product.ingangsdatum}, Einddatum is {end}.")


@in_message("CS336", messages=(301,),
            summary="RedenWijziging 01 (administrative correction, retired) is not used.")
def cs336_no_retired_correction(message: Toewijzing) -> Iterator[Finding]:
    for product in message.client.producten:
        if product.reden_wijziging == RETIRED_CORRECTION:
            yield finding("CS336", at(product.xpath, "RedenWijziging"),
                          f"ToewijzingNummer {product.toewijzingnummer}: RedenWijziging 01 is retired.")

"""Level 2: the answer 319: reason (CD085, CD086); iJw only: the Woonplaatsbeginsel (TR377, TR409)."""

from __future__ import annotations

from collections.abc import Iterator

from handlers.findings import Finding
from handlers.messages import AntwoordBericht
from handlers.rules.checks_base import at, finding, in_message

REJECTED = "1"
UNDER_INVESTIGATION = "2"
WOONPLAATSBEGINSEL = "8"


@in_message("CD085", messages=(319,), summary="RedenAfwijzingVerzoek is required when VerzoekAntwoord is 1 "
                                              "(rejected).")
def cd085_reason_when_rejected(message: AntwoordBericht) -> Iterator[Finding]:
    antwoord = message.antwoord
    if antwoord.verzoek_antwoord == REJECTED and antwoord.reden_afwijzing is None:
        yield finding("CD085", at(antwoord.xpath, "RedenAfwijzingVerzoek"),
                      f"ReferentieAanbieder {antwoord.referentie_aanbieder}: VerzoekAntwoord is 1 "
                      "(rejected), so RedenAfwijzingVerzoek is required.")


@in_message("CD086", messages=(319,), summary="RedenAfwijzingVerzoek must be empty when VerzoekAntwoord is 2 "
                                              "(under investigation).")
def cd086_no_reason_when_investigating(message: AntwoordBericht) -> Iterator[Finding]:
    antwoord = message.antwoord
    if antwoord.verzoek_antwoord == UNDER_INVESTIGATION and antwoord.reden_afwijzing is not None:
        yield finding("CD086", at(antwoord.xpath, "RedenAfwijzingVerzoek"),
                      f"ReferentieAanbieder {antwoord.referentie_aanbieder}: VerzoekAntwoord is 2 (under "
                      f"investigation), so RedenAfwijzingVerzoek ({antwoord.reden_afwijzing}) must be empty.")


@in_message("TR377", messages=(319,), standards=("ijw",),
            summary="JW319: RedenAfwijzingVerzoek 8 (woonplaatsbeginsel) requires the class "
                    "Woonplaatsbeginsel.")
def tr377_woonplaatsbeginsel_required(message: AntwoordBericht) -> Iterator[Finding]:
    antwoord = message.antwoord
    if antwoord.reden_afwijzing == WOONPLAATSBEGINSEL and antwoord.woonplaatsbeginsel is None:
        yield finding("TR377", at(antwoord.xpath, "Woonplaatsbeginsel"),
                      "RedenAfwijzingVerzoek is 8 (woonplaatsbeginsel), so Woonplaatsbeginsel/Gemeente is "
                      "required.")


@in_message("TR409", messages=(319,), standards=("ijw",),
            summary="JW319: the class Woonplaatsbeginsel only when RedenAfwijzingVerzoek is 8.")
def tr409_woonplaatsbeginsel_only_for_8(message: AntwoordBericht) -> Iterator[Finding]:
    antwoord = message.antwoord
    if antwoord.woonplaatsbeginsel is not None and antwoord.reden_afwijzing != WOONPLAATSBEGINSEL:
        reden = antwoord.reden_afwijzing or "empty"
        yield finding("TR409", antwoord.woonplaatsbeginsel.xpath,
                      f"RedenAfwijzingVerzoek is {reden}, not 8, so Woonplaatsbeginsel must be left out.")

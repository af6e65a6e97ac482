"""Level 2: no duplicate lines within one message (TR101) and unique references (TR383, TR315)."""

# TR101: per berichtklasse the logical key, together with the keys of the classes above it, is unique in the
# message. The keys are the Sleutelelement columns of the condities/constraints table: Contact (Soort),
# Relatie (Nummer), ToegewezenProduct (ToewijzingNummer), StartProduct (ToewijzingNummer, Product,
# Begindatum), StopProduct (the same plus RedenBeeindiging, Einddatum), AangevraagdProduct
# (ReferentieAanbieder), Ongewijzigd/TeWijzigenProduct (ToewijzingNummer), NieuwProduct (Product,
# GewensteIngangsdatum), 323/325 Client (Bsn) and Prestatie (ReferentieNummer, VorigReferentieNummer). A TR101
# finding points at the second occurrence of the duplicated berichtklasse.

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from typing import Any

from handlers.findings import Finding
from handlers.messages import (
    DeclaratieAntwoordBericht,
    DeclaratieBericht,
    DeclaratieClient,
    Start,
    Stop,
    Toewijzing,
    VerzoekToewijzing,
    VerzoekWijziging,
)
from handlers.rules.checks_base import at, finding, in_message, show_product

TR101_SUMMARY = "No duplicate berichtklasse in one message: each logical key (with its parents' keys) is "\
                "unique."

Keyed = tuple[Hashable, str, Any]  # key, XPath of the offending element, what `show` names in the text


def _duplicates(code: str, lines: Iterable[Keyed], show: Callable[[Any], str]) -> Iterator[Finding]:
    """A finding for each line whose key an earlier line had; only those lines are put into words."""
    seen: set[Hashable] = set()
    for key, xpath, line in lines:
        if key in seen:
            yield finding(code, xpath, f"Duplicate within the message: {show(line)}.")
        seen.add(key)


def _per_class(code: str, classes: Sequence[Any], key: Callable[[Any], Hashable],
               show: Callable[[Any], str]) -> Iterator[Finding]:
    """TR101 over the repeated classes of one wrapper; one class alone cannot repeat a key."""
    if len(classes) > 1:
        yield from _duplicates(code, ((key(c), c.xpath, c) for c in classes), show)


def _toewijzingnummer(p: Any) -> Any:
    return p.toewijzingnummer


def _soort(c: Any) -> Any:
    return c.soort


def _nummer(r: Any) -> Any:
    return r.nummer


@in_message("TR101", messages=(301,), summary=TR101_SUMMARY)
def tr101_toewijzing(message: Toewijzing) -> Iterator[Finding]:
    client = message.client
    # Most clients have one Contact, Relatie or product of each kind: nothing to compare, nothing to make.
    if len(client.contacten) > 1:
        yield from _per_class("TR101", client.contacten, _soort, lambda c: f"Contact Soort {c.soort}")
    if len(client.relaties) > 1:
        yield from _per_class("TR101", client.relaties, _nummer, lambda r: f"Relatie Nummer {r.nummer}")
    if len(client.producten) > 1:
        yield from _per_class("TR101", client.producten, _toewijzingnummer,
                              lambda p: f"ToewijzingNummer {p.toewijzingnummer}")


@in_message("TR101", messages=(305,), summary=TR101_SUMMARY)
def tr101_start(message: Start) -> Iterator[Finding]:
    yield from _per_class(
        "TR101", message.client.producten, lambda p: (p.toewijzingnummer, p.product, p.begindatum),
        lambda p: f"StartProduct ToewijzingNummer {p.toewijzingnummer}, {show_product(p.product)}, "
                  f"Begindatum {p.begindatum}")


@in_message("TR101", messages=(307,), summary=TR101_SUMMARY)
def tr101_stop(message: Stop) -> Iterator[Finding]:
    yield from _per_class(
        "TR101", message.client.producten,
        lambda p: (p.toewijzingnummer, p.product, p.begindatum, p.reden_beeindiging, p.einddatum),
        lambda p: f"StopProduct ToewijzingNummer {p.toewijzingnummer}, {show_product(p.product)}, "
                  f"Begindatum {p.begindatum}, RedenBeeindiging {p.reden_beeindiging}, "
                  f"Einddatum {p.einddatum}")


@in_message("TR101", messages=(315,), summary=TR101_SUMMARY)
def tr101_verzoek_toewijzing(message: VerzoekToewijzing) -> Iterator[Finding]:
    yield from _per_class("TR101", message.client.producten, lambda p: p.referentie_aanbieder,
                          lambda p: f"ReferentieAanbieder {p.referentie_aanbieder}")


@in_message("TR101", messages=(317,), summary=TR101_SUMMARY)
def tr101_verzoek_wijziging(message: VerzoekWijziging) -> Iterator[Finding]:
    verzoek = message.client.verzoek
    yield from _per_class("TR101", verzoek.ongewijzigd, _toewijzingnummer,
                          lambda p: f"OngewijzigdProduct ToewijzingNummer {p.toewijzingnummer}")
    yield from _per_class("TR101", verzoek.te_wijzigen, _toewijzingnummer,
                          lambda p: f"TeWijzigenProduct ToewijzingNummer {p.toewijzingnummer}")
    yield from _per_class("TR101", verzoek.nieuw, lambda p: (p.product, p.gewenste_ingangsdatum),
                          lambda p: f"NieuwProduct {show_product(p.product)}, GewensteIngangsdatum "
                                    f"{p.gewenste_ingangsdatum}")


def _prestatie_key(p: Any) -> Hashable:
    return p.referentienummer, p.vorig_referentienummer


def _show_prestatie(p: Any) -> str:
    return f"Prestatie ReferentieNummer {p.referentienummer}, VorigReferentieNummer " \
           f"{p.vorig_referentienummer or '(empty)'}"


def _show_client(i: Any) -> str:
    return f"Client {i} repeats an earlier client's Bsn"


def _declaratie_duplicates(clienten: tuple[DeclaratieClient, ...]) -> Iterator[Finding]:
    # The Bsn is a key but never goes into a text: the client is named by its position.
    if len(clienten) > 1:
        yield from _duplicates("TR101", ((c.bsn, c.xpath, i) for i, c in enumerate(clienten, start=1)),
                               _show_client)
    for client in clienten:
        if len(client.prestaties) > 1:
            yield from _per_class("TR101", client.prestaties, _prestatie_key, _show_prestatie)


@in_message("TR101", messages=(323,), summary=TR101_SUMMARY)
def tr101_declaratie(message: DeclaratieBericht) -> Iterator[Finding]:
    yield from _declaratie_duplicates(message.declaratie.clienten)


@in_message("TR101", messages=(325,), summary=TR101_SUMMARY)
def tr101_declaratie_antwoord(message: DeclaratieAntwoordBericht) -> Iterator[Finding]:
    if message.antwoord is not None:
        yield from _declaratie_duplicates(message.antwoord.clienten)


@in_message("TR383", messages=(315,),
            summary="ReferentieAanbieder is unique per AangevraagdProduct in the message.")
def tr383_unique_referentie(message: VerzoekToewijzing) -> Iterator[Finding]:
    producten = message.client.producten
    if len(producten) > 1:
        lines = ((p.referentie_aanbieder, at(p.xpath, "ReferentieAanbieder"), p) for p in producten)
        yield from _duplicates("TR383", lines, lambda p: f"ReferentieAanbieder {p.referentie_aanbieder}")


@in_message("TR315", messages=(323,), summary="Prestatie VorigReferentieNummer is unique in the message.")
def tr315_unique_vorig_referentie(message: DeclaratieBericht) -> Iterator[Finding]:
    lines = ((p.vorig_referentienummer, at(p.xpath, "ProductReferentie", "VorigReferentieNummer"), p)
             for client in message.declaratie.clienten for p in client.prestaties
             if p.vorig_referentienummer is not None)
    yield from _duplicates("TR315", lines, lambda p: f"VorigReferentieNummer {p.vorig_referentienummer}")

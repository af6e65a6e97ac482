"""Level 2: no duplicate lines within one message (TR101) and unique references (TR383, TR315)."""

# TR101: per berichtklasse the logical key, together with the keys of the classes above it, is unique in the
# message. The keys are the Sleutelelement columns of the condities/constraints table: Contact (Soort),
# Relatie (Nummer), ToegewezenProduct (ToewijzingNummer), StartProduct (ToewijzingNummer, Product,
# Begindatum), StopProduct (the same plus RedenBeeindiging, Einddatum), AangevraagdProduct
# (ReferentieAanbieder), Ongewijzigd/TeWijzigenProduct (ToewijzingNummer), NieuwProduct (Product,
# GewensteIngangsdatum), 323/325 Client (Bsn) and Prestatie (ReferentieNummer, VorigReferentieNummer). A TR101
# finding points at the second occurrence of the duplicated berichtklasse.

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator

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

Keyed = tuple[Hashable, str, str]  # key, XPath of the class, how the text names the key


def _duplicates(code: str, lines: Iterable[Keyed]) -> Iterator[Finding]:
    seen: set[Hashable] = set()
    for key, xpath, shown in lines:
        if key in seen:
            yield finding(code, xpath, f"Duplicate within the message: {shown}.")
        seen.add(key)


@in_message("TR101", messages=(301,), summary=TR101_SUMMARY)
def tr101_toewijzing(message: Toewijzing) -> Iterator[Finding]:
    client = message.client
    yield from _duplicates("TR101", ((c.soort, c.xpath, f"Contact Soort {c.soort}")
                                     for c in client.contacten))
    yield from _duplicates("TR101", ((r.nummer, r.xpath, f"Relatie Nummer {r.nummer}")
                                     for r in client.relaties))
    yield from _duplicates("TR101", ((p.toewijzingnummer, p.xpath, f"ToewijzingNummer {p.toewijzingnummer}")
                                     for p in client.producten))


@in_message("TR101", messages=(305,), summary=TR101_SUMMARY)
def tr101_start(message: Start) -> Iterator[Finding]:
    yield from _duplicates("TR101", (
        ((p.toewijzingnummer, p.product, p.begindatum), p.xpath,
         f"StartProduct ToewijzingNummer {p.toewijzingnummer}, {show_product(p.product)}, "
         f"Begindatum {p.begindatum}")
        for p in message.client.producten))


@in_message("TR101", messages=(307,), summary=TR101_SUMMARY)
def tr101_stop(message: Stop) -> Iterator[Finding]:
    yield from _duplicates("TR101", (
        ((p.toewijzingnummer, p.product, p.begindatum, p.reden_beeindiging, p.einddatum), p.xpath,
         f"StopProduct ToewijzingNummer {p.toewijzingnummer}, {show_product(p.product)}, "
         f"Begindatum {p.begindatum}, RedenBeeindiging {p.reden_beeindiging}, Einddatum {p.einddatum}")
        for p in message.client.producten))


@in_message("TR101", messages=(315,), summary=TR101_SUMMARY)
def tr101_verzoek_toewijzing(message: VerzoekToewijzing) -> Iterator[Finding]:
    yield from _duplicates("TR101", ((p.referentie_aanbieder, p.xpath,
                                      f"ReferentieAanbieder {p.referentie_aanbieder}")
                                     for p in message.client.producten))


@in_message("TR101", messages=(317,), summary=TR101_SUMMARY)
def tr101_verzoek_wijziging(message: VerzoekWijziging) -> Iterator[Finding]:
    verzoek = message.client.verzoek
    yield from _duplicates("TR101", ((p.toewijzingnummer, p.xpath,
                                      f"OngewijzigdProduct ToewijzingNummer {p.toewijzingnummer}")
                                     for p in verzoek.ongewijzigd))
    yield from _duplicates("TR101", ((p.toewijzingnummer, p.xpath,
                                      f"TeWijzigenProduct ToewijzingNummer {p.toewijzingnummer}")
                                     for p in verzoek.te_wijzigen))
    yield from _duplicates("TR101", (((p.product, p.gewenste_ingangsdatum), p.xpath,
                                      f"NieuwProduct {show_product(p.product)}, GewensteIngangsdatum "
                                      f"{p.gewenste_ingangsdatum}")
                                     for p in verzoek.nieuw))


def _declaratie_duplicates(clienten: tuple[DeclaratieClient, ...]) -> Iterator[Finding]:
    # The Bsn is a key but never goes into a text: the client is named by its position.
    yield from _duplicates("TR101", ((c.bsn, c.xpath, f"Client {i} repeats an earlier client's Bsn")
                                     for i, c in enumerate(clienten, start=1)))
    for client in clienten:
        yield from _duplicates("TR101", (
            ((p.referentienummer, p.vorig_referentienummer), p.xpath,
             f"Prestatie ReferentieNummer {p.referentienummer}, VorigReferentieNummer "
             f"{p.vorig_referentienummer or '(empty)'}")
            for p in client.prestaties))


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
    lines = ((p.referentie_aanbieder, at(p.xpath, "ReferentieAanbieder"), f"ReferentieAanbieder "
              f"{p.referentie_aanbieder}") for p in message.client.producten)
    yield from _duplicates("TR383", lines)


@in_message("TR315", messages=(323,), summary="Prestatie VorigReferentieNummer is unique in the message.")
def tr315_unique_vorig_referentie(message: DeclaratieBericht) -> Iterator[Finding]:
    lines = ((p.vorig_referentienummer, at(p.xpath, "ProductReferentie", "VorigReferentieNummer"),
              f"VorigReferentieNummer {p.vorig_referentienummer}")
             for client in message.declaratie.clienten for p in client.prestaties
             if p.vorig_referentienummer is not None)
    yield from _duplicates("TR315", lines)

"""Level 2: period order and dates against the Dagtekening (CS003, TR018, TR134, TR380)."""

# TR134 ("fill with an existing date not after the Dagtekening") names no elements in its rule file (STANDARD
# §8.7). We apply it to the dates that record something that has already happened when the message is made:
# every Geboortedatum (client and relaties), the Toewijzingsdatum (301), Begindatum of a start (305),
# Begindatum and Einddatum of a stop (307, the actual end of delivery), and the 323 DeclaratieDagtekening and
# the Begindatum of DeclaratiePeriode and ProductPeriode (their Einddatum is TR137's). Dates that may lie in
# the future (Ingangsdatum, Einddatum of a toewijzing, ToewijzingIngangsdatum, BeschikkingIngangsdatum) are
# left out. "Existing date" is already guaranteed by the XSD (xs:date) and the decoder.
#
# TR380 ("a date later than the Dagtekening", 317) names no element either. We apply it to the Einddatum of a
# TeWijzigenProduct and a NieuwProduct: a VOW asks for a new situation that must lie in the future (FAQ),
# while the FAQ explicitly allows a past GewensteIngangsdatum for changes over the whole period (IV092,
# TR357), and the reference example WMO317 (schema-valid, meant as a correct message) has GewensteIngangsdatum
# equal to its Dagtekening.

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from handlers.findings import Finding
from handlers.messages import (
    DeclaratieAntwoordBericht,
    DeclaratieBericht,
    Start,
    Stop,
    Toewijzing,
    VerzoekToewijzing,
    VerzoekWijziging,
)
from handlers.rules.checks_base import all_contacts, at, finding, in_message, product_lines

# value, XPath of its class, path of the element below the class, how the text names it, and whether the text
# may show the value. The XPath and the text are only put together for a date that breaks the rule.
Dated = tuple[date | None, str, str, str, bool]


def _not_after(dagtekening: date, dates: Iterable[Dated]) -> Iterator[Finding]:
    for value, owner, element, name, shown in dates:
        if value is not None and value > dagtekening:
            named = f"{name} {value}" if shown else name
            yield finding("TR134", at(owner, element),
                          f"{named} is after the Dagtekening {dagtekening.isoformat()}.")


def _birth(xpath: str, value: date) -> Dated:
    # The birth date itself stays out of the text: it is personal data.
    return value, xpath, "Geboortedatum/Datum", "Geboortedatum", False


TR134_SUMMARY = ("Dates of things that already happened may not be after the Dagtekening: Geboortedatum, "
                 "Toewijzingsdatum (301), start Begindatum (305), stop Begindatum/Einddatum (307), "
                 "DeclaratieDagtekening and period Begindatum (323, 325).")


@in_message("TR134", messages=(301,), summary=TR134_SUMMARY)
def tr134_toewijzing(message: Toewijzing) -> Iterator[Finding]:
    client = message.client
    dates = [_birth(client.xpath, client.geboortedatum.datum)]
    dates += [_birth(r.xpath, r.geboortedatum.datum) for r in client.relaties if r.geboortedatum]
    dates += [(p.toewijzingsdatum, p.xpath, "Toewijzingsdatum", "Toewijzingsdatum", True)
              for p in client.producten]
    yield from _not_after(message.header.dagtekening, dates)


@in_message("TR134", messages=(305,), summary=TR134_SUMMARY)
def tr134_start(message: Start) -> Iterator[Finding]:
    client = message.client
    dates = [_birth(client.xpath, client.geboortedatum.datum)]
    dates += [(p.begindatum, p.xpath, "Begindatum", "Begindatum", True) for p in client.producten]
    yield from _not_after(message.header.dagtekening, dates)


@in_message("TR134", messages=(307,), summary=TR134_SUMMARY)
def tr134_stop(message: Stop) -> Iterator[Finding]:
    client = message.client
    dates = [_birth(client.xpath, client.geboortedatum.datum)]
    for p in client.producten:
        dates.append((p.begindatum, p.xpath, "Begindatum", "Begindatum", True))
        dates.append((p.einddatum, p.xpath, "Einddatum", "Einddatum", True))
    yield from _not_after(message.header.dagtekening, dates)


@in_message("TR134", messages=(315,), summary=TR134_SUMMARY)
def tr134_verzoek_toewijzing(message: VerzoekToewijzing) -> Iterator[Finding]:
    client = message.client
    yield from _not_after(message.header.dagtekening, [_birth(client.xpath, client.geboortedatum.datum)])


@in_message("TR134", messages=(323,), summary=TR134_SUMMARY)
def tr134_declaratie(message: DeclaratieBericht) -> Iterator[Finding]:
    declaratie = message.declaratie
    dates: list[Dated] = [
        (declaratie.declaratie_dagtekening, declaratie.xpath, "DeclaratieDagtekening",
         "DeclaratieDagtekening", True),
        (declaratie.periode.begindatum, declaratie.xpath, "DeclaratiePeriode/Begindatum",
         "DeclaratiePeriode Begindatum", True),
    ]
    dates += [(p.periode.begindatum, p.xpath, "ProductPeriode/Begindatum", "ProductPeriode Begindatum", True)
              for client in declaratie.clienten for p in client.prestaties]
    yield from _not_after(message.header.dagtekening, dates)


@in_message("TR134", messages=(325,), summary=TR134_SUMMARY)
def tr134_declaratie_antwoord(message: DeclaratieAntwoordBericht) -> Iterator[Finding]:
    clienten = message.antwoord.clienten if message.antwoord else ()
    dates: list[Dated] = [
        (p.periode.begindatum, p.xpath, "ProductPeriode/Begindatum", "ProductPeriode Begindatum", True)
        for client in clienten for p in client.prestaties]
    yield from _not_after(message.header.heen.dagtekening, dates)


@in_message("CS003", messages=(301, 315, 317),
            summary="An Einddatum may not lie before the start of its period: ToegewezenProduct "
                    "(Ingangsdatum), AangevraagdProduct (ToewijzingIngangsdatum), TeWijzigen/NieuwProduct "
                    "(GewensteIngangsdatum), Contact/Periode (Begindatum).")
def cs003_product_einddatum(message: Toewijzing | VerzoekToewijzing | VerzoekWijziging) -> Iterator[Finding]:
    for line in product_lines(message):
        if line.end is not None and line.end < line.start:
            yield finding("CS003", at(line.xpath, line.end_element),
                          f"{line.label}: {line.end_element} {line.end} is before the start {line.start}.")


@in_message("CS003", messages=(301,), summary="Contact/Periode: Einddatum may not lie before Begindatum.")
def cs003_contact_periode(message: Toewijzing) -> Iterator[Finding]:
    for contact in all_contacts(message):
        periode = contact.periode
        if periode and periode.begindatum and periode.einddatum and periode.einddatum < periode.begindatum:
            yield finding("CS003", at(contact.xpath, "Periode", "Einddatum"),
                          f"Contact Soort {contact.soort}: Periode Einddatum {periode.einddatum} is before "
                          f"Begindatum {periode.begindatum}.")


@in_message("TR018", messages=(307,), summary="StopProduct: Einddatum may not lie before Begindatum.")
def tr018_stop_einddatum(message: Stop) -> Iterator[Finding]:
    for product in message.client.producten:
        if product.einddatum < product.begindatum:
            yield finding("TR018", at(product.xpath, "Einddatum"),
                          f"Einddatum {product.einddatum} is before Begindatum {product.begindatum}.")


@in_message("TR380", messages=(317,),
            summary="TeWijzigenProduct/Einddatum and NieuwProduct/Einddatum, when filled, lie after the "
                    "Dagtekening.")
def tr380_requested_end_in_future(message: VerzoekWijziging) -> Iterator[Finding]:
    dagtekening = message.header.dagtekening
    verzoek = message.client.verzoek
    ends = [(p.einddatum, p.xpath) for p in verzoek.te_wijzigen]
    ends += [(p.einddatum, p.xpath) for p in verzoek.nieuw]
    for end, xpath in ends:
        if end is not None and end <= dagtekening:
            yield finding("TR380", at(xpath, "Einddatum"),
                          f"Einddatum {end} is not later than the Dagtekening {dagtekening.isoformat()}.")

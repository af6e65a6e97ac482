"""Level 2: the declaration 323 and its answer 325: periods, amounts, debit and credit lines."""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from datetime import date

from handlers.findings import Finding
from handlers.messages import BedragMetDC, DeclaratieAntwoordBericht, DeclaratieBericht, Periode, Prestatie
from handlers.rules.checks_base import at, finding, in_message, per_message, years_before

DEBET, CREDIT = "D", "C"
EUROS = "83"
FIRST_CLAIMABLE = date(2021, 1, 1)  # CS100: 323 periods start on or after 1 January 2021
MAX_AGE_YEARS = 5  # TR335
Declaraties = DeclaratieBericht | DeclaratieAntwoordBericht
ASSESSED = frozenset({"0200", "8001"})  # DeclaratieAntwoord codes that are no rejection of the class itself


@per_message
def prestaties(message: Declaraties) -> tuple[Prestatie, ...]:
    """Every Prestatie of a 323 or 325, client after client (made once per message, asked by most rules)."""
    if isinstance(message, DeclaratieBericht):
        clienten = message.declaratie.clienten
    else:
        clienten = message.antwoord.clienten if message.antwoord else ()
    return tuple([p for client in clienten for p in client.prestaties])


def signed(amount: BedragMetDC) -> int:
    """An amount with its debit/credit sign: debit counts up, credit down (euro cents)."""
    return -amount.bedrag if amount.debet_credit == CREDIT else amount.bedrag


def period_end_checks(periode: Periode, owner: str, element: str, dagtekening: date) -> list[Finding]:
    """TR137: an Einddatum on or after its Begindatum and not after the Dagtekening; the period is the
    child `element` of the class at `owner`. A list, not a generator: nearly every period passes, and
    an empty list is cheaper to return than a generator is to make."""
    end, start = periode.einddatum, periode.begindatum
    found: list[Finding] = []
    if end is None:
        return found
    if start is not None and end < start:
        found.append(finding("TR137", at(owner, element, "Einddatum"),
                             f"Einddatum {end} is before Begindatum {start}."))
    if end > dagtekening:
        found.append(finding("TR137", at(owner, element, "Einddatum"),
                             f"Einddatum {end} is after the Dagtekening {dagtekening.isoformat()}."))
    return found


@in_message("TR137", messages=(323,),
            summary="Einddatum of DeclaratiePeriode and ProductPeriode: not before its Begindatum, not after "
                    "the Dagtekening.")
def tr137_declaratie_periods(message: DeclaratieBericht) -> Iterator[Finding]:
    dagtekening = message.header.dagtekening
    declaratie = message.declaratie
    yield from period_end_checks(declaratie.periode, declaratie.xpath, "DeclaratiePeriode", dagtekening)
    for prestatie in prestaties(message):
        yield from period_end_checks(prestatie.periode, prestatie.xpath, "ProductPeriode", dagtekening)


@in_message("TR335", messages=(323,),
            summary="ProductPeriode/Einddatum may not lie more than 5 years before the "
                    "DeclaratieDagtekening.")
def tr335_not_too_old(message: DeclaratieBericht) -> Iterator[Finding]:
    sent = message.declaratie.declaratie_dagtekening
    limit = years_before(sent, MAX_AGE_YEARS)
    for prestatie in prestaties(message):
        end = prestatie.periode.einddatum
        if end is not None and end < limit:
            yield finding("TR335", at(prestatie.xpath, "ProductPeriode", "Einddatum"),
                          f"Einddatum {end} lies more than {MAX_AGE_YEARS} years before the "
                          f"DeclaratieDagtekening {sent.isoformat()}.")


@in_message("TR358", messages=(323,),
            summary="TotaalIngediendBedrag equals the sum of the Prestaties' IngediendBedrag (debit minus "
                    "credit).")
def tr358_total_matches(message: DeclaratieBericht) -> Iterator[Finding]:
    declaratie = message.declaratie
    total = sum(signed(p.ingediend_bedrag) for p in prestaties(message))
    if signed(declaratie.totaal_ingediend) != total:
        yield finding("TR358", at(declaratie.xpath, "TotaalIngediendBedrag", "TotaalBedrag"),
                      f"TotaalIngediendBedrag {signed(declaratie.totaal_ingediend)} (cents, credit negative) "
                      f"differs from the sum of the Prestaties {total}.")


@in_message("TR416", messages=(323,),
            summary="At most one debit Prestatie per ToewijzingNummer, ProductPeriode, ProductCategorie and "
                    "ProductCode.")
def tr416_one_debit_per_product_period(message: DeclaratieBericht) -> Iterator[Finding]:
    seen: set[tuple[object, ...]] = set()
    for client in message.declaratie.clienten:
        for p in client.prestaties:
            if p.ingediend_bedrag.debet_credit != DEBET:
                continue
            key = (client.bsn, p.toewijzingnummer, p.periode, p.productcategorie, p.productcode)
            if key in seen:
                yield finding("TR416", p.xpath,
                              f"A second debit Prestatie for ToewijzingNummer {p.toewijzingnummer}, "
                              f"product {p.productcategorie}/{p.productcode}, ProductPeriode "
                              f"{p.periode.begindatum}..{p.periode.einddatum}.")
            seen.add(key)


@in_message("TR316", messages=(323,),
            summary="A debit Prestatie may not be credited in the same message (VorigReferentieNummer is no "
                    "ReferentieNummer of this message).")
def tr316_no_credit_of_own_debit(message: DeclaratieBericht) -> Iterator[Finding]:
    referenties = {p.referentienummer for p in prestaties(message)}
    for prestatie in prestaties(message):
        if prestatie.vorig_referentienummer in referenties:
            yield finding("TR316", at(prestatie.xpath, "ProductReferentie", "VorigReferentieNummer"),
                          f"VorigReferentieNummer {prestatie.vorig_referentienummer} credits a Prestatie of "
                          "this same message.")


@in_message("CS100", messages=(323,),
            summary="DeclaratiePeriode and ProductPeriode start on or after 2021-01-01.")
def cs100_from_2021(message: DeclaratieBericht) -> Iterator[Finding]:
    declaratie = message.declaratie
    periods = [(declaratie.periode, declaratie.xpath, "DeclaratiePeriode")]
    periods += [(p.periode, p.xpath, "ProductPeriode") for p in prestaties(message)]
    for periode, owner, element in periods:
        if periode.begindatum is not None and periode.begindatum < FIRST_CLAIMABLE:
            yield finding("CS100", at(owner, element, "Begindatum"),
                          f"Begindatum {periode.begindatum} is before 2021-01-01.")


def whole_month(periode: Periode) -> bool:
    """Whether a period is exactly one calendar month."""
    start, end = periode.begindatum, periode.einddatum
    if start is None or end is None or start.day != 1:
        return False
    last = calendar.monthrange(start.year, start.month)[1]
    return end == start.replace(day=last)


@in_message("CS340", messages=(323,), summary="DeclaratiePeriode is exactly one whole calendar month.")
def cs340_declaratie_month(message: DeclaratieBericht) -> Iterator[Finding]:
    declaratie = message.declaratie
    if not whole_month(declaratie.periode):
        yield finding("CS340", at(declaratie.xpath, "DeclaratiePeriode"),
                      f"DeclaratiePeriode {declaratie.periode.begindatum}..{declaratie.periode.einddatum} is "
                      "not one whole calendar month.")


@in_message("CS337", messages=(323,),
            summary="ProductPeriode/Einddatum lies in the same calendar month and year as its Begindatum.")
def cs337_product_period_one_month(message: DeclaratieBericht) -> Iterator[Finding]:
    for prestatie in prestaties(message):
        start, end = prestatie.periode.begindatum, prestatie.periode.einddatum
        if start is not None and end is not None and (end.year, end.month) != (start.year, start.month):
            yield finding("CS337", at(prestatie.xpath, "ProductPeriode", "Einddatum"),
                          f"Einddatum {end} is not in the month of Begindatum {start}.")


@in_message("CD087", messages=(323,),
            summary="ProductTarief is required when Eenheid is not 83 (euros), otherwise empty.")
def cd087_tarief_unless_euros(message: DeclaratieBericht) -> Iterator[Finding]:
    for p in prestaties(message):
        if p.eenheid != EUROS and p.producttarief is None:
            yield finding("CD087", at(p.xpath, "ProductTarief"),
                          f"ReferentieNummer {p.referentienummer}: Eenheid {p.eenheid}, so ProductTarief is "
                          "required.")
        elif p.eenheid == EUROS and p.producttarief is not None:
            yield finding("CD087", at(p.xpath, "ProductTarief"),
                          f"ReferentieNummer {p.referentienummer}: Eenheid 83 (euros), so ProductTarief must "
                          "be empty.")


@in_message("CS339", messages=(323,),
            summary="With Eenheid 83 (euros) IngediendBedrag equals GeleverdVolume.")
def cs339_euros_amount_is_volume(message: DeclaratieBericht) -> Iterator[Finding]:
    for p in prestaties(message):
        if p.eenheid == EUROS and p.ingediend_bedrag.bedrag != p.geleverd_volume:
            yield finding("CS339", at(p.xpath, "IngediendBedrag", "Bedrag"),
                          f"ReferentieNummer {p.referentienummer}: Eenheid 83, IngediendBedrag "
                          f"{p.ingediend_bedrag.bedrag} differs from GeleverdVolume {p.geleverd_volume}.")


@in_message("TR137", messages=(325,),
            summary="325: ProductPeriode/Einddatum not before Begindatum, not after the Dagtekening.")
def tr137_antwoord_periods(message: DeclaratieAntwoordBericht) -> Iterator[Finding]:
    dagtekening = message.header.heen.dagtekening
    for prestatie in prestaties(message):
        yield from period_end_checks(prestatie.periode, prestatie.xpath, "ProductPeriode", dagtekening)


def _amounts(message: Declaraties) -> list[tuple[BedragMetDC, str, str]]:
    """Every (Totaal)Bedrag with its DebetCredit, the XPath of its class and the name of the composite."""
    if isinstance(message, DeclaratieBericht):
        tops = [(message.declaratie.totaal_ingediend, message.declaratie.xpath, "TotaalIngediendBedrag")]
    elif message.antwoord is not None:
        xpath = message.antwoord.xpath
        tops = [(message.antwoord.totaal_ingediend, xpath, "TotaalIngediendBedrag"),
                (message.antwoord.totaal_toegekend, xpath, "TotaalToegekendBedrag")]
    else:
        tops = []
    return tops + [(p.ingediend_bedrag, p.xpath, "IngediendBedrag") for p in prestaties(message)]


@in_message("CS325", messages=(323, 325), summary="An amount of 0 carries DebetCredit D.")
def cs325_zero_is_debit(message: Declaraties) -> Iterator[Finding]:
    for amount, owner, element in _amounts(message):
        if amount.bedrag == 0 and amount.debet_credit != DEBET:
            yield finding("CS325", at(owner, element, "DebetCredit"),
                          f"The amount is 0, so DebetCredit must be D, not {amount.debet_credit}.")


@in_message("CD060", messages=(323, 325),
            summary="VorigReferentieNummer is required on a credit Prestatie (DebetCredit C), otherwise "
                    "empty.")
def cd060_vorig_referentie_on_credit(message: Declaraties) -> Iterator[Finding]:
    for p in prestaties(message):
        credit = p.ingediend_bedrag.debet_credit == CREDIT
        if credit != (p.vorig_referentienummer is not None):
            needed = "is required" if credit else "must be empty"
            yield finding("CD060", at(p.xpath, "ProductReferentie", "VorigReferentieNummer"),
                          f"ReferentieNummer {p.referentienummer}: DebetCredit "
                          f"{p.ingediend_bedrag.debet_credit}, so VorigReferentieNummer {needed}.")


@in_message("TR342", messages=(325,),
            summary="325: only rejected Prestaties are returned: their sum equals TotaalIngediend minus "
                    "TotaalToegekend; with the DeclaratieAntwoord itself rejected, no Prestaties and 0 "
                    "awarded.")
def tr342_only_rejected_prestaties(message: DeclaratieAntwoordBericht) -> Iterator[Finding]:
    antwoord = message.antwoord
    if antwoord is None:
        return
    toegekend = at(antwoord.xpath, "TotaalToegekendBedrag")
    if not set(antwoord.retourcodes) <= ASSESSED:
        if antwoord.totaal_toegekend.bedrag != 0 or antwoord.clienten:
            yield finding("TR342", toegekend, "The DeclaratieAntwoord is rejected, so TotaalToegekendBedrag "
                                              "must be 0 and no Prestaties are returned.")
        return
    rejected = sum(signed(p.ingediend_bedrag) for p in prestaties(message))
    difference = signed(antwoord.totaal_ingediend) - signed(antwoord.totaal_toegekend)
    if rejected != difference:
        yield finding("TR342", toegekend, f"TotaalIngediend minus TotaalToegekend is {difference} cents but "
                                          f"the returned (rejected) Prestaties sum to {rejected}.")

"""Level-3 rules against earlier messages: TR056 (all heen messages), the 301 rules and the 319 rules.

The 305/307 rules live in cross_message_delivery.py, the 315/317 rules in cross_message_request.py.
The 323 rules live in claims_*.py, run in the order of cross_message_claims.py.
"""

from __future__ import annotations

from handlers.findings import CROSS_MESSAGE, Finding
from handlers.messages import AntwoordBericht, HeenMessage, ToegewezenProduct, Toewijzing
from handlers.outcome import AllocationKey
from handlers.rules.registry import rule
from handlers.state import AllocationState, RequestState, SeenIdentities

IDENTIFICATIE_XPATH = "/Bericht/Header/BerichtIdentificatie/Identificatie"


def cross(code: str, retourcode: str, xpath: str, text: str) -> Finding:
    return Finding(CROSS_MESSAGE, code, retourcode, xpath, text)


@rule(
    "TR056",
    level=CROSS_MESSAGE,
    retourcode="9056",
    messages=(301, 305, 307, 315, 317, 319, 323),
    summary="Identificatie is unique per message type for the sending party",
)
async def tr056_identificatie_unique(msg: HeenMessage, state: SeenIdentities) -> list[Finding]:
    header = msg.header
    if not await state.identificatie_used(
        msg.meta.standard, msg.meta.name, header.afzender, header.identificatie
    ):
        return []
    text = (
        f"{msg.meta.name} Identificatie {header.identificatie} was already used by sender {header.afzender}"
    )
    return [cross("TR056", "9056", IDENTIFICATIE_XPATH, text)]


def _key(msg: Toewijzing, product: ToegewezenProduct) -> AllocationKey:
    return AllocationKey(msg.meta.standard, msg.header.afzender, product.toewijzingnummer)


@rule(
    "TR332",
    level=CROSS_MESSAGE,
    retourcode="9332",
    messages=(301,),
    summary="A ToewijzingNummer is unique within the gemeente per domain: one client, provider and product",
)
async def tr332_toewijzingnummer_unique(msg: Toewijzing, state: AllocationState) -> list[Finding]:
    findings = []
    for product in msg.client.producten:
        known = await state.allocation(_key(msg, product))
        if known is None:
            continue
        categorie, code = (
            (product.product.categorie, product.product.code) if product.product else (None, None)
        )
        same = (known.bsn, known.aanbieder, known.product_categorie, known.product_code) == (
            msg.client.bsn,
            msg.header.ontvanger,
            categorie,
            code,
        )
        if not same:
            text = f"ToewijzingNummer {product.toewijzingnummer} is already used for another assignment"
            findings.append(cross("TR332", "9332", product.xpath, text))
    return findings


@rule(
    "TR379",
    level=CROSS_MESSAGE,
    retourcode="9379",
    messages=(301,),
    summary="ReferentieAanbieder in a ToegewezenProduct only to honour an open VOT/VOW of that client, and "
    "only in the 301 that honours it (not in later ones, IV097)",
)
async def tr379_reference_honours_a_request(msg: Toewijzing, state: RequestState) -> list[Finding]:
    findings = []
    for product in msg.client.producten:
        referentie = product.referentie_aanbieder
        if referentie is None:
            continue
        requests = await state.requests_with_reference(msg.meta.standard, msg.header.ontvanger, referentie)
        honourable = [
            r
            for r in requests
            # Only the first 301 after honouring carries the reference (TR379 toelichting, IV097): a request
            # honoured already, by a 301 that counts, is no longer open to it.
            if r.bsn == msg.client.bsn and r.gemeente == msg.header.afzender and r.open
        ]
        if not honourable:
            text = f"ReferentieAanbieder {referentie} matches no request of this client that can be honoured"
            findings.append(cross("TR379", "9379", product.xpath, text))
    return findings


def _answer_scope(msg: AntwoordBericht) -> tuple[str, str, str]:
    return msg.meta.standard, msg.header.ontvanger, msg.antwoord.referentie_aanbieder


@rule(
    "TR355",
    level=CROSS_MESSAGE,
    retourcode="9355",
    messages=(319,),
    summary="ReferentieAanbieder of an antwoord comes from an earlier VOT or VOW",
)
async def tr355_answer_refers_to_request(msg: AntwoordBericht, state: RequestState) -> list[Finding]:
    requests = await state.requests_with_reference(*_answer_scope(msg))
    if any(r.gemeente == msg.header.afzender for r in requests):
        return []
    text = f"ReferentieAanbieder {msg.antwoord.referentie_aanbieder} occurs in no earlier VOT or VOW"
    return [cross("TR355", "9355", msg.antwoord.xpath, text)]


@rule(
    "TR359",
    level=CROSS_MESSAGE,
    retourcode="9359",
    messages=(319,),
    summary="No antwoord once a 301 with the same ReferentieAanbieder was sent",
)
async def tr359_no_answer_after_allocation(msg: AntwoordBericht, state: RequestState) -> list[Finding]:
    if not await state.reference_honoured(*_answer_scope(msg)):
        return []
    text = f"a 301 with ReferentieAanbieder {msg.antwoord.referentie_aanbieder} was already sent"
    return [cross("TR359", "9359", msg.antwoord.xpath, text)]


@rule(
    "TR360",
    level=CROSS_MESSAGE,
    retourcode="9360",
    messages=(319,),
    summary="An 'under investigation' antwoord (2) only when no antwoord with this reference exists yet",
)
async def tr360_one_under_investigation(msg: AntwoordBericht, state: RequestState) -> list[Finding]:
    if msg.antwoord.verzoek_antwoord != "2" or not await state.answers(*_answer_scope(msg)):
        return []
    text = f"an antwoord for ReferentieAanbieder {msg.antwoord.referentie_aanbieder} was already sent"
    return [cross("TR360", "9360", msg.antwoord.xpath, text)]


@rule(
    "TR365",
    level=CROSS_MESSAGE,
    retourcode="9365",
    messages=(319,),
    summary="A second antwoord only after an 'under investigation' (2) antwoord",
)
async def tr365_second_answer_after_investigation(msg: AntwoordBericht, state: RequestState) -> list[Finding]:
    earlier = await state.answers(*_answer_scope(msg))
    if all(answer.verzoek_antwoord == "2" for answer in earlier):
        return []
    text = f"ReferentieAanbieder {msg.antwoord.referentie_aanbieder} was already answered with a rejection"
    return [cross("TR365", "9365", msg.antwoord.xpath, text)]


@rule(
    "TR385",
    level=CROSS_MESSAGE,
    retourcode="9385",
    messages=(301,),
    summary="An allocation with awarded claim lines (not credited) cannot be deleted (RedenWijziging 13)",
)
async def tr385_no_deletion_after_claims(msg: Toewijzing, state: RequestState) -> list[Finding]:
    findings = []
    for product in msg.client.producten:
        deletes = product.reden_wijziging == "13" and product.einddatum == product.ingangsdatum
        if deletes and await state.has_awarded_claims(_key(msg, product)):
            text = f"ToewijzingNummer {product.toewijzingnummer} has awarded claim lines: no deletion"
            findings.append(cross("TR385", "9385", product.xpath, text))
    return findings


async def check_toewijzing(msg: Toewijzing, state: RequestState) -> list[Finding]:
    return [
        *await tr056_identificatie_unique(msg, state),
        *await tr332_toewijzingnummer_unique(msg, state),
        *await tr379_reference_honours_a_request(msg, state),
        *await tr385_no_deletion_after_claims(msg, state),
    ]


async def check_antwoord(msg: AntwoordBericht, state: RequestState) -> list[Finding]:
    return [
        *await tr056_identificatie_unique(msg, state),
        *await tr355_answer_refers_to_request(msg, state),
        *await tr359_no_answer_after_allocation(msg, state),
        *await tr360_one_under_investigation(msg, state),
        *await tr365_second_answer_after_investigation(msg, state),
    ]

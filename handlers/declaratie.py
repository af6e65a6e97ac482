"""323 (declaratie) from a provider: levels 3–4, judged per Prestatie, and the plan of its 325 answer.

Unlike every other message a 323 is approved per Prestatie (IV087): awarded lines count, rejected ones
do not. Order of judgement:

    header (TR135 → 8848, TR378 → S300, TR056 → 9056) ... a header-only 325 with that code, nothing recorded
    the declaration (TR333 → 9333, TR318 → 8214) ........ the code on DeclaratieAntwoord, nothing awarded
    each Prestatie, credits before debits (OP366) ....... handlers.rules.cross_message_claims (order)

An awarded credit takes its debit out of the awarded volume before the debits are judged, so a
corrected debit in the same 323 fits again (TR389, TR322).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from typing import NoReturn

from handlers.answer325 import FULLY_AWARDED, NO_REMARKS, AnswerPlan
from handlers.claims import (
    AWARDED,
    CREDITED,
    NOT_ASSESSED,
    REJECTED,
    ClaimLine,
    ClaimLineView,
    ClaimState,
    ContractView,
    RecordDeclaration,
)
from handlers.context import Context
from handlers.findings import Finding
from handlers.messages import DeclaratieBericht, Prestatie
from handlers.rules import cross_message, external
from handlers.rules.claims_base import Claim
from handlers.rules.claims_declaration import tr318_next_period, tr333_declaratienummer_unique
from handlers.rules.claims_external import tr381_claimed_product_in_list
from handlers.rules.cross_message_claims import judge_line
from handlers.state import AllocationView

CREDIT = "C"
ACCEPTED, PARTIAL, REJECTED_ALL = "accepted", "partial", "rejected"


@dataclass(frozen=True, slots=True)
class Judgement:
    """status: accepted (every line awarded), partial or rejected (nothing awarded).

    `command` None: nothing is recorded (a header rule failed).
    """

    status: str
    findings: tuple[Finding, ...]
    plan: AnswerPlan
    command: RecordDeclaration | None

    @property
    def codes(self) -> tuple[str, ...]:
        return self.plan.every_code()


async def handle(msg: DeclaratieBericht, state: ClaimState, ctx: Context) -> Judgement:
    header = [
        *external.tr135_dagtekening_not_in_future(msg, ctx),
        *external.tr378_gemeente_in_cbs_list(msg, ctx),
        *await cross_message.tr056_identificatie_unique(msg, state),
    ]
    if header:
        codes = tuple(dict.fromkeys(str(f.retourcode) for f in header))
        return Judgement(REJECTED_ALL, tuple(header), AnswerPlan.header_only(*codes), None)
    whole = [*await tr333_declaratienummer_unique(msg, state), *await tr318_next_period(msg, state)]
    if whole:
        codes = tuple(dict.fromkeys(str(f.retourcode) for f in whole))
        lines = [_line(bsn, p, NOT_ASSESSED, (), None) for bsn, p in _in_order(msg)]
        plan = AnswerPlan((NO_REMARKS,), antwoord_codes=codes, toegekend=0)
        return Judgement(REJECTED_ALL, tuple(whole), plan, _record(msg, REJECTED_ALL, codes, 0, lines))
    return await _judge_lines(msg, state, ctx)


def _in_order(msg: DeclaratieBericht) -> list[tuple[str, Prestatie]]:
    """Credits first, then debits (OP366), each in document order."""
    every = [(client.bsn, p) for client in msg.declaratie.clienten for p in client.prestaties]
    return sorted(every, key=lambda item: item[1].ingediend_bedrag.debet_credit != CREDIT)


class _Ledger:
    """What the rules read, loaded once per 323 (one query per kind) and kept current line by line."""

    def __init__(self, msg: DeclaratieBericht) -> None:
        self.msg = msg
        self.standard, self.gemeente, self.aanbieder = (
            msg.meta.standard,
            msg.header.ontvanger,
            msg.header.afzender,
        )
        self.earlier: dict[str, ClaimLineView] = {}
        self.allocations: dict[int, AllocationView | None] = {}
        self.awarded: dict[int, list[ClaimLineView]] = defaultdict(list)
        self.contracts: dict[tuple[str, str, object], ContractView | None] = {}

    async def load(self, state: ClaimState) -> None:
        prestaties = [p for _, p in _in_order(self.msg)]
        refs = {p.referentienummer for p in prestaties} | {
            p.vorig_referentienummer for p in prestaties if p.vorig_referentienummer
        }
        self.earlier = await state.claim_lines(self.standard, self.aanbieder, refs)
        numbers = {p.toewijzingnummer for p in prestaties}
        found = await state.allocations_by_number(self.standard, self.gemeente, numbers)
        self.allocations = {nr: a for nr, a in found.items() if a.aanbieder == self.aanbieder}
        for line in await state.awarded_debits(self.standard, self.gemeente, numbers):
            self.awarded[line.toewijzingnummer].append(line)
        for p in prestaties:
            key = (p.productcategorie, p.productcode, p.periode.begindatum)
            if key not in self.contracts and p.periode.begindatum is not None:
                self.contracts[key] = await state.contract(
                    self.standard,
                    self.gemeente,
                    self.aanbieder,
                    p.productcategorie,
                    p.productcode,
                    p.periode.begindatum,
                )

    def claim(self, bsn: str, p: Prestatie) -> Claim:
        return Claim(
            self.standard,
            bsn,
            p,
            self.msg.declaratie.periode,
            self.allocations.get(p.toewijzingnummer),
            self.earlier,
            list(self.awarded[p.toewijzingnummer]),
            self.contracts.get((p.productcategorie, p.productcode, p.periode.begindatum)),
        )

    def award(self, bsn: str, p: Prestatie) -> None:
        view = _view(bsn, p, AWARDED)
        if p.ingediend_bedrag.debet_credit == CREDIT:
            debit = self.earlier[p.vorig_referentienummer or ""]
            self.earlier[debit.referentienummer] = replace(debit, status=CREDITED)
            self.awarded[debit.toewijzingnummer] = [
                line
                for line in self.awarded[debit.toewijzingnummer]
                if line.referentienummer != debit.referentienummer
            ]
        else:
            self.awarded[p.toewijzingnummer].append(view)
        self.earlier[p.referentienummer] = view


async def _judge_lines(msg: DeclaratieBericht, state: ClaimState, ctx: Context) -> Judgement:
    ledger = _Ledger(msg)
    await ledger.load(state)
    findings: list[Finding] = []
    lines: list[ClaimLine] = []
    rejected: dict[str, tuple[str, ...]] = {}
    toegekend = 0
    for bsn, p in _in_order(msg):
        claim = ledger.claim(bsn, p)
        found = [*judge_line(claim), *tr381_claimed_product_in_list(claim, ctx.product_codes)]
        version = claim.allocation.version_id if claim.allocation else None
        if found:
            codes = tuple(dict.fromkeys(str(f.retourcode) for f in found))
            rejected[p.xpath] = codes
            findings += found
            lines.append(_line(bsn, p, REJECTED, codes, version))
            continue
        ledger.award(bsn, p)
        toegekend += _signed(p)
        lines.append(_line(bsn, p, AWARDED, (), version))
    status = REJECTED_ALL if len(rejected) == len(lines) else PARTIAL if rejected else ACCEPTED
    plan = AnswerPlan(
        (NO_REMARKS,),
        antwoord_codes=(NO_REMARKS,) if rejected else (FULLY_AWARDED,),
        toegekend=toegekend,
        prestatie_codes=rejected,
    )
    codes = plan.every_code()
    return Judgement(status, tuple(findings), plan, _record(msg, status, codes, toegekend, lines))


def _signed(p: Prestatie) -> int:
    return (
        -p.ingediend_bedrag.bedrag if p.ingediend_bedrag.debet_credit == CREDIT else p.ingediend_bedrag.bedrag
    )


def _view(bsn: str, p: Prestatie, status: str) -> ClaimLineView:
    return ClaimLineView(
        p.referentienummer,
        bsn,
        p.toewijzingnummer,
        p.productcategorie,
        p.productcode,
        p.periode.begindatum or p.periode.einddatum or _never(),
        p.periode.einddatum or p.periode.begindatum or _never(),
        p.geleverd_volume,
        p.eenheid,
        p.ingediend_bedrag.bedrag,
        p.ingediend_bedrag.debet_credit,
        status,
        p.vorig_referentienummer,
    )


def _never() -> NoReturn:
    raise ValueError("a ProductPeriode without dates passed level 1")  # the XSD requires both dates


def _line(bsn: str, p: Prestatie, status: str, codes: tuple[str, ...], version: int | None) -> ClaimLine:
    v = _view(bsn, p, status)
    return ClaimLine(
        bsn,
        v.referentienummer,
        v.toewijzingnummer,
        v.categorie,
        v.code,
        v.begindatum,
        v.einddatum,
        v.volume,
        v.eenheid,
        v.bedrag,
        v.debet_credit,
        status,
        codes,
        p.producttarief,
        p.vorig_referentienummer,
        version,
    )


def _record(
    msg: DeclaratieBericht, status: str, codes: tuple[str, ...], toegekend: int, lines: list[ClaimLine]
) -> RecordDeclaration:
    d = msg.declaratie
    ingediend = (
        -d.totaal_ingediend.bedrag if d.totaal_ingediend.debet_credit == CREDIT else d.totaal_ingediend.bedrag
    )
    return RecordDeclaration(
        msg.meta.standard,
        msg.header.ontvanger,
        msg.header.afzender,
        d.declaratienummer,
        d.periode.begindatum or _never(),
        d.periode.einddatum or _never(),
        ingediend,
        toegekend,
        status,
        codes,
        tuple(lines),
    )

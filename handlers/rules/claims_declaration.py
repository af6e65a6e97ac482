"""Level 3 for a 323 as a whole: its DeclaratieNummer (TR333) and DeclaratiePeriode (TR318).

A failure rejects the declaration: its code goes on the DeclaratieAntwoord and nothing is awarded.
"""

from __future__ import annotations

from datetime import date

from handlers.claims import ClaimState
from handlers.findings import CROSS_MESSAGE, Finding
from handlers.messages import DeclaratieBericht
from handlers.rules.claims_base import CREDIT
from handlers.rules.registry import rule


def _declaratie_finding(code: str, retourcode: str, msg: DeclaratieBericht, text: str) -> list[Finding]:
    return [Finding(CROSS_MESSAGE, code, retourcode, msg.declaratie.xpath, text)]


@rule(
    "TR333",
    level=CROSS_MESSAGE,
    retourcode="9333",
    messages=(323,),
    summary="DeclaratieNummer is unique for the aanbieder within the domain",
)
async def tr333_declaratienummer_unique(msg: DeclaratieBericht, state: ClaimState) -> list[Finding]:
    nummer = msg.declaratie.declaratienummer
    if await state.declaration_number_used(msg.meta.standard, msg.header.afzender, nummer):
        return _declaratie_finding("TR333", "9333", msg, f"DeclaratieNummer {nummer} was already used")
    return []


def _month(day: date) -> int:
    return day.year * 12 + day.month - 1


@rule(
    "TR318",
    level=CROSS_MESSAGE,
    retourcode="8214",
    messages=(323,),
    summary="DeclaratiePeriode is the month after the previous one, unless no care was delivered in the "
    "months between (a Prestatie in a skipped month shows it was)",
)
async def tr318_next_period(msg: DeclaratieBericht, state: ClaimState) -> list[Finding]:
    current = msg.declaratie.periode.begindatum
    last = await state.last_declaration_period(msg.meta.standard, msg.header.ontvanger, msg.header.afzender)
    if last is None or current is None:
        return []
    if _month(current) <= _month(last):
        return _declaratie_finding(
            "TR318",
            "8214",
            msg,
            f"DeclaratiePeriode {current:%Y-%m} does not follow the previous one ({last:%Y-%m})",
        )
    skipped = range(_month(last) + 1, _month(current))
    delivered = sorted(
        {
            p.periode.begindatum
            for c in msg.declaratie.clienten
            for p in c.prestaties
            if p.periode.begindatum
            and _month(p.periode.begindatum) in skipped
            and p.ingediend_bedrag.debet_credit != CREDIT
        }
    )
    if delivered:
        return _declaratie_finding(
            "TR318",
            "8214",
            msg,
            f"care was delivered in {delivered[0]:%Y-%m}, a month "
            "between the previous and this DeclaratiePeriode",
        )
    return []

"""319 (antwoordbericht) sent by the municipality: pre-flight, then the answer recorded for the request."""

from __future__ import annotations

from handlers.context import Context
from handlers.messages import AntwoordBericht
from handlers.outcome import Outcome, RecordAnswer, decide
from handlers.rules import cross_message, external
from handlers.state import RequestState


def class_xpaths(msg: AntwoordBericht) -> list[str]:
    antwoord = msg.antwoord
    extra = [antwoord.woonplaatsbeginsel.xpath] if antwoord.woonplaatsbeginsel else []
    return [msg.header.xpath, antwoord.xpath, *extra]


async def handle(msg: AntwoordBericht, state: RequestState, ctx: Context) -> Outcome:
    """VerzoekAntwoord 1 rejects the request, 2 puts it under investigation (still pending, TR374)."""
    findings = [*external.check(msg, ctx), *await cross_message.check_antwoord(msg, state)]
    antwoord = msg.antwoord
    answer = RecordAnswer(
        msg.meta.standard,
        msg.header.afzender,
        msg.header.ontvanger,
        antwoord.referentie_aanbieder,
        antwoord.verzoek_antwoord,
        antwoord.reden_afwijzing,
    )
    return decide(findings, class_xpaths(msg), [answer])

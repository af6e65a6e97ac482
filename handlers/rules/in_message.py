"""Level 2: run every in-message rule (retourcode 0001) that applies to a message's number and standard."""

from __future__ import annotations

from handlers.findings import Finding
from handlers.messages import (
    AntwoordBericht,
    DeclaratieAntwoordBericht,
    DeclaratieBericht,
    Message,
    Start,
    Stop,
    Toewijzing,
    VerzoekToewijzing,
    VerzoekWijziging,
)

# The check modules register their rules on import.
from handlers.rules import (  # noqa: F401
    checks_antwoord,
    checks_client,
    checks_contact,
    checks_dates,
    checks_declaratie,
    checks_keys,
    checks_levering,
    checks_omvang,
    checks_stacking,
    checks_toewijzing,
    checks_verzoek,
)
from handlers.rules.checks_base import RULES

# The message class each checked number must arrive as; the checks rely on it.
CHECKED: dict[int, type] = {
    301: Toewijzing,
    305: Start,
    307: Stop,
    315: VerzoekToewijzing,
    317: VerzoekWijziging,
    319: AntwoordBericht,
    323: DeclaratieBericht,
    325: DeclaratieAntwoordBericht,
}


def check(message: Message) -> list[Finding]:
    """All level-2 findings of one message, rule after rule in registration order; [] when none apply.

    Retour messages (302, 306, ...) have no in-message rules of their own.
    """
    number, standard = message.meta.number, message.meta.standard
    expected = CHECKED.get(number)
    if expected is None:
        return []
    if not isinstance(message, expected):
        raise TypeError(f"message {number} must be a {expected.__name__}, not {type(message).__name__}")
    findings: list[Finding] = []
    for entry in RULES:
        if number in entry.messages and standard in entry.standards:
            findings.extend(entry.run(message))
    return findings

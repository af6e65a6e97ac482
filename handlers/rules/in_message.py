"""Level 2: run every in-message rule (retourcode 0001) that applies to a message's number and standard."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from handlers.findings import Finding
from handlers.messages import Message

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
from handlers.table import BY_NUMBER, Role


def check(message: Message) -> list[Finding]:
    """All level-2 findings of one message, rule after rule in registration order; [] when none apply.

    Retour messages (302, 306, ...) have no in-message rules of their own.
    """
    number, standard = message.meta.number, message.meta.standard
    row = BY_NUMBER.get(number)
    if row is None or row.role is Role.RETOUR:
        return []
    expected = row.message  # the checks rely on it
    if not isinstance(message, expected):
        raise TypeError(f"message {number} must be a {expected.__name__}, not {type(message).__name__}")
    findings: list[Finding] = []
    for run in _rules_for(number, standard):
        findings.extend(run(message))
    return findings


_DISPATCH: dict[tuple[int, str], tuple[Callable[[Any], Iterable[Finding]], ...]] = {}
_INDEXED: list[int] = [0]  # len(RULES) when _DISPATCH was filled; a rule registered later empties it


def _rules_for(number: int, standard: str) -> tuple[Callable[[Any], Iterable[Finding]], ...]:
    """The checks of one message type in registration order, selected from RULES once, not per message."""
    if _INDEXED[0] != len(RULES):
        _DISPATCH.clear()
        _INDEXED[0] = len(RULES)
    found = _DISPATCH.get((number, standard))
    if found is None:
        found = tuple(entry.run for entry in RULES
                      if number in entry.messages and standard in entry.standards)
        _DISPATCH[(number, standard)] = found
    return found

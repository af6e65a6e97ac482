"""The rule catalogue: every rule registers its code, level, retourcode and messages here.

`docs/rules.md` is generated from this catalogue (`python -m handlers.rules.catalogue`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True, slots=True)
class RuleInfo:
    code: str  # official code: TR326, CS002, CD041, ...
    level: int  # 2, 3 or 4
    retourcode: str  # 0001 for level 2; the rule's own code for levels 3 and 4
    messages: frozenset[int]  # heen message numbers it applies to: 301, 305, ...
    summary: str  # one line, our own words
    standards: frozenset[str] = field(default_factory=lambda: frozenset({"iwmo", "ijw"}))
    module: str = ""
    function: str = ""


CATALOGUE: dict[tuple[str, int], RuleInfo] = {}
# Every (module, function) registered per (code, level): one code may be checked in several places.
IMPLEMENTATIONS: dict[tuple[str, int], set[tuple[str, str]]] = {}


def rule(
    code: str,
    *,
    level: int,
    retourcode: str,
    messages: tuple[int, ...],
    summary: str,
    standards: tuple[str, ...] = ("iwmo", "ijw"),
) -> Callable[[F], F]:
    """Register the decorated check under its official code (one entry per code and level)."""

    def register(func: F) -> F:
        info = RuleInfo(code, level, retourcode, frozenset(messages), summary, frozenset(standards),
                        func.__module__, func.__qualname__)
        IMPLEMENTATIONS.setdefault((code, level), set()).add((info.module, info.function))
        existing = CATALOGUE.get((code, level))
        if existing is not None and (existing.module, existing.function) != (info.module, info.function):
            # One code may be checked by several functions (e.g. per message type): merge the messages.
            # The first by module and name gives the summary, whatever the import order was.
            first = min(existing, info, key=lambda item: (item.module, item.function))
            info = RuleInfo(code, level, retourcode, existing.messages | info.messages, first.summary,
                            existing.standards | info.standards, first.module, first.function)
        CATALOGUE[(code, level)] = info
        return func

    return register

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
        existing = CATALOGUE.get((code, level))
        if existing is not None and existing.function != info.function:
            # One code may be checked by several functions (e.g. per message type): merge the messages.
            info = RuleInfo(code, level, retourcode, existing.messages | info.messages, existing.summary,
                            existing.standards | info.standards, existing.module,
                            f"{existing.function}, {info.function}")
        CATALOGUE[(code, level)] = info
        return func

    return register

"""Flags of a household (1 huishouden, 1 plan): many providers at once, or care under both laws."""

from __future__ import annotations

from collections.abc import Iterable

MANY_PROVIDERS = 3  # this many different providers at one address asks for one plan


def flags(allocations: Iterable[tuple[str, str]]) -> list[str]:
    """Dutch flags for (standard, provider) pairs of a household's running allocations."""
    pairs = list(allocations)
    found = []
    providers = {provider for _, provider in pairs}
    if len(providers) >= MANY_PROVIDERS:
        found.append(f"{len(providers)} aanbieders")
    if {standard for standard, _ in pairs} >= {"iwmo", "ijw"}:
        found.append("Wmo en Jeugd")
    return found

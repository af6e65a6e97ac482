"""Level 2: no stacking in one message: one product twice in overlapping periods (TR302, TR386, TR410)."""

# "Same product": same Categorie and Code; when a Code is missing, the same Categorie; a line without Product
# (generic, budget only) overlaps with every other line. The provider is the same by construction (one
# Ontvanger/Afzender per message). iWmo only: products of categorie 11-14 (hulpmiddelen) may overlap, also
# with a line without Product. TR302: deleted toewijzingen (Einddatum = Ingangsdatum with RedenWijziging 13,
# or the retired 01) are not current and take no part. Periods are closed intervals; an empty Einddatum is
# open-ended.

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date

from handlers.findings import Finding
from handlers.messages import Product, Toewijzing, VerzoekToewijzing, VerzoekWijziging
from handlers.rules.checks_base import (
    ProductLine,
    at,
    finding,
    in_message,
    nieuw_lines,
    show_product,
    toewijzing_lines,
    verzoek_toewijzing_lines,
)

HULPMIDDELEN = frozenset({"11", "12", "13", "14"})  # iWmo categories that may stack


def same_product(a: Product | None, b: Product | None) -> bool:
    """Whether two lines count as the same product for stacking."""
    if a is None or b is None:
        return True
    if a.categorie != b.categorie:
        return False
    return a.code is None or b.code is None or a.code == b.code


def may_stack(a: Product | None, b: Product | None, standard: str) -> bool:
    """The iWmo exception for hulpmiddelen (categories 11-14)."""
    return standard == "iwmo" and any(p is not None and p.categorie in HULPMIDDELEN for p in (a, b))


def overlap(a: ProductLine, b: ProductLine) -> bool:
    return a.start <= (b.end or date.max) and b.start <= (a.end or date.max)


def _stacked(code: str, start_element: str, lines: Sequence[ProductLine], standard: str) -> Iterator[Finding]:
    """One finding per line that overlaps an earlier line of the same product, at the later line's start."""
    for index, later in enumerate(lines):
        for earlier in lines[:index]:
            if overlap(earlier, later) and same_product(earlier.product, later.product) \
                    and not may_stack(earlier.product, later.product, standard):
                yield finding(code, at(later.xpath, start_element),
                              f"{later.label} ({show_product(later.product)}) overlaps {earlier.label} "
                              f"({show_product(earlier.product)}) from {max(earlier.start, later.start)}.")
                break


@in_message("TR302", messages=(301,),
            summary="A product may occur more than once in a 301 only with non-overlapping periods (deleted "
                    "toewijzingen ignored; iWmo: categories 11-14 may overlap).")
def tr302_toewijzing_stacking(message: Toewijzing) -> Iterator[Finding]:
    current = [line for line in toewijzing_lines(message) if not line.deleted]
    yield from _stacked("TR302", "Ingangsdatum", current, message.meta.standard)


@in_message("TR386", messages=(315,),
            summary="A product may occur more than once in a 315 only with non-overlapping periods (iWmo: "
                    "categories 11-14 may overlap).")
def tr386_verzoek_stacking(message: VerzoekToewijzing) -> Iterator[Finding]:
    lines = verzoek_toewijzing_lines(message)
    yield from _stacked("TR386", "ToewijzingIngangsdatum", lines, message.meta.standard)


@in_message("TR410", messages=(317,),
            summary="A product may occur more than once among the NieuweProducten of a 317 only with "
                    "non-overlapping periods (iWmo: categories 11-14 may overlap).")
def tr410_nieuw_stacking(message: VerzoekWijziging) -> Iterator[Finding]:
    yield from _stacked("TR410", "GewensteIngangsdatum", nieuw_lines(message), message.meta.standard)

"""Small groups: what an analyst sees never describes fewer clients than the minimum group size.

A figure about one or a few people can identify them (the only client in a postcode area with a
given product). For the analyst role every cell that counts fewer than `min_group_size` (setting
`ISTD_WEB__MIN_GROUP_SIZE`, default 5) is withheld: its figures become None and the row says
`suppressed`; pages and CSV show "< 5". A count of zero is no person and stays. Teams see their
own clients anyway and get the figures unchanged. The wijkanalyse, with totals beside its cells,
withholds complements too (handlers.insight.area_table.suppress).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from gateway.web.api_models import ClaimedGroupItem, RankItem, UsageGroupItem, WaitItem

WAIT_FIGURES = {"count": None, "p50": None, "p90": None, "max": None}


def label(minimum: int) -> str:
    return f"< {minimum}"


def _small(count: int | None, minimum: int) -> bool:
    return count is not None and 0 < count < minimum


def waits(items: list[tuple[WaitItem, int]], minimum: int) -> list[WaitItem]:
    """Waiting-time cells, each with its distinct clients: a cell of few clients loses every figure.

    Clients, not waits: five waits of one client in a month describe that one client.
    """
    return [item.model_copy(update={**WAIT_FIGURES, "suppressed": True}) if _small(clients, minimum)
            else item for item, clients in items]


def ranks(items: list[tuple[RankItem, int]], minimum: int) -> list[RankItem]:
    """Ranking rows, each with its distinct clients: withheld like `waits`."""
    return [item.model_copy(update={**WAIT_FIGURES, "suppressed": True}) if _small(clients, minimum)
            else item for item, clients in items]


def usage(groups: list[UsageGroupItem], clients: dict[tuple[str, str], int],
          minimum: int) -> list[UsageGroupItem]:
    """A group of few clients loses every figure; a small never-started count in a large one that count.

    `clients`: distinct clients per (provider, category); several allocations can be one client's.
    """
    shown = []
    for group in groups:
        if _small(clients.get((group.provider, group.category), 0), minimum):
            shown.append(group.model_copy(update={
                "allocations": None, "never_started": None, "never_started_share": None,
                "allocated_days": None, "delivered_days": None, "ratio": None, "suppressed": True}))
        elif _small(group.never_started, minimum):
            shown.append(group.model_copy(update={"never_started": None, "never_started_share": None}))
        else:
            shown.append(group)
    return shown


CLAIMED_FIGURES = {"allocations": None, "started": None, "allocated_volume": None, "declared_volume": None,
                   "awarded_volume": None, "declared_amount": None, "awarded_amount": None, "share": None}


def claimed(groups: list[tuple[ClaimedGroupItem, int]], minimum: int) -> list[ClaimedGroupItem]:
    """Claimed-usage groups (each with its distinct clients): a group of few clients loses every figure."""
    return [item.model_copy(update={**CLAIMED_FIGURES, "suppressed": True}) if _small(clients, minimum)
            else item for item, clients in groups]


def csv_rows(items: Sequence[Any], header: Sequence[str], minimum: int) -> list[list[Any]]:
    """Rows for a CSV export: a withheld figure is written as "< 5", not left empty."""
    rows = []
    for item in items:
        withheld = getattr(item, "suppressed", False)
        rows.append([label(minimum) if getattr(item, h) is None
                     and (withheld or h.startswith("never_started")) else getattr(item, h) for h in header])
    return rows

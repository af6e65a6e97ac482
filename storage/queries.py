"""Read models over the register for people: which allocations run on a date, and how delivery stands.

Shared by `istd allocations` and the web pages. An allocation runs on DATE when its current version
(IV013) has Ingangsdatum ≤ DATE, Einddatum empty or ≥ DATE, and is not deleted (RedenWijziging 13).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AllocationRow, AllocationVersionRow, ClientRow, DeliveryRow

TEMPORARY = "20"


@dataclass(frozen=True, slots=True)
class RunningAllocation:
    """One running allocation; `delivery` (not_started, started, stopped_temporarily, stopped) on the date."""

    standard: str
    gemeente: str
    aanbieder: str
    toewijzingnummer: int
    bsn: str
    client_public_id: str
    product_categorie: str | None
    product_code: str | None
    ingangsdatum: date
    einddatum: date | None
    delivery: str
    begindatum: date | None


def delivery_on(rows: list[DeliveryRow], on: date) -> tuple[str, date | None]:
    """How delivery stands on `on`: the latest start begun by then, and whether its stops have ended it."""
    starts = [r for r in rows if r.kind == "start" and r.begindatum <= on]
    if not starts:
        return "not_started", None
    begin = max(r.begindatum for r in starts)
    ended = [
        r for r in rows if r.kind == "stop" and r.begindatum == begin and r.einddatum and r.einddatum < on
    ]
    if any(r.reden_beeindiging != TEMPORARY for r in ended):
        return "stopped", begin
    return ("stopped_temporarily" if ended else "started"), begin


async def _deliveries(
    session: AsyncSession, keys: set[tuple[str, str, int]]
) -> dict[tuple[str, str, int], list[DeliveryRow]]:
    """Active deliveries of the given allocations, in one query per standard and gemeente."""
    found: dict[tuple[str, str, int], list[DeliveryRow]] = defaultdict(list)
    groups: dict[tuple[str, str], set[int]] = defaultdict(set)
    for standard, gemeente, number in keys:
        groups[(standard, gemeente)].add(number)
    for (standard, gemeente), numbers in groups.items():
        query = select(DeliveryRow).where(
            DeliveryRow.standard == standard,
            DeliveryRow.gemeente == gemeente,
            DeliveryRow.toewijzingnummer.in_(numbers),
            DeliveryRow.removed_by_message_id.is_(None),
        )
        for row in (await session.scalars(query)).all():
            found[(standard, gemeente, int(row.toewijzingnummer or 0))].append(row)
    return found


async def running_allocations(session: AsyncSession, on: date) -> list[RunningAllocation]:
    """The allocations running on `on`, ordered by standard, gemeente, aanbieder, toewijzingnummer."""
    query = (
        select(AllocationRow, AllocationVersionRow, ClientRow)
        .join(AllocationVersionRow, AllocationVersionRow.allocation_id == AllocationRow.id)
        .join(ClientRow, ClientRow.id == AllocationVersionRow.client_id)
        .where(
            AllocationVersionRow.is_current.is_(True),
            AllocationVersionRow.deleted.is_(False),
            AllocationVersionRow.ingangsdatum <= on,
            or_(AllocationVersionRow.einddatum.is_(None), AllocationVersionRow.einddatum >= on),
        )
        .order_by(
            AllocationRow.standard,
            AllocationRow.gemeente,
            AllocationVersionRow.aanbieder,
            AllocationRow.toewijzingnummer,
        )
    )
    rows = (await session.execute(query)).all()
    deliveries = await _deliveries(
        session, {(a.standard, a.gemeente, a.toewijzingnummer) for a, _, _ in rows}
    )
    result = []
    for allocation, version, client in rows:
        own = [
            d
            for d in deliveries[(allocation.standard, allocation.gemeente, allocation.toewijzingnummer)]
            if d.aanbieder == version.aanbieder and d.client_id == client.id
        ]
        state, begin = delivery_on(own, on)
        result.append(
            RunningAllocation(
                allocation.standard,
                allocation.gemeente,
                version.aanbieder,
                allocation.toewijzingnummer,
                client.bsn,
                client.public_id,
                version.product_categorie,
                version.product_code,
                version.ingangsdatum,
                version.einddatum,
                state,
                begin,
            )
        )
    return result

"""Bulk writes of a batch: id reservation and one executemany per table and kind of change.

Ids: on PostgreSQL drawn from the table's own sequence (`nextval`, so concurrent workers and ORM
inserts never collide); on SQLite the next ids after the table's maximum, which is safe because
SQLite has one writer and the worker serialises its writers (gateway.worker.app's write lock).
New rows are inserted in creation order, so the ids the database gives them keep that order.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import JSON, Table, bindparam, insert, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.batch.load import ANSWER_FIELDS, DELIVERY_FIELDS, REQUEST_FIELDS, VERSION_FIELDS
from storage.batch.rows import DeliveryRec, RequestRec, VersionRec
from storage.batch.snapshot import Snapshot
from storage.client_areas import ClientArea, upsert_areas
from storage.models import (
    AllocationRow,
    AllocationVersionRow,
    AnswerRow,
    ClientRow,
    DeliveryRow,
    MessageRow,
    OutboxRow,
    RequestRow,
    RetourRow,
)

TABLES: dict[str, Table] = {
    "messages": MessageRow.__table__,  # type: ignore[dict-item]
    "clients": ClientRow.__table__,  # type: ignore[dict-item]
    "allocations": AllocationRow.__table__,  # type: ignore[dict-item]
}
_Rec = TypeVar("_Rec", VersionRec, DeliveryRec, RequestRec)
RESERVED = "istd_reserved_ids"  # session.info key: SQLite ids handed out but not inserted yet


async def reserve_ids(session: AsyncSession, table: str, count: int) -> list[int]:
    """`count` unused ids of `table` ("messages", "clients" or "allocations"), ascending."""
    if count <= 0:
        return []
    if table not in TABLES:
        raise ValueError(f"no id reservation for table {table!r}")
    if session.get_bind().dialect.name == "postgresql":
        query = text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :count)")
        return sorted((await session.execute(query, {"table": table, "count": count})).scalars())
    handed: dict[str, int] = session.info.setdefault(RESERVED, {})
    highest = await session.scalar(text(f"SELECT coalesce(max(id), 0) FROM {table}"))  # noqa: S608 - fixed names
    first = max(int(highest or 0), handed.get(table, 0)) + 1
    handed[table] = first + count - 1
    return list(range(first, first + count))


async def _insert(session: AsyncSession, table: Any, rows: list[dict[str, Any]]) -> None:
    """PostgreSQL: binary COPY (one round trip, no per-row statement); elsewhere an executemany."""
    if not rows:
        return
    if session.get_bind().dialect.name != "postgresql":
        await session.execute(insert(table), rows)
        return
    columns = list(rows[0])
    as_json = {name for name in columns if isinstance(table.c[name].type, JSON)}
    records = [tuple(json.dumps(row[c]) if c in as_json else row[c] for c in columns) for row in rows]
    driver = (await (await session.connection()).get_raw_connection()).driver_connection
    assert driver is not None  # an open connection in the batch transaction
    await driver.copy_records_to_table(table.name, records=records, columns=columns)


async def _update(
    session: AsyncSession, table: Any, columns: tuple[str, ...], rows: list[dict[str, Any]]
) -> None:
    if rows:
        statement = (
            update(table)
            .where(table.c.id == bindparam("row_id"))
            .values({name: bindparam(f"new_{name}") for name in columns})
        )
        await session.execute(statement, rows)


def _changes(row_id: int | None, values: dict[str, Any]) -> dict[str, Any]:
    return {"row_id": row_id, **{f"new_{name}": value for name, value in values.items()}}


async def write_snapshot(
    session: AsyncSession,
    snap: Snapshot,
    messages: list[dict[str, Any]],
    retours: list[dict[str, Any]],
    outbox: list[dict[str, Any]],
) -> None:
    """Everything the batch created or changed, parents before children."""
    await _insert(session, MessageRow.__table__, messages)
    await _write_clients(session, snap)
    await _write_client_areas(session, snap)
    await _write_allocations(session, snap)
    await _write_deliveries(session, snap)
    await _write_requests(session, snap)
    answers = sorted(
        (a for rows in snap.answers_by_ref.values() for a in rows if not a.stored), key=lambda a: a.order
    )
    await _insert(session, AnswerRow.__table__, [{f: getattr(a, f) for f in ANSWER_FIELDS} for a in answers])
    await _insert(session, RetourRow.__table__, retours)
    await _insert(session, OutboxRow.__table__, outbox)
    session.info.pop(RESERVED, None)  # SQLite: every id handed out is now in its table


async def _write_clients(session: AsyncSession, snap: Snapshot) -> None:
    new = [c for c in snap.clients.values() if c.id is None]
    for client, row_id in zip(new, await reserve_ids(session, "clients", len(new)), strict=True):
        client.id = row_id
    await _insert(
        session,
        ClientRow.__table__,
        [{"id": c.id, "bsn": c.bsn, "public_id": c.public_id, **c.values} for c in new],
    )
    changed = [c for c in snap.clients.values() if c.dirty]
    if changed:
        columns = tuple(changed[0].values)
        await _update(session, ClientRow.__table__, columns, [_changes(c.id, c.values) for c in changed])


async def _write_client_areas(session: AsyncSession, snap: Snapshot) -> None:
    areas = [ClientArea(_id(snap.clients[bsn].id), gemeente, *facts)
             for (bsn, gemeente), facts in snap.client_areas.items()]
    await upsert_areas(session, sorted(areas, key=lambda a: (a.client_id, a.gemeente)))
    snap.client_areas.clear()


def _id(row_id: int | None) -> int:
    assert row_id is not None  # every client has its id once _write_clients ran
    return row_id


async def _write_allocations(session: AsyncSession, snap: Snapshot) -> None:
    new = [a for a in snap.allocations.values() if a.id is None]
    for alloc, row_id in zip(new, await reserve_ids(session, "allocations", len(new)), strict=True):
        alloc.id = row_id
    await _insert(
        session,
        AllocationRow.__table__,
        [
            {
                "id": a.id,
                "standard": a.standard,
                "gemeente": a.gemeente,
                "toewijzingnummer": a.toewijzingnummer,
            }
            for a in new
        ],
    )
    versions = [v for a in snap.allocations.values() for v in a.versions]
    await _write_rows(
        session,
        AllocationVersionRow.__table__,
        versions,
        VERSION_FIELDS,
        ("is_current",),
        lambda v: {"allocation_id": v.alloc.id, "client_id": v.client.id},
    )


async def _write_deliveries(session: AsyncSession, snap: Snapshot) -> None:
    rows = [d for ds in snap.deliveries_of_client.values() for d in ds]
    await _write_rows(
        session,
        DeliveryRow.__table__,
        rows,
        DELIVERY_FIELDS,
        ("removed_by_message_id",),
        lambda d: {"client_id": d.client.id},
    )


async def _write_requests(session: AsyncSession, snap: Snapshot) -> None:
    rows = [r for rs in snap.requests_of_client.values() for r in rs]
    await _write_rows(
        session,
        RequestRow.__table__,
        rows,
        REQUEST_FIELDS,
        ("state", "honoured_by_message_id"),
        lambda r: {"client_id": r.client.id},
    )


async def _write_rows(
    session: AsyncSession,
    table: Any,
    rows: list[_Rec],
    fields: tuple[str, ...],
    changed: tuple[str, ...],
    parents: Callable[[_Rec], dict[str, Any]],
) -> None:
    """Insert the rows the batch created (in creation order: their ids keep it) with their parents' ids
    and `fields`, then update the `changed` columns of the stored rows the batch marked dirty."""
    created = sorted((r for r in rows if not r.stored), key=lambda r: r.order)
    await _insert(session, table, [{**parents(r), **{f: getattr(r, f) for f in fields}} for r in created])
    updates = [_changes(r.order, {c: getattr(r, c) for c in changed}) for r in rows if r.dirty]
    await _update(session, table, changed, updates)

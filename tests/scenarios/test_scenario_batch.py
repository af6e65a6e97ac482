"""The batch path (`Processor.process_batch`) leaves exactly the register the one-message path leaves.

A stream of dependent messages per client (VOT, the 301 that honours it, starts, a removal, a stop,
a VOW, answers, a changed 301, duplicates, bytes that are not XML, a received 302 that accepts and
one that rejects a 301) goes once through `process` (one transaction per message) and once through
`process_batch` in chunks of several sizes, each on a fresh database; every table is dumped and
compared row by row, ids included, and so are the per-message results.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import pytest
from sqlalchemy import text

from gateway.codec import build_retour, parse
from gateway.processing.batch import BatchItem
from gateway.processing.processed import Processed
from gateway.processing.processor import Processor
from gateway.settings import Settings
from storage.engine import create_engine, ensure_migrated, session_factory
from storage.unit_of_work import unit_of_work
from tests.kit.xml_messages import (
    Assigned,
    Change,
    Delivery,
    Idents,
    antwoord,
    start,
    stop,
    toewijzing,
    vot,
    vow,
)

DAG, TODAY = date(2024, 3, 1), date(2024, 3, 4)
BSNS = ["999900006", "999900018", "999900031", "999900043"]  # 11-proof test BSNs
TABLES = {  # table -> columns left out of the comparison (random by design)
    "messages": (),
    "clients": ("public_id",),
    "allocations": (),
    "allocation_versions": (),
    "deliveries": (),
    "requests": (),
    "answers": (),
    "retours": (),
    "outbox": (),
    "client_areas": (),
}
ORDER = {"client_areas": "client_id, gemeente"}  # the other tables by id
START = date(2024, 4, 1)


def _client_case(i: int, standard: str, bsn: str, ident: Idents) -> list[bytes]:
    nr, begin = 2000 + i, Delivery(2000 + i, START)
    return [
        vot(standard, ident(), DAG, f"VOT-{i}", bsn=bsn),
        toewijzing(standard, ident(), DAG, Assigned(nr, START, date(2024, 12, 31), ref=f"VOT-{i}"), bsn=bsn),
        start(standard, ident(), DAG, begin, bsn=bsn),
        start(standard, ident(), DAG, begin, bsn=bsn),  # the same start again
        start(standard, ident(), DAG, Delivery(2000 + i, START, status="3"), bsn=bsn),  # removed
        start(standard, ident(), DAG, begin, bsn=bsn),
        stop(standard, ident(), DAG, Delivery(nr, START, reden="02", einde=date(2024, 6, 30)), bsn=bsn),
        vow(standard, ident(), DAG, f"VOW-{i}", changes=(Change(nr, date(2024, 5, 1)),), bsn=bsn),
        antwoord(standard, ident(), DAG, f"VOW-{i}", answer="2"),
        antwoord(standard, ident(), DAG, f"VOW-{i}", answer="1"),
        toewijzing(
            standard,
            ident(),
            DAG,
            Assigned(nr, START, date(2024, 9, 30), datum=date(2024, 2, 1), volume=4),
            bsn=bsn,
        ),
        vot(standard, ident(), DAG, f"VOT-{i}-b", bsn=bsn),
    ]


def _retour_for(heen: bytes, ident: str, codes: list[str]) -> bytes:
    return build_retour(
        parse(heen, max_bytes=1 << 20),
        identificatie_retour=ident,
        dagtekening_retour=TODAY,
        header_codes=codes,
        class_codes=None,
    )


def stream() -> list[bytes]:
    ident, bodies = Idents(), []
    for i, bsn in enumerate(BSNS):
        bodies += _client_case(i, "iwmo" if i % 2 == 0 else "ijw", bsn, ident)
    first_301, other_301 = bodies[1], bodies[12 + 1]
    bodies[20:20] = [
        bodies[0],  # a redelivery: same bytes
        b"this is not XML",
        _retour_for(first_301, "RX1", []),  # the provider accepts
        _retour_for(other_301, "RX2", ["0001"]),  # the provider rejects: its versions stop counting
        bodies[5],
    ]
    return bodies


async def _fresh(database_url: str, tmp_path: Path, run: str) -> str:
    if database_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / f'{run}.sqlite3'}"
    connection = await asyncpg.connect(database_url)
    try:
        await connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    finally:
        await connection.close()
    return database_url


def _received(index: int) -> datetime:
    return datetime(2024, 3, 4, 9, 0, tzinfo=UTC) + timedelta(seconds=index)


async def _run(
    url: str, bodies: Sequence[bytes], chunk: int | None
) -> tuple[list[Processed], dict[str, Any]]:
    engine = create_engine(url)
    await ensure_migrated(engine)
    processor, results = Processor(Settings()), []
    sessions = session_factory(engine)
    try:
        if chunk is None:
            for i, body in enumerate(bodies):
                async with unit_of_work(sessions) as session:
                    results.append(
                        await processor.process(session, body, received_at=_received(i), today=TODAY)
                    )
        else:
            for at in range(0, len(bodies), chunk):
                items = [BatchItem(b, _received(at + j)) for j, b in enumerate(bodies[at : at + chunk])]
                async with unit_of_work(sessions) as session:
                    results += await processor.process_batch(session, items, TODAY)
        return results, await _dump(engine)
    finally:
        await engine.dispose()


async def _dump(engine: Any) -> dict[str, Any]:
    dump = {}
    async with engine.connect() as connection:
        for table, skipped in TABLES.items():
            query = text(f"SELECT * FROM {table} ORDER BY {ORDER.get(table, 'id')}")
            rows = (await connection.execute(query)).mappings().all()
            dump[table] = [{k: v for k, v in row.items() if k not in skipped} for row in rows]
    return dump


@pytest.mark.parametrize("chunk", [1, 7, 100])
async def test_batches_leave_the_register_the_one_message_path_leaves(
    database_url: str, tmp_path: Path, chunk: int
) -> None:
    bodies = stream()
    single, expected = await _run(await _fresh(database_url, tmp_path, "single"), bodies, None)
    batched, dump = await _run(await _fresh(database_url, tmp_path, "batch"), bodies, chunk)
    outcomes = {r.outcome for r in single}
    assert {"accepted", "rejected", "recorded", "duplicate", "invalid", "paired"} <= outcomes
    assert [r.outcome for r in batched] == [r.outcome for r in single]
    assert batched == single
    assert sum(len(rows) for rows in expected.values()) > 150
    assert len(expected["client_areas"]) == len(BSNS)  # each client's 301s: one gemeente
    for table in TABLES:
        assert dump[table] == expected[table], table

"""`istd purge --older-than 24m` on SQLite and PostgreSQL: raw XML and quoting texts gone, register intact."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text, update
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.cli.main import main
from gateway.processing.processor import Processor
from gateway.settings import Settings
from storage.engine import session_factory
from storage.models import OutboxRow
from storage.retention import REMOVED, cutoff, parse_period
from tests.kit.examples import example

ORDER = ("301", "305", "307", "315", "317", "319", "323")  # the story of the shipped examples
REGISTER = ("clients", "allocations", "allocation_versions", "deliveries", "requests", "answers", "retours")
METADATA = (
    "id, sha256, standard, message_name, sender, receiver, identificatie, dagtekening, direction, status"
)
NOW = datetime.now(UTC)
OLD = NOW - timedelta(days=3 * 365)


def _body(number: str, marker: bytes = b"") -> bytes:
    body = example(f"WMO{number}")
    head, _, rest = body.partition(b"?>")
    return head + b"?>" + marker + rest


async def _ingest(engine: AsyncEngine, bodies: list[bytes], received_at: datetime) -> None:
    processor = Processor(Settings())
    sessions = session_factory(engine)
    for body in bodies:
        async with sessions() as session, session.begin():
            await processor.process(session, body, received_at=received_at, today=date(2025, 3, 20))
    async with sessions() as session, session.begin():  # the relay published everything
        await session.execute(update(OutboxRow).values(published_at=NOW))


async def _rows(engine: AsyncEngine, sql: str) -> list[tuple[Any, ...]]:
    async with engine.connect() as connection:
        return [tuple(row) for row in (await connection.execute(text(sql))).all()]


async def _register(engine: AsyncEngine) -> dict[str, list[tuple[Any, ...]]]:
    snapshot = {table: await _rows(engine, f"SELECT * FROM {table} ORDER BY id") for table in REGISTER}
    snapshot["messages"] = await _rows(engine, f"SELECT {METADATA} FROM messages ORDER BY id")
    return snapshot


async def _old_bytes(engine: AsyncEngine) -> bytes:
    """Everything stored before the cut-off that could carry personal data: raw XML, outbox bodies, texts."""
    raws = await _rows(engine, "SELECT raw FROM messages WHERE received_at < '2025-01-01'")
    bodies = await _rows(engine, "SELECT body FROM outbox WHERE created_at < '2025-01-01'")
    return b"".join(bytes(value) for (value,) in raws + bodies)


async def _purge(url: str, *extra: str) -> int:
    return await asyncio.to_thread(main, ["purge", "--older-than", "24m", "--database", url, *extra])


async def test_purge_removes_old_raw_xml_and_keeps_the_register(
    engine: AsyncEngine, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    old = [_body(n) for n in ORDER] + [
        _body("305", b"<!--xsd-invalid-->").replace(b"<wmo305:Client>", b"<x/>")
    ]
    recent = _body("305", b"<!--recent-->")
    await _ingest(engine, old, OLD)
    await _ingest(engine, [recent], NOW)
    bsns = {m for body in old for m in re.findall(rb"Bsn>(\d{9})<", body)}
    assert bsns
    stored = await _old_bytes(engine)
    assert all(bsn in stored for bsn in bsns)  # the check below can see them
    register = await _register(engine)
    due = len(await _rows(engine, "SELECT id FROM messages WHERE received_at < '2025-01-01'"))

    assert await _purge(database_url, "--dry-run") == 0
    assert f"would remove the raw XML of {due} message(s)" in capsys.readouterr().out
    assert await _rows(engine, "SELECT count(*) FROM messages WHERE purged_at IS NOT NULL") == [(0,)]

    assert await _purge(database_url) == 0
    assert f"removed the raw XML of {due} message(s)" in capsys.readouterr().out
    assert await _register(engine) == register  # register and message metadata untouched
    purged = await _rows(
        engine, "SELECT raw, findings, purged_at FROM messages WHERE received_at < '2025-01-01'"
    )
    assert all(bytes(raw) == b"" and when is not None for raw, _, when in purged)
    # Raw SQL: SQLite hands JSON back as text, PostgreSQL (asyncpg) as text or a list.
    findings = [f for _, found, _ in purged for f in (json.loads(found) if isinstance(found, str) else found)]
    assert findings  # the XSD-invalid 305 had findings: codes and xpaths stay, texts go
    assert all(f["text"] == REMOVED and f["code"] and f["xpath"] for f in findings)
    kept = await _rows(
        engine, "SELECT raw FROM messages WHERE received_at > '2025-01-01' AND direction = 'in'"
    )
    assert [bytes(raw) for (raw,) in kept] == [recent]
    assert await _old_bytes(engine) == b""

    assert await _purge(database_url) == 0  # nothing left to do
    assert "removed the raw XML of 0 message(s)" in capsys.readouterr().out


def test_periods_are_months_or_days() -> None:
    now = datetime(2026, 3, 31, 12, tzinfo=UTC)
    assert cutoff(now, "24m") == datetime(2024, 3, 31, 12, tzinfo=UTC)
    assert cutoff(now, "1m") == datetime(2026, 2, 28, 12, tzinfo=UTC)  # clamped to February's length
    assert cutoff(now, "90d") == now - timedelta(days=90)
    for wrong in ("24", "0m", "2y", "-3d", ""):
        with pytest.raises(ValueError, match="months or days"):
            parse_period(wrong)


def test_a_wrong_period_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["purge", "--older-than", "2y", "--database", "sqlite:///unused.sqlite3"]) == 2
    assert "use a positive number of months or days" in capsys.readouterr().err

"""Retention: remove the raw XML of old messages (and what could quote it), keeping the register.

A message's raw bytes carry the client's BSN, name and address; after the retention period only the
register needs to remain (allocations, deliveries, requests, answers, retour pairings, and each
message's metadata: type, parties, Identificatie, status, codes). So `purge` empties, for every message
received before the cut-off:

    messages.raw ......... to b"" and sets `purged_at` (the row, its sha256 and metadata stay)
    messages.findings .... the `text` of each finding (XSD texts quote values); code, level, xpath and
                           line stay
    outbox.body .......... of rows already published (a retour or forwarded 301 is the message's
                           XML; an error report quotes findings); unpublished rows are still owed

It works in chunks, one transaction each, so a long purge never holds one huge transaction.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import MessageRow, OutboxRow

CHUNK = 500
REMOVED = "(text removed by retention purge)"
_PERIOD = re.compile(r"^\s*(\d+)\s*([md])\s*$")


@dataclass(frozen=True, slots=True)
class PurgeCounts:
    messages: int
    outbox: int
    raw_bytes: int


def parse_period(text: str) -> tuple[int, str]:
    """`24m` -> (24, "m") months, `90d` -> (90, "d") days; anything else is a ValueError."""
    match = _PERIOD.match(text)
    if not match or int(match.group(1)) <= 0:
        raise ValueError(f"period {text!r}: use a positive number of months or days, e.g. 24m or 90d")
    return int(match.group(1)), match.group(2)


def cutoff(now: datetime, period: str) -> datetime:
    """`now` minus the period; months are calendar months (the day clamped to the month's length)."""
    amount, unit = parse_period(period)
    if unit == "d":
        return now - timedelta(days=amount)
    months = now.year * 12 + now.month - 1 - amount
    year, month = divmod(months, 12)
    day = min(now.day, calendar.monthrange(year, month + 1)[1])
    return now.replace(year=year, month=month + 1, day=day)


def _due_messages(before: datetime) -> Any:
    return (MessageRow.received_at < before) & MessageRow.purged_at.is_(None)


def _due_outbox(before: datetime) -> Any:
    return (
        (OutboxRow.created_at < before)
        & OutboxRow.published_at.is_not(None)
        & (func.length(OutboxRow.body) > 0)
    )


async def count_due(sessions: async_sessionmaker[AsyncSession], before: datetime) -> PurgeCounts:
    """What `purge` would remove, without changing anything (`--dry-run`)."""
    async with sessions() as session:
        size = func.coalesce(func.sum(func.length(MessageRow.raw)), 0)
        row = (await session.execute(select(func.count(), size).where(_due_messages(before)))).one()
        outbox = await session.scalar(select(func.count()).select_from(OutboxRow).where(_due_outbox(before)))
    return PurgeCounts(int(row[0]), int(outbox or 0), int(row[1]))


def _without_text(findings: list[Any]) -> list[Any]:
    return [{**f, "text": REMOVED} if isinstance(f, dict) and f.get("text") else f for f in findings]


async def _purge_messages(session: AsyncSession, before: datetime, now: datetime) -> tuple[int, int]:
    """One chunk of messages; returns (rows, raw bytes removed)."""
    rows = (
        await session.execute(
            select(MessageRow.id, MessageRow.findings, func.length(MessageRow.raw))
            .where(_due_messages(before))
            .order_by(MessageRow.id)
            .limit(CHUNK)
        )
    ).all()
    if rows:
        changes = [
            {"id": id_, "raw": b"", "findings": _without_text(findings or []), "purged_at": now}
            for id_, findings, _ in rows
        ]
        await session.execute(update(MessageRow), changes)
    return len(rows), sum(int(size or 0) for *_, size in rows)


async def _purge_outbox(session: AsyncSession, before: datetime) -> int:
    ids = (
        await session.scalars(
            select(OutboxRow.id).where(_due_outbox(before)).order_by(OutboxRow.id).limit(CHUNK)
        )
    ).all()
    if ids:
        await session.execute(update(OutboxRow).where(OutboxRow.id.in_(ids)).values(body=b""))
    return len(ids)


async def purge(sessions: async_sessionmaker[AsyncSession], before: datetime, now: datetime) -> PurgeCounts:
    """Remove raw XML received before `before`, chunk by chunk, each chunk committed."""
    messages = outbox = raw_bytes = 0
    while True:
        async with sessions() as session, session.begin():
            count, size = await _purge_messages(session, before, now)
        messages, raw_bytes = messages + count, raw_bytes + size
        if count < CHUNK:
            break
    while True:
        async with sessions() as session, session.begin():
            count = await _purge_outbox(session, before)
        outbox += count
        if count < CHUNK:
            break
    return PurgeCounts(messages, outbox, raw_bytes)

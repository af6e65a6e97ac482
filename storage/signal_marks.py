"""Signals marked handled: written by a team member's form, read beside the computed signals."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.web_models import SignalHandledRow

CHUNK = 500  # keys per IN list: well under SQLite's and asyncpg's parameter limits


async def handled_of(session: AsyncSession, keys: Collection[str]) -> dict[str, SignalHandledRow]:
    """The marks of those among `keys` that were handled."""
    ordered, found = sorted(set(keys)), {}
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start:start + CHUNK]
        found.update({row.key: row for row in await session.scalars(
            select(SignalHandledRow).where(SignalHandledRow.key.in_(chunk)))})
    return found


async def mark_handled(session: AsyncSession, *, key: str, kind: str, gemeente: str | None, subject: str,
                       user_id: int | None, username: str, at: datetime, reason: str) -> bool:
    """Mark once: a second mark of the same signal keeps the first (who handled it first, and why)."""
    if await session.scalar(select(SignalHandledRow.id).where(SignalHandledRow.key == key)) is not None:
        return False
    session.add(SignalHandledRow(key=key, kind=kind, gemeente=gemeente, subject=subject[:100],
                                 user_id=user_id, handled_by=username[:64], handled_at=at, reason=reason))
    await session.flush()
    return True

"""Signals marked handled: written by a team member's form, read beside the computed signals."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.web_models import SignalHandledRow


async def handled_of(session: AsyncSession, keys: Collection[str]) -> dict[str, SignalHandledRow]:
    """The marks of these signals (by key): the rows of one page of signals."""
    if not keys:
        return {}
    query = select(SignalHandledRow).where(SignalHandledRow.key.in_(sorted(set(keys))))
    return {row.key: row for row in await session.scalars(query)}


async def mark_handled(session: AsyncSession, *, key: str, kind: str, gemeente: str | None, subject: str,
                       user_id: int | None, username: str, at: datetime, reason: str) -> bool:
    """Mark once: a second mark of the same signal keeps the first (who handled it first, and why)."""
    if await session.scalar(select(SignalHandledRow.id).where(SignalHandledRow.key == key)) is not None:
        return False
    session.add(SignalHandledRow(key=key, kind=kind, gemeente=gemeente, subject=subject[:100],
                                 user_id=user_id, handled_by=username[:64], handled_at=at, reason=reason))
    await session.flush()
    return True

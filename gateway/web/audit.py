"""The audit log of client views: written before any personal data is shown, read by `istd audit`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.web.accounts import Principal
from storage.web_models import AuditRow

REASON_MAX = 200


async def record_view(session: AsyncSession, who: Principal, client_id: int, view: str, reason: str) -> None:
    """One row per showing: who, when, which client (internal id), which view, why."""
    text = " ".join(reason.split())[:REASON_MAX] or view
    session.add(AuditRow(at=datetime.now(UTC), user_id=who.user_id, username=who.username,
                         client_id=client_id, view=view, reason=text))
    await session.flush()


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: datetime
    username: str
    client_id: int
    view: str
    reason: str


async def entries(session: AsyncSession, *, since: datetime | None = None, username: str | None = None,
                  client_id: int | None = None, limit: int = 1000) -> list[AuditEntry]:
    query = select(AuditRow).order_by(AuditRow.at.desc(), AuditRow.id.desc()).limit(limit)
    if since is not None:
        query = query.where(AuditRow.at >= since)
    if username is not None:
        query = query.where(AuditRow.username == username)
    if client_id is not None:
        query = query.where(AuditRow.client_id == client_id)
    return [AuditEntry(row.at, row.username, row.client_id, row.view, row.reason)
            for row in await session.scalars(query)]

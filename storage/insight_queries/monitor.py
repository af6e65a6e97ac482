"""Berichtenmonitor: recent messages with outcome and retour codes, counts per outcome; no personal data.

Only header facts are read (name, identificatie, parties' AGB/CBS codes, dates, status,
codes): never the raw message, never a finding text, so no BSN or name can leak.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import MessageRow, OutboxRow, RetourRow

PROBLEMS = ("invalid", "rejected", "unmatched")


@dataclass(frozen=True, slots=True)
class MonitorRow:
    message_id: int
    at: datetime
    message_name: str | None
    identificatie: str | None
    sender: str | None
    receiver: str | None
    direction: str
    status: str
    codes: list[str]  # our verdict's codes (the retour we built, or the error report's)
    retour: str | None  # the other side's verdict on our 301/319: accepted | rejected
    retour_codes: list[str]


@dataclass(frozen=True, slots=True)
class Monitor:
    rows: list[MonitorRow]
    by_status: dict[str, int]
    outbox_waiting: int


def _codes(values: object) -> list[str]:
    return [str(v) for v in values] if isinstance(values, list) else []


async def monitor(session: AsyncSession, since: datetime, *, status: str | None = None,
                  limit: int = 200) -> Monitor:
    m, r = MessageRow, RetourRow
    query = (select(m.id, m.received_at, m.message_name, m.identificatie, m.sender, m.receiver, m.direction,
                    m.status, m.codes, m.answer, r.header_codes, r.class_codes)
             .outerjoin(r, (r.heen_message_id == m.id) & (r.direction == "received"))
             .where(m.received_at >= since).order_by(m.received_at.desc(), m.id.desc()).limit(limit))
    if status:
        query = query.where(m.status.in_(PROBLEMS) if status == "problems" else m.status == status)
    rows = []
    for (mid, at, name, ident, sender, receiver, direction, state, codes, answer, header,
         classes) in (await session.execute(query)).all():
        retour_codes = _codes(header) + [c for cs in (classes or {}).values() for c in _codes(cs)]
        rows.append(MonitorRow(mid, at, name, ident, sender, receiver, direction, state, _codes(codes),
                               answer, retour_codes))
    by_status: dict[str, int] = dict((await session.execute(
        select(m.status, func.count()).where(m.received_at >= since).group_by(m.status))).all())
    waiting = await session.scalar(select(func.count()).select_from(OutboxRow)
                                   .where(OutboxRow.published_at.is_(None)))
    return Monitor(rows, by_status, waiting or 0)

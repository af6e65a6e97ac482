"""The audit log: client views, lists that show names, refusals and failed logins; read by `istd audit`.

A row is written before any personal data is shown (client views) or in the same request as the
list it describes. Every row carries the caller's address and a reference to its session or API
token; a list row its filter and row count. Nothing here holds a BSN or a name: a client is its
internal id, and `entries(bsn=...)` finds that id for the searcher.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from fastapi import Request
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.web.accounts import Principal
from storage.models import ClientRow
from storage.unit_of_work import unit_of_work
from storage.web_models import AuditRow

REASON_MAX = 200
FILTER_MAX = 500


def address_of(request: Request) -> str:
    """The peer address as the server sees it (behind a proxy: see docs/operations.md, proxy headers)."""
    return request.client.host if request.client else ""


def _row(who: Principal | None, username: str, request: Request | None, view: str, reason: str,
         **extra: object) -> AuditRow:
    return AuditRow(at=datetime.now(UTC), user_id=who.user_id if who else None, username=username[:64],
                    view=view[:64], reason=" ".join(reason.split())[:REASON_MAX] or view,
                    address=address_of(request)[:64] if request else None,
                    session=who.session if who else None, **extra)


async def record_view(session: AsyncSession, who: Principal, client_id: int, view: str, reason: str,
                      request: Request | None = None) -> None:
    """One row per showing: who, when, which client (internal id), which view, why."""
    session.add(_row(who, who.username, request, view, reason, client_id=client_id))
    await session.flush()


async def record_list(session: AsyncSession, who: Principal, request: Request, view: str,
                      row_count: int, *, reason: str = "lijst", what: str | None = None) -> None:
    """Bulk access: who saw which list with names, under which filter, how many rows.

    Also an action on a list's row (a signal marked handled): `what` names the row, `reason` is why.
    """
    query = (what if what is not None else str(request.url.query))[:FILTER_MAX]
    session.add(_row(who, who.username, request, view, reason, filter=query, row_count=row_count))
    await session.flush()


async def audit_list(request: Request, who: Principal, view: str, row_count: int) -> None:
    """`record_list` in its own transaction, committed before the list is sent."""
    async with unit_of_work(request.app.state.web.sessions) as session:
        await record_list(session, who, request, view, row_count)


async def record_search(session: AsyncSession, who: Principal, request: Request, view: str,
                        kinds: list[str], row_count: int) -> None:
    """A client search: which kinds of term (`bsn,words`), never the terms, and how many clients it showed."""
    session.add(_row(who, who.username, request, view, "zoekopdracht", filter=",".join(kinds)[:FILTER_MAX],
                     row_count=row_count))
    await session.flush()


async def record_refused(session: AsyncSession, who: Principal, request: Request, what: str,
                         client_id: int | None = None) -> None:
    """An authenticated caller asked for something its role or gemeenten do not allow."""
    session.add(_row(who, who.username, request, what, "geweigerd", outcome="refused", client_id=client_id,
                     filter=request.url.path[:FILTER_MAX]))
    await session.flush()


async def record_login(session: AsyncSession, username: str, request: Request, outcome: str) -> None:
    """A failed or throttled login: the name typed (never the password) and the address."""
    session.add(_row(None, username, request, "login", outcome, outcome=outcome))
    await session.flush()


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: datetime
    username: str
    client_id: int | None
    view: str
    reason: str
    outcome: str
    address: str | None
    session: str | None
    filter: str | None
    row_count: int | None


async def entries(session: AsyncSession, *, since: datetime | None = None, username: str | None = None,
                  client_id: int | None = None, bsn: str | None = None,
                  limit: int = 1000) -> list[AuditEntry]:
    query = select(AuditRow).order_by(AuditRow.at.desc(), AuditRow.id.desc()).limit(limit)
    if since is not None:
        query = query.where(AuditRow.at >= since)
    if username is not None:
        query = query.where(AuditRow.username == username)
    if client_id is not None:
        query = query.where(AuditRow.client_id == client_id)
    if bsn is not None:
        query = query.join(ClientRow, ClientRow.id == AuditRow.client_id).where(ClientRow.bsn == bsn)
    return [AuditEntry(row.at, row.username, row.client_id, row.view, row.reason, row.outcome, row.address,
                       row.session, row.filter, row.row_count)
            for row in await session.scalars(query)]

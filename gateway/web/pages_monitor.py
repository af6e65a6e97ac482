"""Berichtenmonitor and health (ops): message outcomes and retour codes, never personal data."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from sqlalchemy import text

from gateway.web.accounts import Principal
from gateway.web.api_models import MessageItem, MonitorResponse
from gateway.web.auth import OPS, web_state
from gateway.web.params import bounded_date
from gateway.web.render import STATUS_NAMES, csv_response, page
from storage.insight_queries.monitor import monitor

router = APIRouter()
Ops = Annotated[Principal, Depends(OPS)]
Days = Annotated[int, Query(ge=1, le=366, description="look back this many days")]
Status = Annotated[str | None, Query(description="an outcome (accepted, rejected, ...) or 'problems'")]
Since = Annotated[date | None, Query(description="from this date instead of `days` back")]


async def monitor_response(request: Request, days: int, status: str | None,
                           start: date | None = None) -> MonitorResponse:
    start = bounded_date(start, "begindatum") if start else None
    since = (datetime(start.year, start.month, start.day, tzinfo=UTC) if start
             else datetime.now(UTC) - timedelta(days=days))
    async with web_state(request).sessions() as session:
        result = await monitor(session, since, status=status)
    items = [MessageItem(at=r.at, message=r.message_name, identificatie=r.identificatie, sender=r.sender,
                         receiver=r.receiver, direction=r.direction, status=r.status, codes=r.codes,
                         retour=r.retour, retour_codes=r.retour_codes) for r in result.rows]
    return MonitorResponse(since=since, by_status=result.by_status, outbox_waiting=result.outbox_waiting,
                           items=items)


@router.get("/berichten", include_in_schema=False)
async def monitor_page(request: Request, _who: Ops, days: Days = 7, status: Status = None,
                       since: Since = None) -> Response:
    result = await monitor_response(request, days, status, since)
    return await page(request, "monitor.html", title="Berichtenmonitor", result=result, days=days,
                      status=status, status_names=STATUS_NAMES)


@router.get("/api/messages", response_model=MonitorResponse, tags=["ops"])
async def monitor_api(request: Request, _who: Ops, days: Days = 7, status: Status = None,
                      since: Since = None) -> MonitorResponse:
    """The latest 200 messages of the period with outcome and codes, and counts per outcome."""
    return await monitor_response(request, days, status, since)


@router.get("/api/messages.csv", tags=["ops"], response_class=Response)
async def monitor_csv(request: Request, _who: Ops, days: Days = 7, status: Status = None,
                      since: Since = None) -> Response:
    header = tuple(MessageItem.model_fields)
    items = (await monitor_response(request, days, status, since)).items
    rows = [[" ".join(v) if isinstance(v, list) else v for v in (getattr(i, h) for h in header)]
            for i in items]
    return await csv_response(request, "berichten.csv", header, rows)


@router.get("/api/health", tags=["ops"])
async def health(request: Request, _who: Ops) -> dict[str, str]:
    """The web app is up and its database answers."""
    async with web_state(request).sessions() as session:
        await session.execute(text("SELECT 1"))
    return {"status": "ok"}

"""Signalen (team): deadlines passed, filtered by kind, provider, client and age; marking one handled.

Handled signals are hidden unless asked for (`afgehandeld=1`). Marking is a same-site POST of the
row's form (CSRF token) with a reason; it names the signal by its parts, the gemeente must be one
of the caller's, and it is written to the audit log. The start page shows the open count per kind.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Query, Request, Response
from fastapi.responses import RedirectResponse

from gateway.web.accounts import Principal
from gateway.web.api_models import SignalItem
from gateway.web.audit import REASON_MAX, audit_list, record_list
from gateway.web.auth import TEAM, check_csrf, web_state
from gateway.web.params import BadParameter, Paging, bounded_date, paging, reference_date, scope_of
from gateway.web.render import csv_response, page
from handlers.insight.signals import RULES, signal_key
from storage.insight_queries.signals import ALL_SIGNALS, KindCount, SignalFilter, SignalRow
from storage.signal_marks import handled_of, mark_handled
from storage.signal_table import LiveTooSlow, refreshed, signal_counts, signal_page
from storage.unit_of_work import unit_of_work
from storage.web_models import SignalHandledRow

router = APIRouter()
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
COUNTS_SECONDS = 120
Team = Annotated[Principal, Depends(TEAM)]
On = Annotated[date, Depends(reference_date)]
Page = Annotated[Paging, Depends(paging)]
# A day other than the refreshed one is computed live, over the whole register: on PostgreSQL at most this
# long, then refused with TOO_SLOW (storage.signal_table).
LIVE_SECONDS = 10.0
TOO_SLOW = ("De signalen van deze dag zijn niet vooraf berekend en het live berekenen duurt te lang: kies de "
            "datum van vandaag, of beperk met een aanbieder of cliënt.")
KIND_NAMES = {"start_missing": "start ontbreekt", "stop_missing": "stop ontbreekt",
              "retour_missing": "retour ontbreekt", "answer_missing": "antwoord ontbreekt",
              "investigation_overdue": "onderzoek te lang",
              "declaration_unanswered": "declaratie-antwoord ontbreekt"}


@dataclass(frozen=True, slots=True)
class Wanted:
    """The page's filters as typed; `signal_filter` turns them into the query's."""

    soort: str | None
    aanbieder: str | None
    client: str | None
    min_leeftijd: int | None
    afgehandeld: bool

    def signal_filter(self, *, with_kind: bool = True) -> SignalFilter:
        kinds = frozenset({self.soort}) if self.soort and with_kind else frozenset()
        return SignalFilter(kinds, self.aanbieder, self.client, self.min_leeftijd)

    def query(self, on: date, **changes: object) -> str:
        values = {"on": on.isoformat(), "soort": self.soort, "aanbieder": self.aanbieder,
                  "client": self.client, "min_leeftijd": self.min_leeftijd,
                  "afgehandeld": "1" if self.afgehandeld else None, **changes}
        return urlencode({k: v for k, v in values.items() if v not in (None, "")})


def wanted(soort: Annotated[str | None, Query(max_length=32)] = None,
           aanbieder: Annotated[str | None, Query(pattern=r"^(\d{8})?$")] = None,
           client: Annotated[str | None, Query(pattern=r"^[A-Za-z0-9_-]{0,32}$")] = None,
           min_leeftijd: Annotated[str | None, Query(pattern=r"^\d{0,4}$",
                                                     description="working days (0-9999)")] = None,
           afgehandeld: bool = False) -> Wanted:
    """The filters; an empty field of the page's form (`min_leeftijd=`) means no filter."""
    if soort and soort not in RULES:
        raise BadParameter(f"Onbekende soort signaal '{soort}': kies uit {', '.join(RULES)}.")
    age = int(min_leeftijd) if min_leeftijd else None
    return Wanted(soort or None, aanbieder or None, client or None, age, afgehandeld)


Filters = Annotated[Wanted, Depends(wanted)]


def _item(row: SignalRow, handled: Mapping[str, SignalHandledRow]) -> SignalItem:
    s, mark = row.signal, handled.get(row.key)
    return SignalItem(kind=s.kind, rule=s.rule, description=RULES[s.kind][1], since=s.since, due=s.due,
                      age_working_days=s.age, overdue_working_days=s.overdue, subject=s.subject,
                      gemeente=row.gemeente, aanbieder=row.aanbieder, client_id=row.client_public_id,
                      key=row.key, handled_by=mark.handled_by if mark else None,
                      handled_at=mark.handled_at if mark else None,
                      handled_reason=mark.reason if mark else None)


async def signal_items(request: Request, who: Principal, on: date, query: SignalFilter, with_handled: bool,
                       paged: Paging | None = None) -> list[SignalItem]:
    """The signals `query` asks for (one page, or all), with their marks; handled ones only when asked."""
    offset, limit = (paged.offset, paged.per_page) if paged else (0, None)
    async with web_state(request).sessions() as session:
        try:
            rows = await signal_page(session, on, scope_of(who), query, with_handled=with_handled,
                                     offset=offset, limit=limit, live_timeout=LIVE_SECONDS)
        except LiveTooSlow:
            raise BadParameter(TOO_SLOW) from None
        handled = await handled_of(session, [r.key for r in rows]) if with_handled else {}
    return [_item(r, handled) for r in rows]


def _total(counts: Mapping[str, KindCount], with_handled: bool, kind: str | None = None) -> int:
    return sum(c.total if with_handled else c.open for k, c in counts.items() if kind in (None, k))


async def kind_counts(request: Request, who: Principal, on: date,
                      query: SignalFilter) -> dict[str, KindCount]:
    """Signals per kind (all, and not handled) that `query` asks for on `on`.

    Counting means evaluating every rule over the whole register (seconds on a million allocations with
    a million open signals), while a page is read from the newest clocks only. So the counts are kept
    per gemeenten, date and filter for COUNTS_SECONDS; marking a signal handled drops them at once.
    """
    state = web_state(request)
    key = (who.gemeenten, on, query)
    now = time.monotonic()
    kept = state.signal_counts.get(key)
    if kept is not None and now - kept[0] < COUNTS_SECONDS:
        return kept[1]
    async with state.sessions() as session:
        try:
            counted = await signal_counts(session, on, scope_of(who), query, live_timeout=LIVE_SECONDS)
        except LiveTooSlow:
            raise BadParameter(TOO_SLOW) from None
    for old in [k for k, (at, _) in state.signal_counts.items() if now - at >= COUNTS_SECONDS]:
        del state.signal_counts[old]
    state.signal_counts[key] = (now, counted)
    return counted


async def open_counts(request: Request, who: Principal, on: date) -> dict[str, int]:
    """Open (not handled) signals per kind on `on`, every kind listed (0 when none): the start page's."""
    counted = await kind_counts(request, who, on, ALL_SIGNALS)
    return {kind: counted[kind].open if kind in counted else 0 for kind in RULES}


@router.get("/signalen", include_in_schema=False)
async def signals_page(request: Request, who: Team, on: On, f: Filters, paged: Page) -> Response:
    counted = await kind_counts(request, who, on, f.signal_filter(with_kind=False))
    counts = {kind: c.open for kind, c in counted.items()}
    total = _total(counted, f.afgehandeld, f.soort)
    shown = await signal_items(request, who, on, f.signal_filter(), f.afgehandeld, paged)
    async with web_state(request).sessions() as session:
        done = await refreshed(session)
    updated = done.computed_at.astimezone(AMSTERDAM).strftime("%H:%M") if done and done.day == on else None
    await audit_list(request, who, "lijst:signalen", len(shown))
    return await page(request, "signals.html", title="Signalen", on=on, f=f, items=shown, total=total,
                      counts=counts, kinds=RULES, kind_names=KIND_NAMES, paged=paged, updated=updated,
                      last_page=paged.last_page(total), back=f"/signalen?{request.url.query}")


@router.get("/api/signals", response_model=list[SignalItem], tags=["team"])
async def signals_api(request: Request, response: Response, who: Team, on: On, f: Filters,
                      paged: Page) -> list[SignalItem]:
    """Deadlines passed on `on` (Dutch working days), newest first, one page (`X-Total-Count`: all).

    Filters: `soort` (kind), `aanbieder`, `client` (opaque id), `min_leeftijd` (working days);
    handled signals only with `afgehandeld=true`.
    """
    counted = await kind_counts(request, who, on, f.signal_filter())
    response.headers["X-Total-Count"] = str(_total(counted, f.afgehandeld))
    shown = await signal_items(request, who, on, f.signal_filter(), f.afgehandeld, paged)
    await audit_list(request, who, "api:signalen", len(shown))
    return shown


CSV_MAX_ROWS = 100_000  # rows in one signals export


@router.get("/api/signals.csv", tags=["team"], response_class=Response)
async def signals_csv(request: Request, who: Team, on: On, f: Filters) -> Response:
    """Every signal the filter asks for, up to CSV_MAX_ROWS; more is refused with a Dutch message (400)
    rather than built in memory (a million open signals would take gigabytes and minutes)."""
    most = Paging(1, CSV_MAX_ROWS + 1)
    items = await signal_items(request, who, on, f.signal_filter(), f.afgehandeld, most)
    if len(items) > CSV_MAX_ROWS:
        limit = f"{CSV_MAX_ROWS:,}".replace(",", ".")
        raise BadParameter(f"Deze export zou meer dan {limit} signalen bevatten; verfijn met soort, "
                           "aanbieder, cliënt of leeftijd.")
    await audit_list(request, who, "csv:signalen", len(items))
    header = tuple(SignalItem.model_fields)
    rows = [[getattr(i, h) for h in header] for i in items]
    return await csv_response(request, f"signalen-{on}.csv", header, rows)


def _back(target: str) -> str:
    """Back to the signals list the form came from: a path of ours only, never another site."""
    return target if target.startswith("/signalen") and not target.startswith("//") else "/signalen"


@router.post("/signalen/afgehandeld", include_in_schema=False)
async def mark_signal_handled(
    request: Request, who: Team, csrf: Annotated[str, Form()] = "",
    kind: Annotated[str, Form(max_length=32)] = "", gemeente: Annotated[str, Form(max_length=4)] = "",
    aanbieder: Annotated[str, Form(max_length=8)] = "", subject: Annotated[str, Form(max_length=100)] = "",
    since: Annotated[date | None, Form()] = None, reden: Annotated[str, Form(max_length=REASON_MAX)] = "",
    terug: Annotated[str, Form(max_length=1000)] = "/signalen",
) -> Response:
    check_csrf(request, csrf)
    reason = " ".join(reden.split())
    if kind not in RULES or since is None or not subject:
        raise BadParameter("Dit signaal is niet compleet: laad de signalen opnieuw.")
    if gemeente not in who.gemeenten:
        raise BadParameter("Dit signaal hoort niet bij uw gemeenten.")
    if not reason:
        raise BadParameter("Vul een reden in: waarom is dit signaal afgehandeld?")
    bounded_date(since, "datum van het signaal")
    key = signal_key(kind, gemeente, aanbieder or None, subject, since)
    async with unit_of_work(web_state(request).sessions) as session:
        await mark_handled(session, key=key, kind=kind, gemeente=gemeente, subject=subject,
                           user_id=who.user_id, username=who.username, at=datetime.now(UTC), reason=reason)
        await record_list(session, who, request, "signaal:afgehandeld", 1, reason=reason,
                          what=f"{RULES[kind][0]} {subject}")
    web_state(request).signal_counts.clear()
    return RedirectResponse(_back(terug), status_code=303)

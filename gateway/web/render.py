"""Rendering: the Jinja2 environment with Dutch filters, HTML responses and CSV exports."""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape

from gateway.web.auth import form_csrf_token, web_state
from handlers.insight.code_texts import category_text, retourcode_text
from handlers.insight.fmt import AMSTERDAM, nl_date, nl_month, nl_number, nl_percent

ROLE_NAMES = {"team": "wijkteam", "analyst": "analist", "ops": "beheer"}
STATUS_NAMES = {"accepted": "verwerkt", "rejected": "afgekeurd", "invalid": "ongeldig (geen retour)",
                "recorded": "verzonden", "paired": "retour gekoppeld",
                "unmatched": "retour zonder heenbericht", "sent": "retour verstuurd", "duplicate": "dubbel",
                "partial": "deels toegekend (declaratie)"}


def environment() -> Environment:
    env = Environment(loader=PackageLoader("gateway.web", "templates"),
                      autoescape=select_autoescape(["html"]))
    env.filters.update(nl_date=nl_date, nl_month=nl_month, nl_number=nl_number, nl_percent=nl_percent,
                       categorie=category_text, retourcode=retourcode_text)
    env.globals.update(role_names=ROLE_NAMES, status_names=STATUS_NAMES)
    return env


async def page(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render a page; every page gets the caller, the CSRF token for its forms and provider names.

    The rendering runs in a worker thread: a page of a thousand rows takes the CPU for a while, and the
    event loop must keep answering other requests (a login, a small page) meanwhile.
    """
    state = web_state(request)
    who = getattr(request.state, "principal", None)
    values = dict(request=request, who=who, csrf=form_csrf_token(request), aanbieder=state.providers.label,
                  **context)
    html = await asyncio.to_thread(state.templates.get_template(template).render, values)
    return HTMLResponse(html, status_code=status_code)


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """A text that a spreadsheet would run as a formula gets a leading `'` (OWASP's CSV injection advice).

    Messages carry provider-chosen text (an Identificatie `=2*21`, a name `=1+1`); numbers stay numbers.
    """
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


# Column names of the Dutch form; a name not listed here is already Dutch (toewijzingnummer, gemeente).
DUTCH_HEADERS = {
    "standard": "wet", "provider": "aanbieder", "category": "categorie", "client_id": "client_id",
    "client_name": "naam", "state": "levering", "kind": "soort", "rule": "regel",
    "description": "omschrijving",
    "since": "sinds", "due": "uiterlijk", "age_working_days": "leeftijd_werkdagen",
    "overdue_working_days": "te_laat_werkdagen", "subject": "betreft", "key": "sleutel",
    "handled_by": "afgehandeld_door", "handled_at": "afgehandeld_op", "handled_reason": "reden_afhandeling",
    "measure": "maatstaf", "month": "maand", "count": "aantal", "p50": "mediaan", "max": "maximum",
    "allocations": "toewijzingen", "clients": "clienten", "never_started": "nooit_gestart",
    "never_started_share": "aandeel_nooit_gestart", "allocated_days": "toegewezen_dagen",
    "delivered_days": "geleverde_dagen", "ratio": "verhouding", "suppressed": "kleine_groep",
    "at": "tijdstip", "message": "bericht", "sender": "afzender", "receiver": "ontvanger",
    "direction": "richting", "codes": "codes", "retour": "retour", "retour_codes": "retourcodes",
    "status": "status", "first_month": "eerste_maand", "last_month": "laatste_maand",
    # usage from what was claimed (pages_usage)
    "started": "gestart", "allocated_volume": "toegewezen_volume",
    "declared_volume": "gedeclareerd_volume", "awarded_volume": "toegekend_volume",
    "declared_amount": "gedeclareerd_bedrag_cent", "awarded_amount": "toegekend_bedrag_cent",
    "share": "benut", "over": "meer_dan_toegewezen",
    # wijkanalyse (pages_area)
    "area": "gebied", "pc4s": "postcodegebieden", "clients_wmo": "clienten_wmo",
    "clients_jeugd": "clienten_jeugd", "allocations_wmo": "toewijzingen_wmo",
    "allocations_jeugd": "toewijzingen_jeugd", "clients_0_17": "clienten_0_17",
    "clients_18_64": "clienten_18_64", "clients_65_plus": "clienten_65_plus",
    "clients_age_unknown": "clienten_leeftijd_onbekend", "per_1000": "clienten_per_1000_inwoners",
    "per_1000_wmo": "wmo_per_1000_inwoners", "per_1000_jeugd": "jeugd_per_1000_inwoners",
    "per_1000_0_17": "0_17_per_1000_inwoners_0_17", "per_1000_18_64": "18_64_per_1000_inwoners_18_64",
    "per_1000_65_plus": "65_plus_per_1000_inwoners_65_plus", "on": "peildatum",
}
PLAIN = "plain"


def _dutch(value: Any) -> Any:
    """A cell as Dutch Excel reads it: decimal comma, ja/nee, moments in Dutch time."""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".").replace(".", ",")
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.astimezone(AMSTERDAM).strftime("%Y-%m-%d %H:%M:%S")
    return value


async def csv_response(request: Request, filename: str, header: Sequence[str],
                       rows: Iterable[Sequence[Any]]) -> Response:
    """A CSV download as Dutch Excel opens it: `;`, UTF-8 with BOM, Dutch column names, decimal commas.

    `?format=plain` gives the form scripts want: `,`, no BOM, the API's field names, plain numbers,
    ISO moments in UTC. Both escape formula-like cells (`csv_cell`). Written in a worker thread, like a page.
    """
    plain = request.query_params.get("format") == PLAIN
    return await asyncio.to_thread(_csv, filename, header, rows, plain)


def _csv(filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]], plain: bool) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="," if plain else ";", lineterminator="\n" if plain else "\r\n")
    writer.writerow(header if plain else [DUTCH_HEADERS.get(name, name) for name in header])
    for row in rows:
        writer.writerow([csv_cell(value if plain else _dutch(value)) for value in row])
    body = buffer.getvalue() if plain else "\ufeff" + buffer.getvalue()
    return Response(body.encode("utf-8"), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})

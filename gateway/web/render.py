"""Rendering: the Jinja2 environment with Dutch filters, HTML responses and CSV exports."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape

from gateway.web.auth import form_csrf_token, web_state
from handlers.insight.code_texts import category_text, retourcode_text
from handlers.insight.fmt import nl_date, nl_month, nl_number, nl_percent

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


def page(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render a page; every page gets the caller, the CSRF token for its forms and provider names."""
    state = web_state(request)
    who = getattr(request.state, "principal", None)
    html = state.templates.get_template(template).render(request=request, who=who,
                                                         csrf=form_csrf_token(request),
                                                         aanbieder=state.providers.label, **context)
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


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Response:
    """A CSV download (comma separated, ISO dates, plain numbers) so spreadsheets and scripts agree."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})

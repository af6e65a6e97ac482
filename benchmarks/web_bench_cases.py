"""The cases of benchmarks/web_bench.py: every page and API route of the web app, with the role that uses it.

A case names its route, the role whose token calls it (team, analyst, ops; `None` for the login page)
and its parameters; POST forms carry the CSRF token of the page that shows the form. The facts a case
needs (a busy client, a name to search for, the latest week of messages) come from the register itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AllocationVersionRow, ClientRow, MessageRow

ON = "2025-03-10"


@dataclass(frozen=True, slots=True)
class Case:
    name: str
    path: str
    role: str | None  # the token's role; None: no token (the login page)
    params: dict[str, str] = field(default_factory=dict)
    form: dict[str, str] | None = None  # POST as a form (with the CSRF token of `form_page`)
    json: dict[str, Any] | None = None  # POST as JSON
    form_page: str = "/zoeken"
    status: int = 200  # what the route answers when it works

    @property
    def method(self) -> str:
        return "GET" if self.form is None and self.json is None else "POST"


@dataclass(frozen=True, slots=True)
class Facts:
    """What the cases look up in the register: realistic targets, not the first row."""

    busiest: str  # the provider with the most allocation versions
    client: str  # public id of a client with several allocations in a household of several
    bsn: str
    surname: str
    born: date
    postcode: str
    huisnummer: int
    street: str
    messages_since: date  # a week before the latest message


async def facts(session: AsyncSession) -> Facts:
    v, c, m = AllocationVersionRow, ClientRow, MessageRow
    busiest = await session.scalar(select(v.aanbieder).group_by(v.aanbieder).order_by(func.count().desc())
                                   .limit(1))
    # A client of a household of three or more among the first thousand (they have a valid test BSN).
    members = (select(c.postcode, c.huisnummer).where(c.id <= 1000).group_by(c.postcode, c.huisnummer)
               .having(func.count() >= 3).limit(1).subquery())
    client = (await session.execute(
        select(c).join(members, (members.c.postcode == c.postcode) & (members.c.huisnummer == c.huisnummer))
        .order_by(c.id).limit(1))).scalar_one()
    latest = await session.scalar(select(func.max(m.received_at)))
    name, born = client.geslachtsnaam, client.geboortedatum
    postcode, number, street = client.postcode, client.huisnummer, client.straatnaam
    if name is None or born is None or postcode is None or number is None or street is None or latest is None:
        raise SystemExit("web_bench: the register lacks a household with name, birth date and address")
    return Facts(str(busiest), client.public_id, client.bsn, name, born, postcode, number, street,
                 latest.date() - timedelta(days=7))


# Routes without a case: they write (a login is a password hash of 600,000 PBKDF2 rounds by design,
# marking a signal handled and logging out change state), or serve files.
NOT_TIMED = {("POST", "/login"), ("POST", "/logout"), ("POST", "/signalen/afgehandeld"), ("GET", "/static")}


def cases(f: Facts) -> list[Case]:
    on, client = {"on": ON}, f.client
    clients = f"/api/clients/{client}"
    born = f.born.strftime("%d-%m-%Y")
    return [
        Case("GET /login", "/login", None),
        Case("GET /health/live", "/health/live", None),
        Case("GET /health/ready", "/health/ready", None),
        Case("GET / (team, redirect)", "/", "team", status=303),
        Case("/lopend page 1", "/lopend", "team", on),
        Case("/lopend Jeugd, temporarily stopped", "/lopend", "team",
             {**on, "standard": "ijw", "state": "temporarily_stopped"}),
        Case("/api/running page 1", "/api/running", "team", on),
        Case("/api/running page 50, ingang desc", "/api/running", "team",
             {**on, "page": "50", "sort": "ingangsdatum", "desc": "true"}),
        Case("/api/running busiest provider cat 02", "/api/running", "team",
             {**on, "aanbieder": f.busiest, "categorie": "02"}),
        Case("/api/running not_started", "/api/running", "team", {**on, "state": "not_started"}),
        Case("/api/running 0599 pc4 3011 by pc4", "/api/running", "team",
             {**on, "gemeente": "0599", "pc4": "3011", "sort": "pc4"}),
        Case("/api/running by state page 3", "/api/running", "team", {**on, "sort": "state", "page": "3"}),
        Case("/api/running.csv busiest provider", "/api/running.csv", "team", {**on, "aanbieder": f.busiest}),
        Case("/clienten/{id}", f"/clienten/{client}", "team"),
        Case("POST /clienten/{id} with reason", f"/clienten/{client}", "team", form={"reden": "huisbezoek"},
             form_page=f"/clienten/{client}"),
        Case("/api/clients/{id}", clients, "team"),
        Case("/api/clients/{id}/timeline.csv", f"{clients}/timeline.csv", "team"),
        Case("/huishouden/{id}", f"/huishouden/{client}", "team", on),
        Case("/huishoudens", "/huishoudens", "team", on),
        Case("GET /zoeken", "/zoeken", "team"),
        Case("POST /zoeken BSN", "/zoeken", "team", form={"q": f.bsn}),
        Case("POST /zoeken surname", "/zoeken", "team", form={"q": f.surname}),
        Case("POST /zoeken birth date", "/zoeken", "team", form={"q": born}),
        Case("POST /zoeken postcode + number", "/zoeken", "team", form={"q": f"{f.postcode} {f.huisnummer}"}),
        Case("/api/clients/search surname + born", "/api/clients/search", "team",
             json={"q": f"{f.surname} {born}"}),
        Case("/api/clients/search street word", "/api/clients/search", "team", json={"q": f.street.lower()}),
        Case("/signalen", "/signalen", "team", on),
        Case("/api/signals", "/api/signals", "team", on),
        Case("/api/signals.csv", "/api/signals.csv", "team", on),
        Case("/api/signals busiest provider", "/api/signals", "team", {**on, "aanbieder": f.busiest}),
        Case("/api/signals start_missing", "/api/signals", "team", {**on, "soort": "start_missing"}),
        Case("/api/signals page 40", "/api/signals", "team", {**on, "page": "40"}),
        Case("/api/signals min_leeftijd 20", "/api/signals", "team", {**on, "min_leeftijd": "20"}),
        Case("/signalen retour_missing page 5", "/signalen", "team",
             {**on, "soort": "retour_missing", "page": "5"}),
        Case("/wachttijden (team)", "/wachttijden", "team", on),
        Case("/wachttijden (analyst)", "/wachttijden", "analyst", on),
        Case("/wachttijden busiest provider (team)", "/wachttijden", "team", {**on, "aanbieder": f.busiest}),
        Case("/wachttijden 3 months page 2 (analyst)", "/wachttijden", "analyst",
             {**on, "maanden": "3", "page": "2"}),
        Case("/api/waiting (analyst)", "/api/waiting", "analyst", on),
        Case("/api/waiting busiest provider (analyst)", "/api/waiting", "analyst",
             {**on, "aanbieder": f.busiest}),
        Case("/api/waiting.csv (analyst)", "/api/waiting.csv", "analyst", on),
        Case("/api/waiting.csv busiest provider (analyst)", "/api/waiting.csv", "analyst",
             {**on, "aanbieder": f.busiest}),
        Case("/api/waiting/ranked (analyst)", "/api/waiting/ranked", "analyst", on),
        Case("/api/waiting/ranked 3 months page 3 (analyst)", "/api/waiting/ranked", "analyst",
             {**on, "maanden": "3", "page": "3"}),
        Case("/api/waiting/open (team)", "/api/waiting/open", "team", on),
        Case("/api/waiting/open page 20 (team)", "/api/waiting/open", "team", {**on, "page": "20"}),
        Case("/benutting (team)", "/benutting", "team", on),
        Case("/benutting (analyst)", "/benutting", "analyst", on),
        Case("/api/usage (team)", "/api/usage", "team", on),
        Case("/api/usage (analyst)", "/api/usage", "analyst", on),
        Case("/api/usage.csv (analyst)", "/api/usage.csv", "analyst", on),
        Case("/api/usage/claimed (team)", "/api/usage/claimed", "team", on),
        Case("/api/usage/claimed (analyst)", "/api/usage/claimed", "analyst", on),
        Case("/api/usage/claimed idle 3 (team)", "/api/usage/claimed", "team", {**on, "idle_months": "3"}),
        Case("/api/usage/claimed.csv (analyst)", "/api/usage/claimed.csv", "analyst", on),
        Case("/wijken (analyst)", "/wijken", "analyst", on),
        Case("/api/area (analyst)", "/api/area", "analyst", on),
        Case("/api/area.csv (analyst)", "/api/area.csv", "analyst", on),
        Case("/wijken (team)", "/wijken", "team", on),
        Case("/api/area Jeugd, 0599 (team)", "/api/area", "team",
             {**on, "standard": "ijw", "gemeente": "0599"}),
        Case("/api/area/trend.csv (analyst)", "/api/area/trend.csv", "analyst", on),
        Case("/berichten (ops)", "/berichten", "ops", {"since": f.messages_since.isoformat()}),
        Case("/berichten problems (ops)", "/berichten", "ops",
             {"since": f.messages_since.isoformat(), "status": "problems"}),
        Case("/api/messages (ops)", "/api/messages", "ops", {"since": f.messages_since.isoformat()}),
        Case("/api/health (ops)", "/api/health", "ops"),
        Case("/api/openapi.json (team)", "/api/openapi.json", "team"),
        Case("/api/messages.csv (ops)", "/api/messages.csv", "ops", {"since": f.messages_since.isoformat()}),
    ]

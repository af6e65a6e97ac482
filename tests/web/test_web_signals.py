"""Signals: filters by kind, provider, client and age; marking one handled (who, when, why; audited);
the open count per kind on the start page.

Scenario (register_scenario.py) on 2025-03-10, team `wijk` (gemeente 0599), five open signals:
OP271 toewijzing 1002 (P2, P Jansen 999900006, since 03-02), OP272 toewijzing 1003 (P1, A Vries
999900031, since 28-02), OP090 the WMO305 of A12 (P1, no client link, since 04-03), OP274 VOT REF-Q1
(P2, A Vries, since 28-02) and OP346 VOT REF-Q2 (P1, P Jansen, since 06-01).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.web import pages_signals
from handlers.insight.calendar import working_days_between
from storage.models import ClientRow
from storage.web_models import AuditRow, SignalHandledRow
from tests.web.web_helpers import bearer, login

ON = "2025-03-10"
P1, P2 = "12345678", "87654321"


async def _signals(http: httpx.AsyncClient, token: str, **params: Any) -> list[dict[str, Any]]:
    response = await http.get("/api/signals", params={"on": ON, **params}, headers=bearer(token))
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()
    return items


def _subjects(items: list[dict[str, Any]]) -> set[str]:
    return {i["subject"] for i in items}


async def _public_id(sessions: async_sessionmaker[AsyncSession], bsn: str) -> str:
    async with sessions() as session:
        return str(await session.scalar(select(ClientRow.public_id).where(ClientRow.bsn == bsn)))


async def test_signals_are_filtered_by_kind_provider_client_and_age(
    client: httpx.AsyncClient, register: dict[str, str], sessions: async_sessionmaker[AsyncSession]
) -> None:
    team = register["wijk"]
    every = await _signals(client, team)
    assert len(every) == 5
    assert _subjects(await _signals(client, team, soort="start_missing")) == {"toewijzing 1002"}
    assert _subjects(await _signals(client, team, soort="answer_missing")) == {"VOT REF-Q1"}
    assert _subjects(await _signals(client, team, aanbieder=P2)) == {"toewijzing 1002", "VOT REF-Q1"}
    vries = await _public_id(sessions, "999900031")
    assert _subjects(await _signals(client, team, client=vries)) == {"toewijzing 1003", "VOT REF-Q1"}
    assert _subjects(await _signals(client, team, client=vries, aanbieder=P1)) == {"toewijzing 1003"}
    # Ages in working days from each clock's start to 10-03: 1002 from 03-02, REF-Q2 from 06-01 are the
    # only ones older than 10; 28-02 is 6 working days back, 04-03 four.
    ages = {i["subject"]: i["age_working_days"] for i in every}
    assert ages["toewijzing 1003"] == 6
    assert ages["VOT REF-Q1"] == 6
    assert ages["toewijzing 1002"] == working_days_between(date(2025, 2, 3), date(2025, 3, 10)) == 25
    assert _subjects(await _signals(client, team, min_leeftijd=10)) == {"toewijzing 1002", "VOT REF-Q2"}
    assert len(await _signals(client, team, min_leeftijd=6)) == 4
    bad = await client.get("/api/signals", params={"on": ON, "soort": "iets"}, headers=bearer(team))
    assert bad.status_code == 400
    assert "Onbekende soort signaal" in bad.json()["detail"]


def _handle_form(html: str, subject: str) -> dict[str, str]:
    """The hidden fields of the row's 'afgehandeld' form, as the browser would send them."""
    row = html[html.index(f"<td>{subject}</td>"):]
    form = row[row.index('<form method="post" action="/signalen/afgehandeld"'):row.index("</form>")]
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))


async def test_a_team_member_marks_a_signal_handled_and_it_is_audited(
    client: httpx.AsyncClient, register: dict[str, str], sessions: async_sessionmaker[AsyncSession]
) -> None:
    await login(client, "wijk")
    start = (await client.get("/lopend", params={"on": ON})).text
    assert '<strong data-kind="start_missing">1</strong>' in start
    listing = (await client.get("/signalen", params={"on": ON, "aanbieder": P2})).text
    assert '<strong data-kind="start_missing">1</strong>' in listing  # counts follow the other filters
    assert '<strong data-kind="stop_missing">0</strong>' in listing
    fields = _handle_form(listing, "toewijzing 1002")
    assert fields["terug"] == f"/signalen?on={ON}&amp;aanbieder={P2}"
    fields["terug"] = f"/signalen?on={ON}&aanbieder={P2}"
    reason = "aanbieder gebeld: start volgt"
    done = await client.post("/signalen/afgehandeld", data={**fields, "reden": reason})
    assert (done.status_code, done.headers["location"]) == (303, fields["terug"])

    team = register["wijk"]
    still_open = await _signals(client, team)
    assert len(still_open) == 4
    assert "toewijzing 1002" not in _subjects(still_open)
    shown = {i["subject"]: i for i in await _signals(client, team, afgehandeld="true")}
    handled = shown["toewijzing 1002"]
    assert (handled["handled_by"], handled["handled_reason"]) == ("wijk", "aanbieder gebeld: start volgt")
    assert handled["handled_at"] is not None
    assert sum(1 for i in shown.values() if i["handled_by"]) == 1
    after = (await client.get("/lopend", params={"on": ON})).text
    assert '<strong data-kind="start_missing">0</strong>' in after

    async with sessions() as session:
        marks = list(await session.scalars(select(SignalHandledRow)))
        audit = list(await session.scalars(select(AuditRow).where(AuditRow.view == "signaal:afgehandeld")))
    assert [(m.kind, m.gemeente, m.subject, m.handled_by) for m in marks] == [
        ("start_missing", "0599", "toewijzing 1002", "wijk")]
    assert [(a.username, a.reason, a.filter, a.row_count) for a in audit] == [
        ("wijk", "aanbieder gebeld: start volgt", "OP271 toewijzing 1002", 1)]


async def test_marking_needs_the_form_a_reason_and_the_teams_own_gemeente(
    client: httpx.AsyncClient, register: dict[str, str], sessions: async_sessionmaker[AsyncSession]
) -> None:
    await login(client, "wijk")
    listing = (await client.get("/signalen", params={"on": ON})).text
    fields = {**_handle_form(listing, "toewijzing 1003"), "reden": "gestopt per 28-02"}
    without_token = {k: v for k, v in fields.items() if k != "csrf"}
    assert (await client.post("/signalen/afgehandeld", data=without_token)).status_code == 403
    no_reason = await client.post("/signalen/afgehandeld", data={**fields, "reden": "  "})
    assert no_reason.status_code == 400
    assert "Vul een reden in" in no_reason.text
    other = await client.post("/signalen/afgehandeld", data={**fields, "gemeente": "0344"})
    assert other.status_code == 400
    assert "niet bij uw gemeenten" in other.text
    away = await client.post("/signalen/afgehandeld", data={**fields, "terug": "https://evil.example/"})
    assert (away.status_code, away.headers["location"]) == (303, "/signalen")
    async with sessions() as session:
        assert [m.subject for m in await session.scalars(select(SignalHandledRow))] == ["toewijzing 1003"]
    await login(client, "ana")
    assert (await client.post("/signalen/afgehandeld", data=fields)).status_code == 403


async def test_a_signals_export_above_the_row_limit_is_refused_in_dutch(
    client: httpx.AsyncClient, register: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Five open signals: a limit of five exports them all, a limit of four refuses with a Dutch 400."""
    team = register["wijk"]
    monkeypatch.setattr(pages_signals, "CSV_MAX_ROWS", 5)
    whole = await client.get("/api/signals.csv", params={"on": ON, "format": "plain"}, headers=bearer(team))
    assert whole.status_code == 200
    assert len(whole.text.splitlines()) == 1 + 5
    monkeypatch.setattr(pages_signals, "CSV_MAX_ROWS", 4)
    refused = await client.get("/api/signals.csv", params={"on": ON}, headers=bearer(team))
    assert refused.status_code == 400
    assert "meer dan 4 signalen" in refused.text
    narrowed = await client.get("/api/signals.csv", params={"on": ON, "soort": "start_missing"},
                                headers=bearer(team))
    assert narrowed.status_code == 200

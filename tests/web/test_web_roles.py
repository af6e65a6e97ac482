"""Role enforcement over every route: nothing without login, no BSN or name for analyst and ops."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.web import (
    pages_allocations,
    pages_analysis,
    pages_client,
    pages_household,
    pages_login,
    pages_monitor,
    pages_search,
    pages_signals,
    pages_waiting,
)
from storage.models import ClientRow
from tests.web.web_helpers import bearer, login

MODULES = (pages_login, pages_allocations, pages_client, pages_household, pages_search, pages_signals,
           pages_waiting, pages_analysis, pages_monitor)

PARAMS = {"on": "2025-03-10", "since": "2024-01-01"}
PERSONAL = ("999900006", "999900018", "999900031", "999900055", "Jansen", "Vries", "Smit", "Hoofdstraat")


# Served without login on purpose: the login page, and the health endpoints (which read no register data).
PUBLIC = ("/login", "/health/live", "/health/ready")


def _paths(app: FastAPI, public_id: str) -> list[str]:
    """Every GET route of the app (the page modules' routers and the app's own), the PUBLIC ones excepted."""
    routes = [*app.routes, *(route for module in MODULES for route in module.router.routes)]
    gets = [r for r in routes if isinstance(r, APIRoute) and "GET" in (r.methods or set())]
    paths = [r.path for r in gets if r.path not in PUBLIC]
    return [p.replace("{public_id}", public_id) for p in paths]


async def _any_client(sessions: async_sessionmaker[AsyncSession]) -> str:
    async with sessions() as session:
        return str(await session.scalar(select(ClientRow.public_id).where(ClientRow.bsn == "999900006")))


async def test_every_route_needs_authentication(
    app: FastAPI,
    client: httpx.AsyncClient,
    register: dict[str, str],
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    paths = _paths(app, await _any_client(sessions))
    assert len(paths) >= 20
    for path in paths:
        response = await client.get(path, params=PARAMS)
        expected = 401 if path.startswith("/api/") else 303
        assert response.status_code == expected, path
        assert not any(value in response.text for value in PERSONAL), path


@pytest.mark.parametrize("user", ["ana", "beheer"])
async def test_analyst_and_ops_never_receive_personal_data(
    app: FastAPI,
    client: httpx.AsyncClient,
    register: dict[str, str],
    user: str,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    served = 0
    for path in _paths(app, await _any_client(sessions)):
        response = await client.get(path, params=PARAMS, headers=bearer(register[user]))
        assert response.status_code in (200, 303, 403), path
        served += response.status_code == 200
        assert not any(value in response.text for value in PERSONAL), (path, user)
    assert served >= 4  # they do get their own views


async def test_pages_by_session_follow_the_role(client: httpx.AsyncClient, register: dict[str, str]) -> None:
    await login(client, "ana")
    assert (await client.get("/lopend")).status_code == 403
    assert (await client.get("/berichten")).status_code == 403
    assert (await client.get("/wachttijden")).status_code == 200
    page = await client.get("/wijken", params=PARAMS)
    assert "Lopende toewijzingen" not in page.text.split("<main>")[0]  # no team menu either

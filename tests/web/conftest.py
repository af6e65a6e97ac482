"""Fixtures of the web tests: users of each role with API tokens, the app and an HTTP client.

The register database is the shared `engine` fixture (tests/conftest.py): SQLite, and
PostgreSQL under the `postgres` marker, migrated to all heads (register and web).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from gateway.settings import DatabaseSettings, Settings, WebSettings
from gateway.web import accounts, security
from gateway.web.app import create_web_app
from storage.engine import session_factory
from storage.unit_of_work import unit_of_work
from tests.web.register_scenario import build
from tests.web.web_helpers import PASSWORD, USERS


@pytest.fixture(autouse=True)
def cheap_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fixtures hash a password per user: 600,000 PBKDF2 rounds each would dominate the suite's time.

    test_web_logins.py checks the production cost (security.OWASP_ITERATIONS) explicitly.
    """
    monkeypatch.setattr(security, "ITERATIONS", 1000)


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return session_factory(engine)


@pytest.fixture
async def tokens(sessions: async_sessionmaker[AsyncSession]) -> dict[str, str]:
    """One user per role (plus a team of another gemeente), each with an API token."""
    result = {}
    async with unit_of_work(sessions) as session:
        for name, (role, gemeenten) in USERS.items():
            await accounts.add_user(session, name, PASSWORD, role, gemeenten)
            result[name] = await accounts.add_api_token(session, name, "tests")
    return result


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Groups of one shown: the scenario's groups hold one or two clients and the figure tests check them.

    The default minimum group size (5) has its own tests (test_web_small_groups.py).
    """
    return Settings(database=DatabaseSettings(url=database_url),
                    web=WebSettings(secret_key="test-secret-key-not-for-production", cookie_secure=False,
                                    min_group_size=1))


@pytest.fixture
def app(settings: Settings, engine: AsyncEngine) -> FastAPI:
    return create_web_app(settings, engine=engine)


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@pytest.fixture
async def register(sessions: async_sessionmaker[AsyncSession], tokens: dict[str, str]) -> dict[str, str]:
    """The scenario register of register_scenario.py, plus the users; returns the API tokens."""
    async with unit_of_work(sessions) as session:
        await build(session)
    return tokens

"""Logins under attack: hash cost, password policy, throttling, audit of failures, sessions, tokens."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.web import accounts, security
from gateway.web.password_policy import problem
from storage.unit_of_work import unit_of_work
from storage.web_models import ApiTokenRow, AuditRow, SessionRow, UserRow
from tests.web.web_helpers import PASSWORD, bearer, login


async def _stored_hash(sessions: async_sessionmaker[AsyncSession], username: str) -> str:
    async with sessions() as session:
        value = await session.scalar(select(UserRow.password_hash).where(UserRow.username == username))
    assert value is not None
    return value


async def _audit(sessions: async_sessionmaker[AsyncSession]) -> list[tuple[str, str, str, str | None]]:
    async with sessions() as session:
        rows = await session.execute(select(AuditRow.username, AuditRow.view, AuditRow.outcome,
                                            AuditRow.address).order_by(AuditRow.id))
        return [(r[0], r[1], r[2], r[3]) for r in rows]


def test_the_hash_cost_is_owasps_pbkdf2_figure(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(security, "ITERATIONS", security.OWASP_ITERATIONS)
    stored = security.hash_password("een lange zin als wachtwoord")
    assert stored.startswith("pbkdf2_sha256$600000$")
    assert security.verify_password("een lange zin als wachtwoord", stored)
    assert not security.needs_rehash(stored)
    assert security.needs_rehash(stored.replace("$600000$", "$310000$", 1))


async def test_an_older_hash_still_works_and_is_upgraded_at_login(
    client: httpx.AsyncClient, tokens: dict[str, str], sessions: async_sessionmaker[AsyncSession]
) -> None:
    salt = b"0123456789abcdef"
    digest = security._b64(security._scrypt(PASSWORD, salt, 2**14, 8, 1))
    legacy = f"scrypt$16384$8$1${security._b64(salt)}${digest}"
    async with unit_of_work(sessions) as session:
        await session.execute(update(UserRow).where(UserRow.username == "wijk").values(password_hash=legacy))
    assert (await login(client, "wijk")).status_code == 303
    upgraded = await _stored_hash(sessions, "wijk")
    assert upgraded.startswith("pbkdf2_sha256$")
    assert security.verify_password(PASSWORD, upgraded)


@pytest.mark.parametrize("password", ["kort", "Welkom2024!!!", "W3lk0m123456", "qwertyuiop123",
                                      "aaaaaaaaaaaaaaa", "wachtwoord2025", "nieuwe-wijk-collega"])
def test_trivial_passwords_are_refused(password: str) -> None:
    assert problem("wijk", password) is not None


def test_a_passphrase_is_accepted() -> None:
    assert problem("wijk", "paarse fiets onder de brug") is None


async def test_the_policy_applies_to_add_and_passwd(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session:
        with pytest.raises(accounts.AccountError, match="user name"):
            await accounts.add_user(session, "jansen", "jansen-2025-voorjaar", "analyst", [])
        await accounts.add_user(session, "jansen", "paarse fiets onder de brug", "analyst", [])
        with pytest.raises(accounts.AccountError, match="too easy"):
            await accounts.set_password(session, "jansen", "Password123456")


async def test_wrong_passwords_are_throttled_logged_and_audited(
    client: httpx.AsyncClient, tokens: dict[str, str], sessions: async_sessionmaker[AsyncSession],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    for attempt in range(accounts.ACCOUNT_FAILURES):
        assert (await login(client, "wijk", f"geraden wachtwoord {attempt}")).status_code == 401
    refused = await login(client, "wijk")  # the right password, but too late
    assert refused.status_code == 429
    assert "Te veel mislukte pogingen" in refused.text
    assert "istd_session" not in refused.headers.get("set-cookie", "")
    rows = await _audit(sessions)
    failed, throttled = ("wijk", "login", "failed", "127.0.0.1"), ("wijk", "login", "throttled", "127.0.0.1")
    assert rows == [failed] * 5 + [throttled]
    assert "geraden wachtwoord" not in caplog.text
    assert PASSWORD not in caplog.text
    assert "login failed" in caplog.text
    # Another account is not locked by this one's failures.
    assert (await login(client, "ana")).status_code == 303


async def test_one_address_trying_many_names_is_throttled(
    client: httpx.AsyncClient, tokens: dict[str, str]
) -> None:
    for attempt in range(accounts.ADDRESS_FAILURES):
        assert (await login(client, f"gok{attempt}", "geen goed wachtwoord")).status_code == 401
    assert (await login(client, "beheer")).status_code == 429


async def test_a_window_of_old_failures_no_longer_counts(
    client: httpx.AsyncClient, tokens: dict[str, str], sessions: async_sessionmaker[AsyncSession]
) -> None:
    from storage.web_models import LoginFailureRow

    for attempt in range(accounts.ACCOUNT_FAILURES):
        await login(client, "wijk", f"geraden wachtwoord {attempt}")
    async with unit_of_work(sessions) as session:
        await session.execute(update(LoginFailureRow).values(at=datetime.now(UTC) - accounts.WINDOW))
    assert (await login(client, "wijk")).status_code == 303
    async with sessions() as session:  # a successful login clears the name's failures
        assert await session.scalar(select(func.count()).select_from(LoginFailureRow)) == 0


async def test_an_idle_session_ends_and_is_deleted(
    client: httpx.AsyncClient, tokens: dict[str, str], sessions: async_sessionmaker[AsyncSession]
) -> None:
    await login(client, "wijk")
    assert (await client.get("/")).headers["location"] == "/lopend"
    async with unit_of_work(sessions) as session:
        idle = datetime.now(UTC) - timedelta(minutes=31)
        await session.execute(update(SessionRow).values(last_seen_at=idle))
    assert (await client.get("/")).headers["location"] == "/login"
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(SessionRow)) == 0


async def test_a_login_deletes_the_sessions_that_expired(
    client: httpx.AsyncClient, tokens: dict[str, str], sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with unit_of_work(sessions) as session:
        user_id = await session.scalar(select(UserRow.id).where(UserRow.username == "ana"))
        assert user_id is not None
        await accounts.start_session(session, user_id, 8)
        await session.execute(update(SessionRow).values(expires_at=datetime.now(UTC) - timedelta(hours=1)))
    await login(client, "wijk")
    async with sessions() as session:
        assert list(await session.scalars(select(SessionRow.user_id))) != [user_id]
        assert await session.scalar(select(func.count()).select_from(SessionRow)) == 1


async def test_api_tokens_are_listed_revoked_and_expire(
    client: httpx.AsyncClient, tokens: dict[str, str], sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with unit_of_work(sessions) as session:
        listed = await accounts.list_tokens(session, "wijk")
        extra = await accounts.add_api_token(session, "wijk", "kort", days=1)
    assert [(t.username, t.label, t.revoked_at) for t in listed] == [("wijk", "tests", None)]
    assert listed[0].expires_at is not None
    assert listed[0].expires_at - listed[0].created_at == timedelta(days=accounts.TOKEN_DAYS)
    assert (await client.get("/api/openapi.json", headers=bearer(tokens["wijk"]))).status_code == 200
    async with unit_of_work(sessions) as session:
        await accounts.revoke_token(session, listed[0].id)
        await session.execute(update(ApiTokenRow).where(ApiTokenRow.label == "kort")
                              .values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    assert (await client.get("/api/openapi.json", headers=bearer(tokens["wijk"]))).status_code == 401
    assert (await client.get("/api/openapi.json", headers=bearer(extra))).status_code == 401


async def test_a_disabled_user_cannot_log_in_and_loses_its_sessions(
    client: httpx.AsyncClient, tokens: dict[str, str], sessions: async_sessionmaker[AsyncSession]
) -> None:
    await login(client, "wijk")
    async with unit_of_work(sessions) as session:
        await accounts.disable_user(session, "wijk")
    assert (await client.get("/")).headers["location"] == "/login"
    client.cookies.clear()
    assert (await login(client, "wijk")).status_code == 401
    assert (await client.get("/api/openapi.json", headers=bearer(tokens["wijk"]))).status_code == 401

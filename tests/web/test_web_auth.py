"""Authentication, roles, CSRF and cookie attributes of the web app; password and token storage."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.web import accounts
from gateway.web.security import hash_password, sign, unsign, verify_password
from storage.unit_of_work import unit_of_work
from storage.web_models import ApiTokenRow, SessionRow, UserRow
from tests.web.web_helpers import PASSWORD, bearer, csrf_of, login


def test_password_hash_is_salted_pbkdf2_and_verifies() -> None:
    first, second = hash_password("geheim-wachtwoord"), hash_password("geheim-wachtwoord")
    assert first.startswith("pbkdf2_sha256$")
    assert first != second
    assert verify_password("geheim-wachtwoord", first)
    assert not verify_password("geheim-wachtwoord!", first)
    assert not verify_password("x", "pbkdf2$garbage")


def test_signed_cookie_refuses_a_changed_value() -> None:
    signed = sign("k", "token-value")
    assert unsign("k", signed) == "token-value"
    assert unsign("k", "other-value." + signed.rsplit(".", 1)[1]) is None
    assert unsign("other key", signed) is None


async def test_secrets_are_stored_only_as_hashes(tokens: dict[str, str],
                                                 sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session:
        stored = list(await session.scalars(select(ApiTokenRow.token_sha256)))
        hashes = list(await session.scalars(select(UserRow.password_hash)))
    assert tokens["wijk"] not in stored
    assert len(stored) == 4
    assert all(PASSWORD not in value for value in hashes)


@pytest.mark.parametrize("path", ["/", "/login-not", "/api/openapi.json"])
async def test_nothing_is_served_without_authentication(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path)
    if path.startswith("/api/"):
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
    else:
        assert response.status_code in (303, 404)


async def test_unauthenticated_page_redirects_to_login(client: httpx.AsyncClient) -> None:
    response = await client.get("/")
    assert response.status_code == 303
    assert response.headers["location"] == "/login"


async def test_wrong_token_is_401(client: httpx.AsyncClient, tokens: dict[str, str]) -> None:
    response = await client.get("/api/openapi.json", headers=bearer(tokens["wijk"] + "x"))
    assert response.status_code == 401


async def test_openapi_document_after_authentication(client: httpx.AsyncClient,
                                                     tokens: dict[str, str]) -> None:
    response = await client.get("/api/openapi.json", headers=bearer(tokens["beheer"]))
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "istd-gateway insight API"


async def test_login_sets_a_signed_httponly_session_and_logout_ends_it(
        client: httpx.AsyncClient, tokens: dict[str, str]) -> None:
    response = await login(client, "beheer")
    assert response.status_code == 303
    assert response.headers["location"] == "/berichten"
    set_cookie = response.headers["set-cookie"].lower()
    assert "istd_session=" in set_cookie
    assert "httponly" in set_cookie
    assert "samesite=lax" in set_cookie
    home = await client.get("/")
    assert home.status_code == 303
    assert home.headers["location"] == "/berichten"
    form = await client.get("/login")
    out = await client.post("/logout", data={"csrf": csrf_of(form.text)})
    assert out.status_code == 303
    client.cookies.clear()
    assert (await client.get("/")).headers["location"] == "/login"


async def test_wrong_password_is_refused(client: httpx.AsyncClient, tokens: dict[str, str]) -> None:
    response = await login(client, "wijk", "wrong password here")
    assert response.status_code == 401
    assert "Onbekende gebruiker of wachtwoord" in response.text
    assert "istd_session" not in response.headers.get("set-cookie", "")


async def test_login_without_csrf_token_is_refused(client: httpx.AsyncClient, tokens: dict[str, str]) -> None:
    await client.get("/login")  # sets the CSRF cookie
    response = await client.post("/login", data={"username": "wijk", "password": PASSWORD, "csrf": "forged"})
    assert response.status_code == 403
    assert "istd_session" not in response.headers.get("set-cookie", "")


async def test_csrf_token_of_another_cookie_is_refused(client: httpx.AsyncClient,
                                                      tokens: dict[str, str]) -> None:
    form = await client.get("/login")
    token = csrf_of(form.text)
    client.cookies.set("istd_csrf", "a-different-random-cookie-value-of-enough-length")
    response = await client.post("/login", data={"username": "wijk", "password": PASSWORD, "csrf": token})
    assert response.status_code == 403


async def test_secure_cookie_flag_follows_the_setting(app: object, tokens: dict[str, str]) -> None:
    from fastapi import FastAPI

    from gateway.settings import Settings, WebSettings
    from gateway.web.app import create_web_app
    assert isinstance(app, FastAPI)
    engine = app.state.web.engine
    secure_app = create_web_app(Settings(web=WebSettings(secret_key="s", cookie_secure=True)), engine=engine)
    transport = httpx.ASGITransport(app=secure_app)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as http:
        response = await login(http, "wijk")
    assert response.status_code == 303
    assert "secure" in response.headers["set-cookie"].lower()


async def test_removed_user_loses_token_access(client: httpx.AsyncClient, tokens: dict[str, str],
                                               sessions: async_sessionmaker[AsyncSession]) -> None:
    assert (await client.get("/api/openapi.json", headers=bearer(tokens["ana"]))).status_code == 200
    async with unit_of_work(sessions) as session:
        assert await accounts.remove_user(session, "ana")
    assert (await client.get("/api/openapi.json", headers=bearer(tokens["ana"]))).status_code == 401


@pytest.mark.parametrize(("role", "gemeenten", "message"), [
    ("boss", ["0599"], "unknown role"),
    ("team", [], "at least one gemeente"),
    ("team", ["59"], "four-digit")])
async def test_invalid_users_are_refused(sessions: async_sessionmaker[AsyncSession], role: str,
                                         gemeenten: list[str], message: str) -> None:
    async with sessions() as session:
        with pytest.raises(accounts.AccountError, match=message):
            await accounts.add_user(session, "someone", PASSWORD, role, gemeenten)


async def test_expired_session_is_refused(client: httpx.AsyncClient, tokens: dict[str, str],
                                          sessions: async_sessionmaker[AsyncSession]) -> None:
    await login(client, "wijk")
    assert (await client.get("/")).headers["location"] == "/lopend"
    async with unit_of_work(sessions) as session:
        await session.execute(update(SessionRow).values(expires_at=datetime.now(UTC) - timedelta(minutes=1)))
    assert (await client.get("/")).headers["location"] == "/login"


async def test_logout_needs_the_csrf_token(client: httpx.AsyncClient, tokens: dict[str, str]) -> None:
    await login(client, "wijk")
    refused = await client.post("/logout", data={"csrf": "forged"})
    assert refused.status_code == 403
    assert (await client.get("/")).headers["location"] == "/lopend"  # still logged in


async def test_forged_session_cookie_is_ignored(client: httpx.AsyncClient, tokens: dict[str, str]) -> None:
    client.cookies.set("istd_session", "made-up-token.c2lnbmF0dXJl")
    assert (await client.get("/")).headers["location"] == "/login"

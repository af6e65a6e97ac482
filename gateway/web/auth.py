"""Authentication and authorisation for every route: bearer token or signed session cookie, then role.

Unauthenticated: 401 with `WWW-Authenticate: Bearer` for the API, a redirect to
the login page for pages. Wrong role: 403, written to the audit log. Identifying a session
also ends it when it expired or sat idle, and marks it seen otherwise. CSRF: forms carry an HMAC of the
random `istd_csrf` cookie (signed double submit); `check_csrf` guards every POST.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import Request

from gateway.web import accounts, audit
from gateway.web.accounts import Principal
from gateway.web.security import csrf_token, csrf_valid, new_token, unsign
from gateway.web.state import WebState
from storage.unit_of_work import unit_of_work

SESSION_COOKIE = "istd_session"
CSRF_COOKIE = "istd_csrf"
CSRF_FIELD = "csrf"


class NotAuthenticated(Exception):
    """No valid token or session: 401 for the API, a redirect to /login for pages."""


class Forbidden(Exception):
    """Authenticated, but the role (or the gemeente) does not allow this."""


class CsrfFailed(Exception):
    """A form arrived without the CSRF token that belongs to its cookie."""


def web_state(request: Request) -> WebState:
    state: WebState = request.app.state.web
    return state


async def _identify(request: Request) -> Principal | None:
    state = web_state(request)
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        request.state.via_token = True
        async with state.sessions() as session:
            return await accounts.by_api_token(session, header[7:].strip())
    cookie = request.cookies.get(SESSION_COOKIE)
    token = unsign(state.secret_key, cookie) if cookie else None
    if not token:
        return None
    async with unit_of_work(state.sessions) as session:
        return await accounts.by_session(session, token, state.idle_minutes)


def require(*roles: str) -> Callable[[Request], Awaitable[Principal]]:
    """A dependency that returns the caller when authenticated with one of `roles`."""

    async def dependency(request: Request) -> Principal:
        who = await _identify(request)
        if who is None:
            raise NotAuthenticated
        request.state.principal = who
        if who.role not in roles:
            async with unit_of_work(web_state(request).sessions) as session:
                await audit.record_refused(session, who, request, f"rol:{who.role}")
            raise Forbidden
        return who

    return dependency


def session_token(request: Request) -> str | None:
    cookie = request.cookies.get(SESSION_COOKIE)
    return unsign(web_state(request).secret_key, cookie) if cookie else None


def csrf_cookie_value(request: Request) -> str:
    """The request's CSRF cookie value, or a new one (the response must then set it)."""
    existing = request.cookies.get(CSRF_COOKIE)
    value = existing if existing and len(existing) >= 32 else new_token()
    request.state.csrf_cookie = value
    return value


def form_csrf_token(request: Request) -> str:
    return csrf_token(web_state(request).secret_key, csrf_cookie_value(request))


def check_csrf(request: Request, field: str | None) -> None:
    if not csrf_valid(web_state(request).secret_key, request.cookies.get(CSRF_COOKIE), field):
        raise CsrfFailed


ANY_ROLE = require("team", "analyst", "ops")
TEAM = require("team")
AGGREGATES = require("team", "analyst")
OPS = require("ops")

"""Login, logout and the start page (which lists what the caller's role may open).

A failed login is logged (user name and address, never the password) and audited; too many
failures are throttled (gateway.web.accounts). Each successful login also deletes the sessions
that expired or sat idle, so the table does not collect them.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import RedirectResponse

from gateway.logs import fields, get_logger
from gateway.web import accounts, audit
from gateway.web.accounts import Principal, Throttled
from gateway.web.auth import ANY_ROLE, SESSION_COOKIE, check_csrf, session_token, web_state
from gateway.web.render import page
from gateway.web.security import sign
from storage.unit_of_work import unit_of_work

router = APIRouter(include_in_schema=False)
log = get_logger("web.login")
THROTTLED = (f"Te veel mislukte pogingen. Wacht {accounts.WINDOW.seconds // 60} minuten en probeer het "
             "dan opnieuw, of vraag beheer om hulp.")

HOME = {"team": "/lopend", "analyst": "/wachttijden", "ops": "/berichten"}


@router.get("/login")
async def login_form(request: Request) -> Response:
    return await page(request, "login.html", title="Inloggen", error=None)


@router.post("/login")
async def login(request: Request, username: Annotated[str, Form()], password: Annotated[str, Form()],
                csrf: Annotated[str, Form()] = "") -> Response:
    check_csrf(request, csrf)
    state = web_state(request)
    address = audit.address_of(request)
    try:
        async with unit_of_work(state.sessions) as session:
            who = await accounts.authenticate(session, username, password, address)
            if who is not None:
                await accounts.delete_stale_sessions(session, state.idle_minutes)
            token = await accounts.start_session(session, who.user_id, state.session_hours) if who else None
    except Throttled:
        await _failed(request, username, "throttled")
        return await page(request, "login.html", 429, title="Inloggen", error=THROTTLED)
    if who is None or token is None:
        await _failed(request, username, "failed")
        return await page(request, "login.html", 401, title="Inloggen",
                          error="Onbekende gebruiker of wachtwoord.")
    response = RedirectResponse(HOME[who.role], status_code=303)
    response.set_cookie(SESSION_COOKIE, sign(state.secret_key, token), max_age=state.session_hours * 3600,
                        httponly=True, secure=state.cookie_secure, samesite="lax")
    return response


async def _failed(request: Request, username: str, outcome: str) -> None:
    """Log and audit a refused login: the name typed and the address, in their own transaction."""
    log.warning("login %s", outcome, extra=fields(username=username[:64], address=audit.address_of(request)))
    async with unit_of_work(web_state(request).sessions) as session:
        await audit.record_login(session, username, request, outcome)


@router.post("/logout")
async def logout(request: Request, csrf: Annotated[str, Form()] = "") -> Response:
    check_csrf(request, csrf)
    token = session_token(request)
    if token:
        async with unit_of_work(web_state(request).sessions) as session:
            await accounts.end_session(session, token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/")
async def home(who: Annotated[Principal, Depends(ANY_ROLE)]) -> Response:
    return RedirectResponse(HOME[who.role], status_code=303)

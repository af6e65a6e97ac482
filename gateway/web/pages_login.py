"""Login, logout and the start page (which lists what the caller's role may open)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import RedirectResponse

from gateway.web import accounts
from gateway.web.accounts import Principal
from gateway.web.auth import ANY_ROLE, SESSION_COOKIE, check_csrf, session_token, web_state
from gateway.web.render import page
from gateway.web.security import sign
from storage.unit_of_work import unit_of_work

router = APIRouter(include_in_schema=False)

HOME = {"team": "/lopend", "analyst": "/wachttijden", "ops": "/berichten"}


@router.get("/login")
async def login_form(request: Request) -> Response:
    return page(request, "login.html", title="Inloggen", error=None)


@router.post("/login")
async def login(request: Request, username: Annotated[str, Form()], password: Annotated[str, Form()],
                csrf: Annotated[str, Form()] = "") -> Response:
    check_csrf(request, csrf)
    state = web_state(request)
    async with unit_of_work(state.sessions) as session:
        who = await accounts.authenticate(session, username, password)
        token = await accounts.start_session(session, who.user_id, state.session_hours) if who else None
    if who is None or token is None:
        return page(request, "login.html", 401, title="Inloggen", error="Onbekende gebruiker of wachtwoord.")
    response = RedirectResponse(HOME[who.role], status_code=303)
    response.set_cookie(SESSION_COOKIE, sign(state.secret_key, token), max_age=state.session_hours * 3600,
                        httponly=True, secure=state.cookie_secure, samesite="lax")
    return response


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

"""The web app factory: `create_web_app(settings)` builds engine, templates, routes and error handling.

FastAPI rather than bare Starlette: the JSON API gets its OpenAPI document from the
typed response models for free, and the same dependency mechanism guards pages and
API. The interactive docs (Swagger UI from a CDN) are switched off: no external
assets, and the OpenAPI document itself is served only after authentication.

Errors: a page answers with a Dutch error page, the API with JSON `{"detail": ...}`; a bad
parameter is a 400 (BadParameter) or 422 (validation), never a 500. The security headers are
added by an ASGI wrapper around the whole stack (`_SecurityHeaders`), so they are on every
response, the 500 of Starlette's outermost error middleware included. A path with a trailing
slash is redirected by path only: the Location never comes from the Host header.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from importlib import resources
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.logs import fields, get_logger
from gateway.settings import Settings
from gateway.web import (
    pages_allocations,
    pages_analysis,
    pages_area,
    pages_client,
    pages_household,
    pages_login,
    pages_monitor,
    pages_search,
    pages_signals,
    pages_usage,
    pages_waiting,
)
from gateway.web.accounts import Principal
from gateway.web.auth import ANY_ROLE, CSRF_COOKIE, CsrfFailed, Forbidden, NotAuthenticated
from gateway.web.health import add_health_routes
from gateway.web.params import BadParameter
from gateway.web.refresher import keep_fresh
from gateway.web.render import environment, page
from gateway.web.state import WebState
from storage.engine import create_engine, ensure_migrated, register_location, session_factory

log = get_logger("web")
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                               "form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
PARAMETER_NAMES = {"on": "peildatum", "since": "begindatum", "page": "pagina",
                   "per_page": "regels per pagina", "days": "aantal dagen", "min_leeftijd": "leeftijd vanaf",
                   "aanbieder": "aanbieder (AGB)"}
HTTP_TITLES = {404: ("Niet gevonden", "Deze pagina of cliënt bestaat niet, of valt buiten uw gemeenten."),
               405: ("Niet toegestaan", "Deze pagina kan zo niet worden opgevraagd.")}


class _SecurityHeaders:
    """Adds the security headers to every HTTP response, whichever layer produced it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.raw = [(name.lower().encode(), value.encode()) for name, value in SECURITY_HEADERS.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if len(path) > 1 and path.endswith("/"):
            await _slash_redirect(scope, send, self.raw)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name for name, _ in self.raw}
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message = {**message, "headers": [*kept, *self.raw]}
            await send(message)

        await self.app(scope, receive, with_headers)


async def _slash_redirect(scope: Scope, send: Send, headers: list[tuple[bytes, bytes]]) -> None:
    """`/lopend/?x` → `/lopend?x`: a path-only Location (one leading slash: never `//host`)."""
    target = "/" + scope["path"].strip("/")
    if scope.get("query_string"):
        target += "?" + scope["query_string"].decode("latin-1")
    await send({"type": "http.response.start", "status": 308,
                "headers": [(b"location", target.encode("latin-1")), (b"content-length", b"0"), *headers]})
    await send({"type": "http.response.body", "body": b""})


class _WebApp(FastAPI):
    def build_middleware_stack(self) -> ASGIApp:
        return _SecurityHeaders(super().build_middleware_stack())


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _install_error_handlers(app: FastAPI) -> None:
    async def unauthenticated(request: Request, _exc: Exception) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": "authentication required"}, status_code=401,
                                headers={"WWW-Authenticate": "Bearer"})
        return RedirectResponse("/login", status_code=303)

    async def forbidden(request: Request, _exc: Exception) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": "not allowed for this role"}, status_code=403)
        return await page(request, "error.html", 403, title="Geen toegang",
                          message="Uw rol geeft geen toegang tot deze pagina.")

    async def csrf_failed(request: Request, _exc: Exception) -> Response:
        return await page(request, "error.html", 403, title="Formulier verlopen",
                          message="Het formulier is verlopen of niet van deze site. Laad de pagina opnieuw.")

    async def bad_parameter(request: Request, exc: Exception) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": str(exc)}, status_code=400)
        return await page(request, "error.html", 400, title="Ongeldige invoer", message=str(exc))

    async def invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        names = sorted({PARAMETER_NAMES.get(str(e["loc"][-1]), str(e["loc"][-1])) for e in exc.errors()})
        message = f"Ongeldige waarde voor: {', '.join(names)}. Pas de invoer aan en probeer het opnieuw."
        if _is_api(request):
            return JSONResponse({"detail": message, "errors": jsonable(exc.errors())}, status_code=422)
        return await page(request, "error.html", 422, title="Ongeldige invoer", message=message)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if _is_api(request):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        title, message = HTTP_TITLES.get(exc.status_code, ("Fout", "Dit verzoek kon niet worden verwerkt."))
        return await page(request, "error.html", exc.status_code, title=title, message=message)

    app.add_exception_handler(NotAuthenticated, unauthenticated)
    app.add_exception_handler(Forbidden, forbidden)
    app.add_exception_handler(CsrfFailed, csrf_failed)
    app.add_exception_handler(BadParameter, bad_parameter)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(HTTPException, http_error)


def jsonable(errors: Any) -> Any:
    """Validation errors without their `ctx`/`url` (exception objects and links are not JSON)."""
    return [{key: value for key, value in error.items() if key in ("loc", "msg", "type")} for error in errors]


def _is_page(request: Request) -> bool:
    return request.method == "GET" and not request.url.path.startswith(("/api/", "/static/", "/health"))


def _install_headers(app: FastAPI, cookie_secure: bool) -> None:
    @app.middleware("http")
    async def provider_names(request: Request,
                             call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        if _is_page(request) or request.method == "POST":
            state: WebState = request.app.state.web
            async with state.sessions() as session:
                await state.providers.refresh(session)
        return await call_next(request)

    @app.middleware("http")
    async def headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        new_csrf = getattr(request.state, "csrf_cookie", None)
        if new_csrf and new_csrf != request.cookies.get(CSRF_COOKIE):
            response.set_cookie(CSRF_COOKIE, new_csrf, httponly=True, secure=cookie_secure, samesite="strict")
        return response


def create_web_app(settings: Settings, *, engine: AsyncEngine | None = None) -> FastAPI:
    """Build the app; nothing connects until startup, which migrates the database (all Alembic heads)."""
    engine = engine or create_engine(settings.database.url, echo=settings.database.echo)
    state = WebState(engine, session_factory(engine), settings.web.secret_key or secrets.token_urlsafe(32),
                     settings.web.cookie_secure, settings.web.session_hours, environment(),
                     settings.web.idle_minutes, settings.web.min_group_size)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await ensure_migrated(engine)
        log.info("register opened", extra=fields(database=register_location(settings.database.url)))
        every = settings.web.insight_refresh_seconds
        task = (asyncio.create_task(keep_fresh(state.sessions, every, state.signal_counts.clear))
                if every else None)
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    app = _WebApp(title="istd-gateway insight API", version="1", lifespan=lifespan,
                  docs_url=None, redoc_url=None, openapi_url=None, redirect_slashes=False)
    app.state.web = state
    _install_error_handlers(app)
    _install_headers(app, settings.web.cookie_secure)
    add_health_routes(app, engine)
    app.mount("/static", StaticFiles(directory=str(resources.files("gateway.web") / "static")), name="static")
    for module in (pages_login, pages_allocations, pages_client, pages_household, pages_search, pages_signals,
                   pages_waiting, pages_analysis, pages_area, pages_usage, pages_monitor):
        app.include_router(module.router)

    @app.get("/api/openapi.json", include_in_schema=False)
    async def openapi(_who: Annotated[Principal, Depends(ANY_ROLE)]) -> dict[str, Any]:
        return app.openapi()

    return app

"""The web app factory: `create_web_app(settings)` builds engine, templates, routes and error handling.

FastAPI rather than bare Starlette: the JSON API gets its OpenAPI document from the
typed response models for free, and the same dependency mechanism guards pages and
API. The interactive docs (Swagger UI from a CDN) are switched off: no external
assets, and the OpenAPI document itself is served only after authentication.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from importlib import resources
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.logs import fields, get_logger
from gateway.settings import Settings
from gateway.web import pages_allocations, pages_analysis, pages_client, pages_login, pages_monitor
from gateway.web.accounts import Principal
from gateway.web.auth import ANY_ROLE, CSRF_COOKIE, CsrfFailed, Forbidden, NotAuthenticated
from gateway.web.health import add_health_routes
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
        return page(request, "error.html", 403, title="Geen toegang",
                    message="Uw rol geeft geen toegang tot deze pagina.")

    async def csrf_failed(request: Request, _exc: Exception) -> Response:
        return page(request, "error.html", 403, title="Formulier verlopen",
                    message="Het formulier is verlopen of niet van deze site. Laad de pagina opnieuw.")

    app.add_exception_handler(NotAuthenticated, unauthenticated)
    app.add_exception_handler(Forbidden, forbidden)
    app.add_exception_handler(CsrfFailed, csrf_failed)


def _install_headers(app: FastAPI, cookie_secure: bool) -> None:
    @app.middleware("http")
    async def headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        response.headers.update(SECURITY_HEADERS)
        new_csrf = getattr(request.state, "csrf_cookie", None)
        if new_csrf and new_csrf != request.cookies.get(CSRF_COOKIE):
            response.set_cookie(CSRF_COOKIE, new_csrf, httponly=True, secure=cookie_secure, samesite="strict")
        return response


def create_web_app(settings: Settings, *, engine: AsyncEngine | None = None) -> FastAPI:
    """Build the app; nothing connects until startup, which migrates the database (all Alembic heads)."""
    engine = engine or create_engine(settings.database.url, echo=settings.database.echo)
    state = WebState(engine, session_factory(engine), settings.web.secret_key or secrets.token_urlsafe(32),
                     settings.web.cookie_secure, settings.web.session_hours, environment())

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await ensure_migrated(engine)
        log.info("register opened", extra=fields(database=register_location(settings.database.url)))
        yield

    app = FastAPI(title="istd-gateway insight API", version="1", lifespan=lifespan,
                  docs_url=None, redoc_url=None, openapi_url=None)
    app.state.web = state
    _install_error_handlers(app)
    _install_headers(app, settings.web.cookie_secure)
    add_health_routes(app, engine)
    app.mount("/static", StaticFiles(directory=str(resources.files("gateway.web") / "static")), name="static")
    for module in (pages_login, pages_allocations, pages_client, pages_analysis, pages_monitor):
        app.include_router(module.router)

    @app.get("/api/openapi.json", include_in_schema=False)
    async def openapi(_who: Annotated[Principal, Depends(ANY_ROLE)]) -> dict[str, Any]:
        return app.openapi()

    return app

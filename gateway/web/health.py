"""`istd web`'s own `/health/live` and `/health/ready` (the database answers), without login.

The same shape as the worker's (gateway.health): 200 `{"status": "ready", ...}`, or 503 naming
the failing part. Nothing here reads the register's content.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.health import readiness


def add_health_routes(app: FastAPI, engine: AsyncEngine) -> None:
    async def database() -> str | None:
        try:
            async with engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception as exc:  # noqa: BLE001 - any failure means "not ready"; reported by type only
            return f"unreachable ({type(exc).__name__})"
        return None

    @app.get("/health/live", include_in_schema=False)
    async def live() -> JSONResponse:
        return JSONResponse({"status": "live"})

    @app.get("/health/ready", include_in_schema=False)
    async def ready() -> JSONResponse:
        ok, report = await readiness({"database": database})
        failing = [name for name, state in report.items() if state != "ok"]
        body = {"status": "ready" if ok else "not ready", "failing": failing, "checks": report}
        return JSONResponse(body, status_code=200 if ok else 503)

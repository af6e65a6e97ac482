"""`istd web`'s own `/health/live` and `/health/ready` (the database answers), without login.

The same answers as the worker's (gateway.worker.health, which the web may not import): 200
`{"status": "ready", ...}`, or 503 naming the failing part. Nothing here reads the register's content.
"""

from __future__ import annotations

import asyncio

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

CHECK_TIMEOUT_S = 2.0


def add_health_routes(app: FastAPI, engine: AsyncEngine) -> None:
    async def select_one() -> None:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def database() -> str | None:
        try:
            await asyncio.wait_for(select_one(), CHECK_TIMEOUT_S)
        except TimeoutError:
            return f"no answer within {CHECK_TIMEOUT_S:g} s"
        except Exception as exc:  # noqa: BLE001 - any failure means "not ready"; reported by type only
            return f"unreachable ({type(exc).__name__})"
        return None

    @app.get("/health/live", include_in_schema=False)
    async def live() -> JSONResponse:
        return JSONResponse({"status": "live"})

    @app.get("/health/ready", include_in_schema=False)
    async def ready() -> JSONResponse:
        problem = await database()
        report = {"database": problem or "ok"}
        body = {"status": "not ready" if problem else "ready", "failing": ["database"] if problem else [],
                "checks": report}
        return JSONResponse(body, status_code=503 if problem else 200)

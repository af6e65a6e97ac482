"""HTTP endpoints: `/health/live`, `/health/ready` (503 naming what fails), `/metrics`, `/asyncapi.json`."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from gateway.worker.metrics import CONTENT_TYPE_LATEST, Metrics

# A check answers None when its part is fine, else a short reason (no personal data, no secrets).
Check = Callable[[], Awaitable[str | None]]
CHECK_TIMEOUT_S = 2.0


async def _run(check: Check) -> str | None:
    try:
        return await asyncio.wait_for(check(), CHECK_TIMEOUT_S)
    except TimeoutError:
        return f"no answer within {CHECK_TIMEOUT_S:g} s"


async def readiness(checks: Mapping[str, Check]) -> tuple[bool, dict[str, str]]:
    """Run all checks concurrently: (all fine, part -> "ok" or the reason it is not)."""
    names = list(checks)
    results = await asyncio.gather(*(_run(checks[name]) for name in names))
    report = {name: (result or "ok") for name, result in zip(names, results, strict=True)}
    return all(result is None for result in results), report


def create_http_app(
    checks: Mapping[str, Check], metrics: Metrics, *, asyncapi: Callable[[], str] | None = None
) -> Starlette:
    """The ASGI app; `checks` name the parts readiness depends on (broker, database, schemas)."""

    async def live(_: Request) -> Response:
        return JSONResponse({"status": "live"})

    async def ready(_: Request) -> Response:
        ok, report = await readiness(checks)
        failing = [name for name, state in report.items() if state != "ok"]
        body = {"status": "ready" if ok else "not ready", "failing": failing, "checks": report}
        return JSONResponse(body, status_code=200 if ok else 503)

    async def metrics_endpoint(_: Request) -> Response:
        return Response(metrics.render(), media_type=CONTENT_TYPE_LATEST)

    async def asyncapi_endpoint(_: Request) -> Response:
        return Response(asyncapi() if asyncapi else "{}", media_type="application/json")

    return Starlette(routes=[
        Route("/health/live", live),
        Route("/health/ready", ready),
        Route("/metrics", metrics_endpoint),
        Route("/asyncapi.json", asyncapi_endpoint),
    ])

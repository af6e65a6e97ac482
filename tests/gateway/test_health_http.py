"""The HTTP endpoints: liveness, readiness naming the failing part, Prometheus text with bounded labels."""

from __future__ import annotations

import asyncio
import platform
from importlib import metadata

import httpx

from gateway.worker.health import create_http_app
from gateway.worker.metrics import Metrics


async def _fine() -> str | None:
    return None


async def _down() -> str | None:
    return "unreachable (OperationalError)"


async def _hangs() -> str | None:
    await asyncio.Event().wait()
    return None


def _client(**checks: object) -> httpx.AsyncClient:
    app = create_http_app(checks, Metrics())  # type: ignore[arg-type]
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://worker")


async def test_ready_when_every_part_is_fine() -> None:
    async with _client(broker=_fine, database=_fine, schemas=_fine) as client:
        response = await client.get("/health/ready")
        live = await client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready", "failing": [], "checks": {"broker": "ok", "database": "ok", "schemas": "ok"},
    }
    assert live.status_code == 200


async def test_not_ready_names_the_failing_part() -> None:
    async with _client(broker=_fine, database=_down, schemas=_fine) as client:
        response = await client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["failing"] == ["database"]
    assert response.json()["checks"]["database"] == "unreachable (OperationalError)"


async def test_a_check_that_hangs_counts_as_failing() -> None:
    async with _client(broker=_hangs, database=_fine, schemas=_fine) as client:
        response = await client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["failing"] == ["broker"]


async def test_metrics_are_prometheus_text_of_this_apps_registry() -> None:
    metrics = Metrics()
    metrics.messages.labels("iwmo", "WMO305", "accepted").inc()
    metrics.retourcodes.labels("WMO305", "9063").inc(2)
    app = create_http_app({}, metrics)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://w") as client:
        response = await client.get("/metrics")
    assert response.headers["content-type"].startswith("text/plain")
    body = response.text
    assert 'istd_messages_total{message="WMO305",outcome="accepted",standard="iwmo"} 1.0' in body
    assert 'istd_retourcodes_total{code="9063",message="WMO305"} 2.0' in body
    assert "istd_outbox_backlog 0.0" in body
    assert b'outcome="accepted"' not in Metrics().render()  # a second app counts for itself


async def test_metrics_carry_process_and_runtime_metrics_and_the_build() -> None:
    app = create_http_app({}, Metrics())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://w") as client:
        body = (await client.get("/metrics")).text
    samples = {line.split(" ")[0]: line for line in body.splitlines() if not line.startswith("#")}
    assert float(samples["process_resident_memory_bytes"].split()[1]) > 0
    assert "process_cpu_seconds_total" in samples
    assert 'python_gc_collections_total{generation="0"}' in samples
    python, version = platform.python_version(), metadata.version("istd-gateway")
    assert samples[f'istd_build_info{{python="{python}",version="{version}"}}'].endswith(" 1.0")

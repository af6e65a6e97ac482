"""Benchmark (not a test): the running-allocations API and page on a large generated register.

    .venv/bin/python benchmarks/web_register.py          # once: 1,000,000 allocations into istd_webbench
    .venv/bin/python benchmarks/web_bench.py [--url postgresql://postgres@127.0.0.1:5432/istd_webbench]

Requests go through the whole ASGI app in-process (authentication, query, rendering, JSON), as a
team member of all six gemeenten with an API token. Each case runs `--rounds` times after one warm-up
request; the median and p95 per case are printed next to the ceiling of 300 ms at the median.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import statistics
import time

import httpx
from sqlalchemy import func, select, text

from gateway.settings import DatabaseSettings, Settings, WebSettings
from gateway.web import accounts
from gateway.web.app import create_web_app
from storage.engine import create_engine, ensure_migrated, session_factory
from storage.models import AllocationVersionRow
from storage.unit_of_work import unit_of_work

CEILING_MS = 300.0
ON = "2025-03-10"
GEMEENTEN = ["0599", "0344", "0363", "0518", "0772", "0014"]


async def _prepare(url: str) -> tuple[str, str, int]:
    """A fresh bench user with a token; the busiest provider; the number of allocations."""
    engine = create_engine(url)
    await ensure_migrated(engine)
    async with unit_of_work(session_factory(engine)) as session:
        name = f"bench-{secrets.token_hex(4)}"
        await accounts.add_user(session, name, secrets.token_urlsafe(16), "team", GEMEENTEN)
        token = await accounts.add_api_token(session, name, "bench")
        v = AllocationVersionRow
        busiest = await session.scalar(select(v.aanbieder).group_by(v.aanbieder)
                                       .order_by(func.count().desc()).limit(1))
        allocations = await session.scalar(text("SELECT count(*) FROM allocations"))
    await engine.dispose()
    return token, str(busiest), int(allocations or 0)


def _cases(busiest: str) -> dict[str, tuple[str, dict[str, str]]]:
    return {
        "api page 1": ("/api/running", {"on": ON}),
        "api page 50, ingangsdatum desc": ("/api/running", {"on": ON, "page": "50", "sort": "ingangsdatum",
                                                            "desc": "true"}),
        "api busiest provider + category 02": ("/api/running", {"on": ON, "aanbieder": busiest,
                                                                "categorie": "02"}),
        "api state not_started": ("/api/running", {"on": ON, "state": "not_started"}),
        "api gemeente 0599 + pc4 3011, by pc4": ("/api/running", {"on": ON, "gemeente": "0599", "pc4": "3011",
                                                                  "sort": "pc4"}),
        "api sorted by state, page 3": ("/api/running", {"on": ON, "sort": "state", "page": "3"}),
        "html /lopend page 1": ("/lopend", {"on": ON}),
        "html /lopend Jeugd, temporarily stopped": ("/lopend", {"on": ON, "standard": "ijw",
                                                                "state": "temporarily_stopped"}),
    }


async def _time(client: httpx.AsyncClient, token: str, path: str, params: dict[str, str],
                rounds: int) -> list[float]:
    headers = {"Authorization": f"Bearer {token}"}
    (await client.get(path, params=params, headers=headers)).raise_for_status()  # warm-up
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        response = await client.get(path, params=params, headers=headers)
        times.append((time.perf_counter() - began) * 1000)
        response.raise_for_status()
    return times


async def _bench(url: str, rounds: int) -> bool:
    token, busiest, allocations = await _prepare(url)
    settings = Settings(database=DatabaseSettings(url=url),
                        web=WebSettings(secret_key="bench", cookie_secure=False))
    app = create_web_app(settings)
    print(f"register: {allocations:,} allocations ({url.split('://')[0]}), reference date {ON}, "
          f"{rounds} rounds per case; ceiling {CEILING_MS:.0f} ms at the median")
    within = True
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench",
                                 timeout=120) as client:
        for name, (path, params) in _cases(busiest).items():
            times = sorted(await _time(client, token, path, params, rounds))
            median, p95 = statistics.median(times), times[min(len(times) - 1, round(len(times) * 0.95) - 1)]
            verdict = "ok" if median <= CEILING_MS else "OVER"
            within &= median <= CEILING_MS
            print(f"{name:44s} median {median:7.1f} ms   p95 {p95:7.1f} ms   ceiling {CEILING_MS:.0f} ms"
                  f"  {verdict}")
    return within


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/istd_webbench")
    parser.add_argument("--rounds", type=int, default=21)
    args = parser.parse_args()
    within = asyncio.run(_bench(args.url, args.rounds))
    print("all medians within the ceiling" if within else "some medians OVER the ceiling")
    raise SystemExit(0 if within else 1)


if __name__ == "__main__":
    main()

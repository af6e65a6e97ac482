"""Benchmark (not a test): every page and API route of the web app on a large generated register.

    .venv/bin/python benchmarks/web_register.py          # once: 1,000,000 allocations into istd_webbench
    .venv/bin/python benchmarks/web_bench.py [--url postgresql://postgres@127.0.0.1:5432/istd_webbench]

Requests go through the whole ASGI app in-process (authentication, query, rendering, JSON), with API
tokens of three fresh users: a team member and an analyst of all six gemeenten, and an ops user; each
case runs as the role that uses the route (benchmarks/web_bench_cases.py lists them). Each case runs
`--rounds` times after one warm-up request (fewer, at least 1, when they would take more than
`--budget` seconds); the median and p95 per case are printed next to the ceiling of 300 ms at the
median, then one verdict line. Exit 1 when a median is over the ceiling or a
case does not answer as its route does when it works (200; the start page's 303).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import secrets
import statistics
import time

import httpx
from sqlalchemy import text
from web_bench_cases import ON, Case, cases, facts

from gateway.settings import DatabaseSettings, Settings, WebSettings
from gateway.web import accounts
from gateway.web.app import create_web_app
from storage.engine import create_engine, ensure_migrated, session_factory
from storage.unit_of_work import unit_of_work

CEILING_MS = 300.0
GEMEENTEN = ["0599", "0344", "0363", "0518", "0772", "0014"]
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


async def _prepare(url: str) -> tuple[dict[str, str], list[Case], int]:
    """Fresh bench users with tokens (one per role), the cases, the number of allocations."""
    engine = create_engine(url)
    await ensure_migrated(engine)
    tokens = {}
    async with unit_of_work(session_factory(engine)) as session:
        for role in ("team", "analyst", "ops"):
            name = f"bench-{role}-{secrets.token_hex(4)}"
            await accounts.add_user(session, name, secrets.token_urlsafe(16), role,
                                    [] if role == "ops" else GEMEENTEN)
            tokens[role] = await accounts.add_api_token(session, name, "bench")
        found = await facts(session)
        allocations = await session.scalar(text("SELECT count(*) FROM allocations"))
    await engine.dispose()
    return tokens, cases(found), int(allocations or 0)


async def _call(client: httpx.AsyncClient, tokens: dict[str, str], case: Case) -> httpx.Response:
    headers = {"Authorization": f"Bearer {tokens[case.role]}"} if case.role else {}
    if case.form is not None:
        shown = await client.get(case.form_page, headers=headers)  # the form, with its CSRF token and cookie
        found = CSRF.search(shown.text)
        form = {**case.form, "csrf": found.group(1) if found else ""}
        return await client.post(case.path, data=form, headers=headers)
    if case.json is not None:
        return await client.post(case.path, json=case.json, headers=headers)
    return await client.get(case.path, params=case.params, headers=headers)


class Refused(Exception):
    """A case answered another status than its route gives when it works."""


async def _time(client: httpx.AsyncClient, tokens: dict[str, str], case: Case, rounds: int,
                budget: float) -> list[float]:
    """`rounds` timings after a warm-up; fewer (at least 1) when they would take more than `budget` s."""
    times: list[float] = []
    while len(times) <= rounds:  # the first is the warm-up
        began = time.perf_counter()
        response = await _call(client, tokens, case)
        times.append((time.perf_counter() - began) * 1000)
        if response.status_code != case.status:
            raise Refused(f"{case.method} {case.path} answered {response.status_code}, not {case.status}")
        if len(times) == 1:
            rounds = min(rounds, max(1, int(budget * 1000 / max(times[0], 1.0))))
    return times[1:]


def _chosen(name: str, only: list[str] | None, skip: list[str] | None) -> bool:
    return (not only or any(part in name for part in only)) and not any(part in name for part in skip or ())


def _p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(len(ordered) * 0.95) - 1)]


async def bench(url: str, rounds: int, only: list[str] | None = None, budget: float = 60.0,
                skip: list[str] | None = None) -> bool:
    tokens, every, allocations = await _prepare(url)
    settings = Settings(database=DatabaseSettings(url=url),
                        web=WebSettings(secret_key="bench", cookie_secure=False,
                                        insight_refresh_seconds=0))  # `istd insight refresh --on`
    app = create_web_app(settings)
    load = os.getloadavg()
    print(f"register: {allocations:,} allocations ({url.split('://')[0]}), reference date {ON}, "
          f"{len(every)} cases, {rounds} rounds per case; ceiling {CEILING_MS:.0f} ms at the median; "
          f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    within = True
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench",
                                 timeout=600) as client:
        for case in every:
            if not _chosen(case.name, only, skip):
                continue
            try:
                times = await _time(client, tokens, case, rounds, budget)
            except Refused as refused:
                print(f"{case.name:42s} FAILED: {refused}", flush=True)
                within = False
                continue
            median = statistics.median(times)
            verdict = "ok" if median <= CEILING_MS else "OVER"
            within &= median <= CEILING_MS
            print(f"{case.name:42s} median {median:7.1f} ms   p95 {_p95(times):7.1f} ms   "
                  f"ceiling {CEILING_MS:.0f} ms  {verdict:4s}  ({len(times)} rounds)", flush=True)
    return within


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/istd_webbench")
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("--only", action="append", help="only cases whose name holds this text (repeatable)")
    parser.add_argument("--skip", action="append", help="not the cases whose name holds this text")
    parser.add_argument("--budget", type=float, default=60.0,
                        help="seconds per case: a slow case gets fewer rounds (at least 1)")
    args = parser.parse_args()
    within = asyncio.run(bench(args.url, args.rounds, args.only, args.budget, args.skip))
    print("all medians within the ceiling" if within else "some medians OVER the ceiling")
    raise SystemExit(0 if within else 1)


if __name__ == "__main__":
    main()

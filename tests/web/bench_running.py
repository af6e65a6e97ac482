"""Benchmark (not a test): the running-allocations API and page on a generated register of N allocations.

    .venv/bin/python tests/web/bench_running.py [--allocations 1000000] [--db var/bench/insight.sqlite3]

Generates the register once (SQLite, bulk inserts straight into the migrated schema; test
BSNs 9999xxxxx are not all 11-proof here, they never leave the file), then times requests
through the ASGI app and prints the median and p90 in milliseconds per request kind.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx

from gateway.settings import DatabaseSettings, Settings, WebSettings
from gateway.web import accounts
from gateway.web.app import create_web_app
from storage.engine import create_engine, ensure_migrated, session_factory
from storage.unit_of_work import unit_of_work

PROVIDERS = [f"{10000000 + i * 7919:08d}" for i in range(60)]
CATEGORIES = ["01", "02", "03", "04", "07", "10", "45", "54"]


async def _schema(url: str) -> str:
    engine = create_engine(url)
    await ensure_migrated(engine)
    async with unit_of_work(session_factory(engine)) as session:
        await accounts.add_user(session, "bench", "bench password long", "team", ["0599", "0344"])
        token = await accounts.add_api_token(session, "bench", "bench")
    await engine.dispose()
    return token


def _generate(path: Path, n: int) -> None:
    rng = random.Random(42)
    db = sqlite3.connect(path)
    now = datetime(2025, 1, 1, tzinfo=UTC).isoformat(sep=" ")
    db.executemany(
        "INSERT INTO messages (id, sha256, raw, received_at, direction, status, codes, findings) "
        "VALUES (?, ?, x'', ?, 'in', 'recorded', '[]', '[]')",
        ((i, f"{i:064x}", now) for i in range(1, n // 1000 + 2)),
    )
    clients = max(1, n * 2 // 5)
    db.executemany(
        "INSERT INTO clients (id, public_id, bsn, geslachtsnaam, voorletters, postcode, huisnummer) "
        "VALUES (?, ?, ?, 'Test', 'A', ?, ?)",
        (
            (i, f"p{i:015d}", f"{999000000 + i:09d}"[-9:], f"{3000 + i % 400}AB", i % 200 + 1)
            for i in range(1, clients + 1)
        ),
    )
    base = date(2023, 1, 1)
    allocations, versions, deliveries = [], [], []
    for i in range(1, n + 1):
        gemeente = "0599" if i % 5 else "0344"
        start = base + timedelta(days=rng.randrange(0, 900))
        end = start + timedelta(days=rng.choice([90, 180, 365, 730]))
        allocations.append((i, "iwmo" if i % 4 else "ijw", gemeente, i))
        versions.append(
            (
                i,
                i,
                i // 1000 + 1,
                rng.randrange(1, clients + 1),
                rng.choice(PROVIDERS),
                rng.choice(CATEGORIES),
                start.isoformat(),
                end.isoformat(),
                start.isoformat(),
            )
        )
        if rng.random() < 0.8:
            deliveries.append(
                (
                    "iwmo" if i % 4 else "ijw",
                    gemeente,
                    i,
                    (start + timedelta(days=3)).isoformat(),
                    i // 1000 + 1,
                    versions[-1][3],
                    versions[-1][4],
                )
            )
    db.executemany(
        "INSERT INTO allocations (id, standard, gemeente, toewijzingnummer) VALUES (?, ?, ?, ?)", allocations
    )
    db.executemany(
        "INSERT INTO allocation_versions (id, allocation_id, message_id, client_id, aanbieder, "
        "product_categorie, ingangsdatum, einddatum, toewijzingsdatum, toewijzingstijd, deleted, "
        "voided, is_current) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '09:00:00.000000', 0, 0, 1)",
        versions,
    )
    db.executemany(
        "INSERT INTO deliveries (standard, gemeente, toewijzingnummer, begindatum, message_id, "
        "client_id, aanbieder, kind) VALUES (?, ?, ?, ?, ?, ?, ?, 'start')",
        deliveries,
    )
    db.commit()
    db.execute("ANALYZE")
    db.close()


async def _time(
    client: httpx.AsyncClient, token: str, path: str, params: dict[str, str], rounds: int
) -> list[float]:
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        response = await client.get(path, params=params, headers={"Authorization": f"Bearer {token}"})
        times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, response.text[:200]
    return times


async def _bench(url: str, token: str, rounds: int) -> None:
    settings = Settings(
        database=DatabaseSettings(url=url), web=WebSettings(secret_key="bench", cookie_secure=False)
    )
    app = create_web_app(settings)
    cases = {
        "api page 1": ("/api/running", {"on": "2025-03-10"}),
        "api page 50, sorted by ingang desc": (
            "/api/running",
            {"on": "2025-03-10", "page": "50", "sort": "ingangsdatum", "desc": "true"},
        ),
        "api filtered provider+category": (
            "/api/running",
            {"on": "2025-03-10", "aanbieder": PROVIDERS[3], "categorie": "02"},
        ),
        "api filtered state not_started": ("/api/running", {"on": "2025-03-10", "state": "not_started"}),
        "html page 1": ("/lopend", {"on": "2025-03-10"}),
    }
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
        for name, (path, params) in cases.items():
            times = await _time(client, token, path, params, rounds)
            print(
                f"{name:40s} median {statistics.median(times):8.1f} ms   p90 "
                f"{sorted(times)[int(len(times) * 0.9) - 1]:8.1f} ms"
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--allocations", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, default=Path("var/bench/insight.sqlite3"))
    parser.add_argument("--rounds", type=int, default=11)
    args = parser.parse_args()
    url = f"sqlite:///{args.db}"
    if args.db.exists():
        args.db.unlink()
    args.db.parent.mkdir(parents=True, exist_ok=True)
    token = asyncio.run(_schema(url))
    began = time.perf_counter()
    _generate(args.db, args.allocations)
    print(f"generated {args.allocations:,} allocations in {time.perf_counter() - began:.0f} s")
    asyncio.run(_bench(url, token, args.rounds))


if __name__ == "__main__":
    main()

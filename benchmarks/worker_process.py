"""`istd worker` as the benchmark's subprocess: start, figures from /metrics, drain, stop."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
import httpx

from tests.kit.reliability import free_port

ROOT = Path(__file__).resolve().parents[1]
RABBIT = os.environ.get("ISTD_BENCH_RABBIT", "amqp://guest:guest@127.0.0.1:5672/")
PROCESSED_SQL = "SELECT count(*) FROM messages WHERE status <> 'sent'"
UNPUBLISHED_SQL = "SELECT count(*) FROM outbox WHERE published_at IS NULL"


class Worker:
    """`istd worker` as a subprocess, optionally under cProfile; samples its RSS."""

    def __init__(self, url: str, prefix: str, profile: Path | None, log: Path, *, processes: int = 1,
                 shards: int = 0) -> None:
        self.port = free_port()
        self.env = {**os.environ, "ISTD_BROKER__URL": RABBIT, "ISTD_BROKER__PREFIX": prefix,
                    "ISTD_DATABASE__URL": url, "ISTD_HTTP__PORT": str(self.port),
                    "ISTD_BROKER__SHARDS": str(shards)}
        runner = ["-m", "cProfile", "-o", str(profile)] if profile else []
        several = ["--processes", str(processes)] if processes > 1 else []
        self.argv = [sys.executable, *runner, "-m", "gateway.cli.main", "worker", *several]
        self.log = log
        self.peak_rss_mb = 0.0
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            *self.argv, env=self.env, cwd=ROOT, stderr=self.log.open("wb"))
        async with httpx.AsyncClient() as client, asyncio.timeout(120):
            while True:
                try:
                    if (await client.get(f"http://127.0.0.1:{self.port}/health/ready")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)

    def sample_rss(self) -> None:
        assert self.process is not None
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                self.peak_rss_mb = max(self.peak_rss_mb, int(line.split()[1]) / 1024)

    async def _metrics(self) -> str:
        async with httpx.AsyncClient() as client:
            return (await client.get(f"http://127.0.0.1:{self.port}/metrics")).text

    async def batch_figures(self) -> tuple[float, float]:
        """(mean messages per batch, mean batch milliseconds) from the worker's /metrics so far."""
        text = await self._metrics()
        found = dict(re.findall(r"^(istd_batch_(?:size|seconds)_(?:sum|count)) ([0-9.e+-]+)$", text, re.M))
        count = float(found.get("istd_batch_size_count", 0)) or 1.0
        return (float(found.get("istd_batch_size_sum", 0)) / count,
                1000 * float(found.get("istd_batch_seconds_sum", 0)) / count)

    async def cpu_seconds(self) -> dict[str, float]:
        """CPU seconds so far: the whole process (`total`) and each stage (gateway.processing.stages)."""
        text = await self._metrics()
        found = {stage: float(value) for stage, value in re.findall(
            r'^istd_stage_cpu_seconds_total\{stage="([a-z]+)"\} ([0-9.e+-]+)$', text, re.M)}
        total = re.search(r"^process_cpu_seconds_total ([0-9.e+-]+)$", text, re.M)
        found["total"] = float(total.group(1)) if total else 0.0
        return found

    async def stop(self) -> tuple[int, float]:
        assert self.process is not None
        started = time.perf_counter()
        self.process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(self.process.wait(), 60)
        return code, time.perf_counter() - started


async def count(url: str, sql: str) -> int:
    connection = await asyncpg.connect(url)
    try:
        return int(await connection.fetchval(sql))
    finally:
        await connection.close()


@dataclass
class Drained:
    """One drain: the sustained rate from the first processed message to the last, and the outbox after it."""

    rate: float = 0.0
    published_rate: float = 0.0  # until every retour and report was published too
    backlog: int = -1  # outbox rows not yet published when the last message was processed
    cpu_us: dict[str, float] = field(default_factory=dict)


async def drain(worker: Worker, url: str, total: int) -> Drained:
    """Wait until the worker processed `total` messages in all (earlier drains included)."""
    already = await count(url, PROCESSED_SQL)
    first: tuple[float, int] | None = None
    while True:
        done = await count(url, PROCESSED_SQL)
        now = time.perf_counter()
        worker.sample_rss()
        if first is None and done > already:
            first = (now, done)
        if done >= total:
            break
        await asyncio.sleep(0.25)
    assert first is not None
    result = Drained(rate=(done - first[1]) / max(now - first[0], 1e-9))
    result.backlog = await count(url, UNPUBLISHED_SQL)
    while await count(url, UNPUBLISHED_SQL) > 0:  # noqa: ASYNC110 - polling the database
        await asyncio.sleep(0.1)
    result.published_rate = (done - first[1]) / max(time.perf_counter() - first[0], 1e-9)
    return result

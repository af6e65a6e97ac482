"""Worker memory under a flood of large documents: peak RSS against what prefetch lets it hold.

    python benchmarks/large_message_bench.py [--over 24] [--near 4] [--prefetch 256]

Publishes `--over` documents of 30 MiB (over the 25 MiB limit: refused by size, never parsed) and
`--near` valid 301s just under the limit (parsed, XSD-validated, decoded, stored) to a fresh prefix's
`istd.in`, then runs `istd worker` (a subprocess, as deployed, on a temporary SQLite file) until every
document is stored. Prints the worker's RSS at start, its peak (VmHWM) and the ceiling it is compared
with: RSS when ready + min(prefetch, documents) x the largest document x 3 (the body in aiormq's frame
buffer, the bytes handed to the batch, and the stored copy in the SQLAlchemy unit of work) + 300 MiB
for the one document parsed at a time (its lxml tree; tests/hostile bounds one parse by that). RabbitMQ
has no byte-based prefetch, so that product is the bound an operator sets with
ISTD_BROKER__PREFETCH and RabbitMQ's `max_message_size`. Removes its queues and exchanges at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import aio_pika

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gateway.cli.publish import publish  # noqa: E402 - after the path set-up, like the other benchmarks
from gateway.settings import BrokerSettings, Settings  # noqa: E402
from gateway.worker.topology import Topology  # noqa: E402
from tests.hostile.generate import _big_toewijzing  # noqa: E402

RABBIT = os.environ.get("ISTD_BENCH_RABBIT", "amqp://guest:guest@127.0.0.1:5672/")
MIB = 2**20
LIMIT = 25 * MIB
PARSE_MIB = 300


def documents(over: int, near: int) -> list[bytes]:
    """`over` distinct 30 MiB documents and `near` distinct valid 301s just under the limit."""
    big = [bytes(30 * MIB - i - 1) + b"<" for i in range(over)]  # NUL bytes: over the limit, not XML
    return big + [_big_toewijzing(LIMIT - 4096 - i, per_product=20_000) for i in range(near)]


def _rss_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _stored(database: Path) -> int:
    if not database.exists():
        return 0
    try:
        with sqlite3.connect(database, timeout=5) as db:
            return int(db.execute("SELECT count(*) FROM messages WHERE status != 'sent'").fetchone()[0])
    except sqlite3.OperationalError:  # not migrated yet
        return 0


def _publish(prefix: str, bodies: list[bytes], folder: Path) -> None:
    """Through `istd publish` (declares the topology, persistent, with confirms)."""
    files = []
    for i, body in enumerate(bodies):
        files.append(folder / f"{i:03d}.xml")
        files[-1].write_bytes(body)
    settings = Settings(broker=BrokerSettings(url=RABBIT, prefix=prefix))
    asyncio.run(publish(settings, files))
    for file in files:
        file.unlink()


async def _cleanup(topology: Topology) -> None:
    connection = await aio_pika.connect(RABBIT)
    channel = await connection.channel()
    for queue in topology.all_queues():
        await channel.queue_delete(queue.name, if_unused=False, if_empty=False)
    for exchange in topology.all_exchanges():
        await channel.exchange_delete(exchange.name)
    await connection.close()


def _worker(prefix: str, database: Path, prefetch: int) -> tuple[subprocess.Popen[bytes], int]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "ISTD_BROKER__URL": RABBIT, "ISTD_BROKER__PREFIX": prefix,
           "ISTD_BROKER__PREFETCH": str(prefetch), "ISTD_DATABASE__URL": f"sqlite:///{database}",
           "ISTD_HTTP__PORT": str(port)}  # fmt: skip
    process = subprocess.Popen([sys.executable, "-m", "gateway.cli.main", "worker"], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    return process, port


def idle_rss_kb(prefix: str, database: Path, prefetch: int) -> int:
    """RSS of a worker ready (migrated, schemas compiled, consuming) on an empty queue; stopped after."""
    worker, port = _worker(prefix, database, prefetch)
    try:
        while worker.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/ready", timeout=2) as answer:
                    if answer.status == 200:
                        return _rss_kb(worker.pid, "VmRSS")
            except OSError:
                pass
            time.sleep(0.2)  # polling for readiness of a child process
        raise RuntimeError("the worker exited before it was ready")
    finally:
        worker.terminate()
        worker.wait(timeout=60)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--over", type=int, default=24, help="30 MiB documents (default 24)")
    parser.add_argument("--near", type=int, default=4, help="valid 301s just under 25 MiB (default 4)")
    parser.add_argument("--prefetch", type=int, default=256, help="ISTD_BROKER__PREFETCH (default 256)")
    args = parser.parse_args()
    bodies = documents(args.over, args.near)
    topology = Topology(prefix=f"bench-large-{secrets.token_hex(4)}.")
    with tempfile.TemporaryDirectory() as tmp:
        database = Path(tmp) / "bench.sqlite3"
        try:
            start_kb = idle_rss_kb(topology.prefix, database, args.prefetch)  # declares the topology too
            _publish(topology.prefix, bodies, Path(tmp))
            worker, _ = _worker(topology.prefix, database, args.prefetch)
            started = time.monotonic()
            while _stored(database) < len(bodies) and worker.poll() is None:
                time.sleep(0.5)  # polling a measurement, not synchronising anything
            seconds, peak_kb, alive = (
                time.monotonic() - started,
                _rss_kb(worker.pid, "VmHWM"),
                worker.poll() is None,
            )
            worker.terminate()
            worker.wait(timeout=60)
        finally:
            asyncio.run(_cleanup(topology))
    held = min(args.prefetch, len(bodies))
    ceiling_mib = start_kb / 1024 + held * max(map(len, bodies)) * 3 / MIB + PARSE_MIB
    print(
        f"large documents: {args.over} x 30 MiB (refused by size) + {args.near} x ~25 MiB valid 301, "
        f"prefetch {args.prefetch}; all {len(bodies)} stored: {alive}; {seconds:.1f} s"
    )
    print(
        f"worker RSS: {start_kb / 1024:.0f} MiB ready and idle, peak {peak_kb / 1024:.0f} MiB; "
        f"ceiling {ceiling_mib:.0f} MiB (idle + {held} held x largest x 3 + {PARSE_MIB} parse): "
        f"{'within' if peak_kb / 1024 <= ceiling_mib else 'OVER'}"
    )
    return 0 if alive else 1


if __name__ == "__main__":
    sys.exit(main())

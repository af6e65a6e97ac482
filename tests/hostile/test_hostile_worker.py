"""The hostile corpus through the real worker (`istd worker` as a child process) on the real RabbitMQ.

Every document is published to a fresh prefix's `istd.in` (RabbitMQ accepts up to its
`max_message_size`, 128 MiB by default, so the 30 MiB documents reach the worker and are refused
there by size, unparsed). Asserted per document, by its sha256:

    not-xml, unsupported, invalid-xsd .. stored `invalid` (raw kept), one error report on istd.errors,
                                         no retour; over the size limit with the finding SIZE
    rejected-rules ..................... a provider's 305: stored `rejected`, a retour (0001) on istd.out;
                                         the municipality's 301: stored `rejected`, an error report
    valid .............................. a 305 answered with exactly one retour; a 301/319 forwarded or
                                         reported; a retour paired, or unmatched and reported

and for the whole run: the worker stays alive and ready, nothing is dead-lettered or retried,
nothing of /etc/passwd appears in anything published, nothing connects to the trap port, and the
worker's peak RSS stays under a generous bound (the figures are printed: `pytest -s`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import sqlite3
import subprocess
import sys
import urllib.request
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aio_pika
import pytest

from gateway.worker.topology import Topology
from tests.kit.services import RABBIT_URL, rabbit_connection

pytestmark = pytest.mark.rabbitmq
HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent.parent
RUN_BOUND_S = 900  # hang guard for the whole corpus; the test waits on conditions, never sleeps
PEAK_RSS_BOUND_MB = 1500  # a resource bound: a batch may hold several 25-30 MB documents and their trees
LEAK_MARKERS = ("root:x:", "root:*:", "root:!:", "/bin/bash", "/usr/sbin/nologin")
INVALID = ("not-xml", "unsupported", "invalid-xsd")
PROVIDER = (305, 307, 315, 317)
OWN = (301, 319)


@dataclass
class Worker:
    process: subprocess.Popen[bytes]
    port: int
    database: Path
    log: Path

    def rss_kb(self, field: str = "VmRSS") -> int:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
        raise KeyError(field)

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=5) as response:
                return int(response.status), response.read().decode()
        except urllib.error.HTTPError as error:
            return int(error.code), error.read().decode()
        except urllib.error.URLError:
            return 0, ""  # not listening (yet)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _until(probe: Any, what: str, within: float = RUN_BOUND_S) -> Any:
    """Poll `probe` (sync or async) until it answers something truthy; fail after `within` seconds."""
    try:
        async with asyncio.timeout(within):
            while True:
                result = probe()
                result = await result if asyncio.iscoroutine(result) else result
                if result:
                    return result
                await asyncio.sleep(0.2)
    except TimeoutError:
        pytest.fail(f"gave up waiting for {what} after {within} s")


@contextlib.contextmanager
def _worker(prefix: str, tmp_path: Path) -> Iterator[Worker]:
    port, database, log = _free_port(), tmp_path / "worker.sqlite3", tmp_path / "worker.log"
    env = {
        **os.environ,
        "ISTD_BROKER__URL": RABBIT_URL,
        "ISTD_BROKER__PREFIX": prefix,
        "ISTD_DATABASE__URL": f"sqlite:///{database}",
        "ISTD_HTTP__PORT": str(port),
    }
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "gateway.cli.main", "worker"],
            cwd=REPO_ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    worker = Worker(process, port, database, log)
    try:
        yield worker
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)


@pytest.fixture
async def broker(prefix: str) -> AsyncIterator[aio_pika.abc.AbstractRobustConnection]:
    async with rabbit_connection(prefix) as connection:
        yield connection


@pytest.fixture
def prefix() -> str:
    return f"test-hostile-{os.urandom(4).hex()}."


async def _capture(channel: aio_pika.abc.AbstractChannel, topology: Topology) -> aio_pika.abc.AbstractQueue:
    queue = await channel.declare_queue(f"{topology.prefix}capture", durable=True)
    for exchange in (topology.out_exchange, topology.errors_exchange):
        declared = await channel.declare_exchange(
            exchange.name, type=exchange.type.value, durable=True, arguments=exchange.arguments
        )
        await queue.bind(declared, routing_key="#")
    return queue


def _rows(database: Path) -> dict[str, tuple[str, bytes, str | None, int | None, list[Any]]]:
    with contextlib.closing(sqlite3.connect(database, timeout=30)) as db:
        rows = db.execute("SELECT sha256, status, raw, message_name, message_number, findings FROM messages")
        return {
            sha: (status, bytes(raw), name, number, json.loads(f))
            for sha, status, raw, name, number, f in rows
        }


def _sent_retours(database: Path) -> dict[str, tuple[str, list[str]]]:
    """sha256 of each heen message we answered -> (the outbox message_id of its retour, header codes)."""
    query = (
        "SELECT h.sha256, r.message_name || '-' || t.identificatie_retour, t.header_codes "
        "FROM retours t "
        "JOIN messages h ON h.id = t.heen_message_id JOIN messages r ON r.id = t.retour_message_id "
        "WHERE t.direction = 'sent'"
    )
    with contextlib.closing(sqlite3.connect(database, timeout=30)) as db:
        return {sha: (key, json.loads(codes)) for sha, key, codes in db.execute(query)}


async def test_every_hostile_document_gets_its_verdict_through_the_worker(
    corpus_dir: Path,
    entries: list[dict[str, Any]],
    broker: aio_pika.abc.AbstractRobustConnection,
    prefix: str,
    tmp_path: Path,
    trap: socket.socket | None,
) -> None:
    topology = Topology(prefix=prefix)
    bodies = {e["sha256"]: (corpus_dir / e["file"]).read_bytes() for e in entries}
    with _worker(prefix, tmp_path) as worker:
        await _until(
            lambda: worker.process.poll() is not None or worker.get("/health/ready")[0] == 200,
            "the worker to be ready",
            120,
        )
        assert worker.process.poll() is None, worker.log.read_text()[-4000:]
        baseline_kb = worker.rss_kb()
        channel = await broker.channel(publisher_confirms=True)
        capture = await _capture(channel, topology)
        inbound = await channel.get_exchange(topology.inbound_exchange.name)
        for entry in entries:
            body = bodies[entry["sha256"]]
            await inbound.publish(aio_pika.Message(body, delivery_mode=aio_pika.DeliveryMode.PERSISTENT), "")
        await _until(
            lambda: worker.process.poll() is not None or set(bodies) <= set(_rows(worker.database)),
            "a stored row for every document",
        )
        assert worker.process.poll() is None, "the worker died:\n" + worker.log.read_text()[-4000:]
        rows, answered = _rows(worker.database), _sent_retours(worker.database)
        expected = _expected_publications(entries, rows, answered)
        published = await _take(capture, len(expected))
        metrics = worker.get("/metrics")[1]
        ready = worker.get("/health/ready")[0]
        peak_kb, end_kb = worker.rss_kb("VmHWM"), worker.rss_kb()
        dead = await channel.declare_queue(topology.dead_queue.name, passive=True)
        inbound_left = await channel.declare_queue(topology.inbound_queue.name, passive=True)
        await channel.close()
    total_mb = sum(len(b) for b in bodies.values()) / 2**20
    print(
        f"\nhostile corpus through the worker: {len(entries)} documents ({len(bodies)} distinct, "
        f"{total_mb:.0f} MiB); worker RSS {baseline_kb / 1024:.0f} MiB at start, "
        f"peak {peak_kb / 1024:.0f} MiB, "
        f"{end_kb / 1024:.0f} MiB at the end (bound on the peak: {PEAK_RSS_BOUND_MB} MiB)"
    )
    print("statuses:", dict(Counter(rows[sha][0] for sha in bodies)))
    _check_rows(entries, rows, bodies)
    technical = [e["sha256"] for e in entries if e["expected"] == "rejected-rules" and "305" in e["message"]]
    assert technical
    assert all(answered[sha][1] == ["0001"] for sha in technical)  # level 2: header-only retour 0001
    assert sum(len(body) > 25 * 2**20 for body in bodies.values()) == 3  # the 30 MiB documents
    assert sorted(published) == sorted(expected)
    assert not any(marker.encode() in body for body in published.values() for marker in LEAK_MARKERS)
    assert ready == 200
    assert "istd_processing_failures_total 0.0" in metrics
    assert "istd_dead_lettered_total 0.0" in metrics
    assert dead.declaration_result.message_count == 0
    assert inbound_left.declaration_result.message_count == 0
    assert peak_kb / 1024 < PEAK_RSS_BOUND_MB
    if trap is not None:
        with pytest.raises(BlockingIOError):
            trap.accept()  # nothing connected: no URL was fetched


def _check_rows(entries: list[dict[str, Any]], rows: dict[str, Any], bodies: dict[str, bytes]) -> None:
    problems = []
    for entry in entries:
        status, raw, _, number, findings = rows[entry["sha256"]]
        allowed = _statuses(entry["expected"], number, entry["category"])
        if status not in allowed:
            problems.append(f"{entry['file']}: stored {status}, expected one of {allowed}")
        if raw != bodies[entry["sha256"]]:
            problems.append(f"{entry['file']}: raw bytes not kept as received")
        if entry["expected"] in INVALID and not any(f["text"] for f in findings):
            problems.append(f"{entry['file']}: invalid without a finding text")
        if len(raw) > 25 * 2**20 and [f["code"] for f in findings] != ["SIZE"]:
            problems.append(f"{entry['file']}: over the limit but not refused by size")
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems)


def _statuses(expected: str, number: int | None, category: str) -> tuple[str, ...]:
    if expected in INVALID:
        return ("invalid",)
    if expected == "rejected-rules":
        return ("rejected",)
    if category == "retour-unmatched":
        return ("unmatched",)
    if number in PROVIDER:
        return ("accepted", "rejected")
    if number in OWN:
        return ("recorded", "rejected")
    return ("paired", "unmatched")


def _expected_publications(
    entries: list[dict[str, Any]], rows: dict[str, Any], answered: dict[str, tuple[str, list[str]]]
) -> dict[str, str]:
    """message_id -> what it is, for everything the worker must publish (once per distinct document)."""
    expected = {}
    for sha in dict.fromkeys(e["sha256"] for e in entries):
        status, _, name, number, _ = rows[sha]
        if number in PROVIDER and status in ("accepted", "rejected"):
            expected[answered[sha][0]] = f"retour on {name}"
        elif number in OWN and status == "recorded":
            expected[f"send-{sha[:48]}"] = f"forwarded {name}"
        elif status in ("invalid", "unmatched") or (status == "rejected" and number not in PROVIDER):
            expected[f"report-{sha[:48]}"] = f"error report on {name}"
    return expected


async def _take(queue: aio_pika.abc.AbstractQueue, count: int) -> dict[str, bytes]:
    """message_id -> body of exactly `count` published messages; then checks nothing more arrives."""
    taken: dict[str, bytes] = {}

    async def more() -> bool:
        while (message := await queue.get(no_ack=True, fail=False)) is not None:
            assert message.message_id not in taken, f"published twice: {message.message_id}"
            taken[str(message.message_id)] = message.body
        return len(taken) >= count

    await _until(more, f"{count} publications", 120)
    return taken

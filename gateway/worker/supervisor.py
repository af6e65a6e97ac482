"""`istd worker --processes N`: N worker processes over the shard queues, one health/metrics endpoint.

Each child is a whole `istd worker` (its own consumer, batcher and outbox relay) on its own share of
the shard queues (`ISTD_BROKER__SHARD_IDS`: shard n goes to child n mod N) and its own HTTP port on
127.0.0.1. The supervisor serves the configured HTTP address for the lot:

    /health/live ..... the supervisor runs
    /health/ready .... every child answers ready (503 naming the ones that do not)
    /metrics ......... every child's metrics, each sample labelled worker="<n>" (sum them in queries)

The first child starts alone and the others once it is ready, so one process migrates the database.
SIGTERM or SIGINT goes on to every child; a child still running after `STOP_S` is killed. A child
that ends by itself ends the lot (exit 1): the service manager restarts it whole, so no share of the
shards is left without a consumer.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.metrics_core import Metric
from prometheus_client.parser import text_string_to_metric_families
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from gateway.logs import fields, get_logger
from gateway.worker.metrics import CONTENT_TYPE_LATEST

log = get_logger("supervisor")
STOP_S = 10.0  # SIGTERM to every child; whatever still runs after this long is killed
_ASK_S = 2.0  # a child that does not answer its health or metrics within this is "not answering"


def shares(shards: int, processes: int) -> list[str]:
    """`ISTD_BROKER__SHARD_IDS` of each child: shard n to child n mod `processes`."""
    return [",".join(str(n) for n in range(i, shards, processes)) for i in range(processes)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Child:
    """One `istd worker` process of the lot."""

    number: int
    env: dict[str, str]
    port: int
    process: asyncio.subprocess.Process | None = field(default=None, repr=False)

    async def start(self, argv: Sequence[str]) -> None:
        self.process = await asyncio.create_subprocess_exec(*argv, env=self.env)

    async def get(self, path: str) -> tuple[int, bytes]:
        """HTTP GET on the child's own port: (status, body); (0, b"") when it does not answer."""
        try:
            async with asyncio.timeout(_ASK_S):
                reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
                try:
                    writer.write(f"GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".encode())
                    answer = await reader.read()
                finally:
                    writer.close()
        except (OSError, TimeoutError):
            return 0, b""
        head, _, body = answer.partition(b"\r\n\r\n")
        try:
            return int(head.split(b" ", 2)[1]), body
        except (IndexError, ValueError):
            return 0, b""


class Supervisor:
    """Starts, watches and stops the children; serves their health and metrics as one."""

    def __init__(self, children: Sequence[Child], argv: Sequence[str]) -> None:
        self.children = list(children)
        self.argv = list(argv)
        self.http = Starlette(routes=[
            Route("/health/live", self._live),
            Route("/health/ready", self._ready),
            Route("/metrics", self._metrics),
        ])

    async def start(self) -> None:
        """The first child alone until it is ready (it migrates the database), then the others."""
        first, *others = self.children
        await first.start(self.argv)
        while first.process is not None and first.process.returncode is None:
            if (await first.get("/health/ready"))[0] == 200:
                break
            await asyncio.sleep(0.1)
        for child in others:
            await child.start(self.argv)
        log.info("worker processes started", extra=fields(processes=len(self.children)))

    async def run_until(self, stopping: asyncio.Event) -> int:
        """Wait for `stopping` or for a child to end; then stop them all. 0 when all stopped cleanly."""
        ended = [asyncio.create_task(self._wait(child)) for child in self.children]
        signalled = asyncio.create_task(stopping.wait())
        done, _ = await asyncio.wait([signalled, *ended], return_when=asyncio.FIRST_COMPLETED)
        failed = signalled not in done
        if failed:
            gone = [c.number for c, t in zip(self.children, ended, strict=True) if t.done()]
            log.error("a worker process ended by itself; stopping the others", extra=fields(workers=gone))
        signalled.cancel()
        codes = await self.stop()
        return 1 if failed or any(code != 0 for code in codes) else 0

    async def stop(self) -> list[int]:
        """SIGTERM to every child, SIGKILL to any still running after STOP_S; their exit codes."""
        running = [c.process for c in self.children if c.process is not None]
        for process in running:
            if process.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    process.send_signal(signal.SIGTERM)
        try:
            async with asyncio.timeout(STOP_S):
                return list(await asyncio.gather(*(p.wait() for p in running)))
        except TimeoutError:
            for process in running:
                if process.returncode is None:
                    log.error("a worker process did not stop in time; killed", extra=fields(pid=process.pid))
                    with contextlib.suppress(ProcessLookupError):
                        process.kill()
            return [await p.wait() for p in running]

    @staticmethod
    async def _wait(child: Child) -> int:
        assert child.process is not None
        return await child.process.wait()

    async def _live(self, _: Request) -> Response:
        return JSONResponse({"status": "live", "processes": len(self.children)})

    async def _ready(self, _: Request) -> Response:
        answers = await asyncio.gather(*(child.get("/health/ready") for child in self.children))
        pairs = zip(self.children, answers, strict=True)
        checks = {f"worker {c.number}": _state(status) for c, (status, _) in pairs}
        failing = [name for name, state in checks.items() if state != "ok"]
        body = {"status": "not ready" if failing else "ready", "failing": failing, "checks": checks}
        return JSONResponse(body, status_code=503 if failing else 200)

    async def _metrics(self, _: Request) -> Response:
        answers = await asyncio.gather(*(child.get("/metrics") for child in self.children))
        texts = {c.number: body.decode() for c, (status, body) in zip(self.children, answers, strict=True)
                 if status == 200}
        return Response(merge_metrics(texts), media_type=CONTENT_TYPE_LATEST)


def _state(status: int) -> str:
    return "ok" if status == 200 else ("not ready" if status else "not answering")


class _Merged:
    """A collector that yields already-built metric families."""

    def __init__(self, families: list[Metric]) -> None:
        self.families = families

    def collect(self) -> list[Metric]:
        return self.families


def merge_metrics(texts: Mapping[int, str]) -> bytes:
    """The children's expositions as one: each sample labelled `worker="<n>"`, families merged by name."""
    families: dict[str, Metric] = {}
    for number, text in sorted(texts.items()):
        for family in text_string_to_metric_families(text):
            merged = families.get(family.name)
            if merged is None:
                merged = families[family.name] = Metric(family.name, family.documentation, family.type)
            for sample in family.samples:
                merged.add_sample(sample.name, {**sample.labels, "worker": str(number)}, sample.value)
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Merged(list(families.values())))
    return generate_latest(registry)


def children_for(env: Mapping[str, str], processes: int, shards: int) -> list[Child]:
    """The children's environments: the supervisor's own, with their shard share and HTTP port."""
    children = []
    for number, ids in enumerate(shares(shards, processes)):
        port = free_port()
        child_env = {**env, "ISTD_BROKER__SHARD_IDS": ids, "ISTD_HTTP__HOST": "127.0.0.1",
                     "ISTD_HTTP__PORT": str(port)}
        children.append(Child(number, child_env, port))
    return children


def worker_argv() -> list[str]:
    """How a child is started: this interpreter, `istd worker` without --processes."""
    return [sys.executable, "-m", "gateway.cli.main", "worker"]


def available_cores() -> int:
    """The cores this process may run on (its affinity), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)

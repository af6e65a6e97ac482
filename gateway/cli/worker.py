"""`istd worker`: the RabbitMQ consumer and its HTTP endpoints in one process, until SIGTERM/SIGINT.

With `--processes N` (N > 1) it supervises N such processes over the shard queues (gateway.worker.supervisor).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import socket
import sys
from collections.abc import Iterator
from typing import Any

import uvicorn
from sqlalchemy.exc import SQLAlchemyError

from gateway.cli.common import add_broker_option, add_database_option, database_error, database_url, listen
from gateway.logs import configure, get_logger
from gateway.settings import Settings
from gateway.worker.app import App, StartupError, create_app
from gateway.worker.supervisor import Supervisor, available_cores, children_for, worker_argv

log = get_logger("worker")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "worker", help="consume istd.in, publish retours, serve health/metrics",
        description="The RabbitMQ worker: consumes istd.in, processes each message into the register, "
                    "publishes retours to istd.out and error reports to istd.errors, and serves "
                    "/health/live, /health/ready, /metrics and /asyncapi.json on ISTD_HTTP__HOST:PORT. "
                    "SIGTERM or Ctrl-C: finish the batch in hand, flush the outbox, exit 0.")
    add_database_option(parser)
    add_broker_option(parser)
    parser.add_argument("--asyncapi", action="store_true", help="print the AsyncAPI document (JSON) and exit")
    parser.add_argument(
        "--processes", default="1", metavar="N",
        help="worker processes over the shard queues (N or 'auto': the cores available; needs "
             "ISTD_BROKER__SHARDS >= N and PostgreSQL); one health/metrics endpoint for all",
    )
    parser.set_defaults(handler=run)


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling: the worker decides when everything stops."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def run(args: argparse.Namespace) -> int:
    settings = Settings()
    if args.broker:
        settings.broker.url = args.broker
    settings.database.url = database_url(args)
    configure()
    if args.asyncapi:
        print(create_app(settings).asyncapi())
        return 0
    processes = _processes(args.processes, settings.broker.shards)
    if isinstance(processes, int) and processes > 1 and settings.database.url.startswith("sqlite"):
        processes = "--processes above 1 needs PostgreSQL (SQLite has one writer); set ISTD_DATABASE__URL"
    if isinstance(processes, str):
        print(f"istd worker: {processes}", file=sys.stderr)
        return 2
    sock = listen(settings.http.host, settings.http.port, "ISTD_HTTP__PORT")
    if processes > 1:
        return asyncio.run(supervise(settings, processes, sock))
    return asyncio.run(serve(create_app(settings), sock))


def _processes(text: str, shards: int) -> int | str:
    """--processes as a number, or the one line saying what to change."""
    if text == "auto":
        cores = available_cores()
        if cores > 1 and shards < 2:
            return (f"--processes auto would run {cores} processes, which needs ISTD_BROKER__SHARDS of at "
                    "least 2 (each shard queue keeps the order of its parties); set it, or use --processes 1")
        return max(1, min(cores, shards))
    if not text.isdigit() or int(text) < 1:
        return f"--processes takes a number of at least 1 or 'auto', not {text!r}"
    number = int(text)
    if number > 1 and shards < number:
        return (f"--processes {number} needs ISTD_BROKER__SHARDS of at least {number} (now {shards}): each "
                "shard queue keeps the order of its parties; set it, or use fewer processes")
    return number


async def supervise(settings: Settings, processes: int, sock: socket.socket) -> int:
    """`processes` children over the shard queues; health and metrics for all on the configured port."""
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopping.set)
    # The children read their settings from the environment: the URLs given as options go there too.
    env = {**os.environ, "ISTD_DATABASE__URL": settings.database.url, "ISTD_BROKER__URL": settings.broker.url}
    supervisor = Supervisor(children_for(env, processes, settings.broker.shards), worker_argv())
    config = uvicorn.Config(
        supervisor.http, host=settings.http.host, port=settings.http.port,
        log_config=None, lifespan="off", access_log=False,
    )
    try:
        server, http = await _serve_http(config, sock)
    except StartupError as exc:
        print(f"istd worker: {exc}", file=sys.stderr)
        return 1
    await supervisor.start()
    code = await supervisor.run_until(stopping)
    server.should_exit = True
    await http
    return code


async def _start_http(app: App, sock: socket.socket) -> tuple[_Server, asyncio.Task[None]]:
    config = uvicorn.Config(
        app.http, host=app.settings.http.host, port=app.settings.http.port,
        log_config=None, lifespan="off", access_log=False,
    )
    return await _serve_http(config, sock)


async def _serve_http(config: uvicorn.Config, sock: socket.socket) -> tuple[_Server, asyncio.Task[None]]:
    server = _Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]), name="istd-http")
    while not server.started and not task.done():  # noqa: ASYNC110 - uvicorn has no start-up event
        await asyncio.sleep(0.01)
    if task.done():  # uvicorn ends with SystemExit when it cannot serve
        with contextlib.suppress(SystemExit, OSError):
            task.result()
        where = f"{config.host}:{config.port}"
        raise StartupError(f"cannot serve HTTP on {where}; set ISTD_HTTP__PORT")
    return server, task


async def serve(app: App, sock: socket.socket) -> int:
    """Run until a signal; 0 after a graceful stop, 1 when start-up failed (one line on stderr)."""
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopping.set)
    server: _Server | None = None
    try:
        server, http = await _start_http(app, sock)
        await app.start()
    except (StartupError, SQLAlchemyError) as exc:
        url = app.settings.database.url
        line = str(exc) if isinstance(exc, StartupError) else str(database_error(exc, url))
        print(f"istd worker: {line}", file=sys.stderr)
        await app.close()
        if server is not None:
            server.should_exit = True
            await http
        return 1
    await stopping.wait()
    log.info("stopping (signal)")
    await app.stop()
    server.should_exit = True
    await http
    return 0

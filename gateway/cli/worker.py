"""`istd worker`: the RabbitMQ consumer and its HTTP endpoints in one process, until SIGTERM/SIGINT."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
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
    sock = listen(settings.http.host, settings.http.port, "ISTD_HTTP__PORT")
    return asyncio.run(serve(create_app(settings), sock))


async def _start_http(app: App, sock: socket.socket) -> tuple[_Server, asyncio.Task[None]]:
    config = uvicorn.Config(
        app.http, host=app.settings.http.host, port=app.settings.http.port,
        log_config=None, lifespan="off", access_log=False,
    )
    server = _Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]), name="istd-http")
    while not server.started and not task.done():  # noqa: ASYNC110 - uvicorn has no start-up event
        await asyncio.sleep(0.01)
    if task.done():  # uvicorn ends with SystemExit when it cannot serve
        with contextlib.suppress(SystemExit, OSError):
            task.result()
        where = f"{app.settings.http.host}:{app.settings.http.port}"
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

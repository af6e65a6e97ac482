"""`istd worker`: the RabbitMQ consumer and its HTTP endpoints in one process, until SIGTERM/SIGINT."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from collections.abc import Iterator
from typing import Any

import uvicorn

from gateway.logs import configure, get_logger
from gateway.settings import Settings
from gateway.worker.app import App, StartupError, create_app

log = get_logger("worker")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("worker", help="consume istd.in, publish retours, serve health/metrics")
    parser.add_argument("--asyncapi", action="store_true", help="print the AsyncAPI document (JSON) and exit")
    parser.set_defaults(handler=run)


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling: the worker decides when everything stops."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def run(args: argparse.Namespace) -> int:
    settings = Settings()
    configure()
    if args.asyncapi:
        print(create_app(settings).asyncapi())
        return 0
    return asyncio.run(serve(create_app(settings)))


async def _start_http(app: App) -> tuple[_Server, asyncio.Task[None]]:
    config = uvicorn.Config(
        app.http, host=app.settings.http.host, port=app.settings.http.port,
        log_config=None, lifespan="off", access_log=False,
    )
    server = _Server(config)
    task = asyncio.create_task(server.serve(), name="istd-http")
    while not server.started and not task.done():  # noqa: ASYNC110 - uvicorn has no start-up event
        await asyncio.sleep(0.01)
    if task.done():  # uvicorn ends with SystemExit when it cannot bind
        with contextlib.suppress(SystemExit, OSError):
            task.result()
        where = f"{app.settings.http.host}:{app.settings.http.port}"
        raise StartupError(f"cannot serve HTTP on {where} (in use?); set ISTD_HTTP__PORT")
    return server, task


async def serve(app: App) -> int:
    """Run until a signal; 0 after a graceful stop, 1 when start-up failed (one line on stderr)."""
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopping.set)
    server: _Server | None = None
    try:
        server, http = await _start_http(app)
        await app.start()
    except StartupError as exc:
        print(f"istd worker: {exc}", file=sys.stderr)
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

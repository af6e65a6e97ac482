"""`istd web`: serve the wijkteam pages and JSON API with uvicorn."""

from __future__ import annotations

import argparse
from typing import Any

from gateway.cli.common import add_database_option, database_url, listen
from gateway.logs import configure
from gateway.settings import Settings


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "web", help="serve the insight pages and JSON API (uvicorn)",
        description="Serve the wijkteam pages and the JSON API (login required; users come from "
                    "`istd users`). Runs until Ctrl-C or SIGTERM.")
    add_database_option(parser)
    parser.add_argument("--host", help="listen address (default: ISTD_WEB__HOST)")
    parser.add_argument("--port", type=int, help="port (default: ISTD_WEB__PORT)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    # Imported here, not at the top, for start-up cost only (no circle): every `istd` command imports
    # this module to build its parser, and only `istd web` needs uvicorn and the web app.
    import uvicorn

    from gateway.web.app import create_web_app

    settings = Settings()
    url = database_url(args)
    settings = settings.model_copy(update={"database": settings.database.model_copy(update={"url": url})})
    host, port = args.host or settings.web.host, args.port or settings.web.port
    # Bound here, before uvicorn: a port in use is our one line, not uvicorn's log and exit 3.
    sock = listen(host, port, "--port or ISTD_WEB__PORT")
    # Our JSON lines (ECS) for uvicorn too: log_config=None keeps uvicorn from installing its own.
    # The access log leaves out query strings (a free-text `reden` might hold a BSN) and client
    # addresses (gateway.logs.AccessLogFields); the audit log records who looked at whom.
    configure()
    config = uvicorn.Config(create_web_app(settings), host=host, port=port, log_config=None,
                            access_log=True, proxy_headers=True)
    uvicorn.Server(config).run(sockets=[sock])
    return 0

"""Entry point of `istd`: builds the argument parser from the command modules and dispatches.

Global options (`--database`, `--broker`) are accepted before or after the command and its action.
Every way a command can fail ends here as one line on stderr and an exit code (gateway/cli/common.py).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from importlib.metadata import PackageNotFoundError, version

from gateway.cli.common import (
    INTERRUPTED,
    CommandError,
    Parser,
    add_broker_option,
    add_database_option,
    warn_unknown_settings,
)

# Each module defines `register(subparsers) -> None`, which adds its sub-command and sets
# `handler=<callable(args) -> int>` as the parser default. Keep the list in help order.
COMMAND_MODULES: tuple[str, ...] = (
    "gateway.cli.validate",
    "gateway.cli.ingest", "gateway.cli.allocations", "gateway.cli.db", "gateway.cli.purge",
    "gateway.cli.contracts",
    "gateway.cli.worker",
    "gateway.cli.publish",
    "gateway.cli.dead_letters", "gateway.cli.unrouted",
    "gateway.cli.web", "gateway.cli.users", "gateway.cli.providers", "gateway.cli.areas",
    "gateway.cli.audit",
    "gateway.cli.report", "gateway.cli.insight", "gateway.cli.completion",
)


def _version() -> str:
    try:
        return version("istd-gateway")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="istd", description="iWmo/iJw 3.2 message gateway: validate, process and publish messages, "
        "run the worker and the wijkteam pages. `istd COMMAND --help` describes each command.")
    parser.add_argument("--version", action="version", version=f"istd {_version()}")
    add_database_option(parser)
    add_broker_option(parser)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    # `istd completion` walks the whole parser; handed over here, it needs no import of this module.
    parser.set_defaults(root_parser=parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    for name in ("database", "broker"):
        if not hasattr(args, name):
            setattr(args, name, None)
    handler: Callable[[argparse.Namespace], int] | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return 2
    warn_unknown_settings()
    name = " ".join(str(part) for part in ("istd", args.command, getattr(args, "action", None)) if part)
    try:
        return handler(args)
    except CommandError as error:
        print(f"{name}: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print(f"{name}: interrupted", file=sys.stderr)
        return INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())

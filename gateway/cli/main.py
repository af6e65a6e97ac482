"""Entry point of `istd`: builds the argument parser from the command modules and dispatches."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

# Each module defines `register(subparsers) -> None`, which adds its sub-command and sets
# `handler=<callable(args) -> int>` as the parser default. Keep the list in help order.
COMMAND_MODULES: tuple[str, ...] = (
    "gateway.cli.validate",
    "gateway.cli.ingest", "gateway.cli.allocations", "gateway.cli.db", "gateway.cli.purge",
    "gateway.cli.contracts",
    "gateway.cli.worker",
    "gateway.cli.publish",
    "gateway.cli.dead_letters", "gateway.cli.unrouted",
    "gateway.cli.web", "gateway.cli.users", "gateway.cli.providers", "gateway.cli.audit",
    "gateway.cli.report",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="istd", description="iWmo/iJw 3.2 message gateway")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], int] | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return 2
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())

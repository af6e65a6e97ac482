"""What every command shares: one-line errors, option types, file lists, progress, Ctrl-C, unknown settings.

The error tree a command can end in (each printed as one line `istd CMD: ...`, no traceback):

    CommandError(message, exit_code)      what went wrong and what to do; raised anywhere below a handler
      <- check_database_url(url)          a malformed or unsupported URL, before anything connects (2)
      <- database_error(exc, url)         driver failures of the register, mapped in one place (2)
      <- StartupError (gateway.worker)    RabbitMQ refused or unreachable: broker_refusal() words it (1)
      <- listen(host, port, setting)      an HTTP port in use (1)
    argparse mistakes                     Parser.error: one line and a pointer to --help (2)
    KeyboardInterrupt                     Ctrl-C outside a command's own handling (130); validate, ingest
                                          and publish arm `Interrupt` to stop between items with a summary
"""

from __future__ import annotations

import argparse
import difflib
import errno
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from types import FrameType
from typing import NoReturn
from urllib.parse import urlsplit

from pydantic import BaseModel
from sqlalchemy.exc import ArgumentError

from gateway.logs import redact_url
from gateway.settings import Settings
from gateway.worker.pipeline import is_database_down
from storage.engine import DatabaseUrlError, normalise_url, refuses_writes

INTERRUPTED = 130  # what a shell reports for a process ended by SIGINT (128 + 2)
USAGE = 2

# ISTD_ variables read by the test suite and the benchmarks, not by the service: no warning for them.
NOT_SETTINGS = frozenset({
    "ISTD_TEST_PG_HOST", "ISTD_TEST_PG_PORT", "ISTD_TEST_RABBIT_URL", "ISTD_DISRUPTIVE_TESTS",
    "ISTD_REFERENCE_DIR", "ISTD_BENCH_PG", "ISTD_BENCH_RABBIT", "ISTD_FAULT_MESSAGES", "ISTD_OUTAGE_MESSAGES",
    "ISTD_OUTAGE_SECONDS", "ISTD_SOAK_LOGS", "ISTD_CLUSTER_TESTS",
})


class CommandError(Exception):
    """The one line a command ends with, and its exit code."""

    def __init__(self, message: str, exit_code: int = USAGE) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class Parser(argparse.ArgumentParser):
    """argparse, but a mistake on the command line is one line (what is wrong, where to look), exit 2."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"{self.prog}: {message} (see `{self.prog} --help`)\n")
        sys.exit(USAGE)


def iso_date(text: str) -> date:
    """argparse type for date options: the option's name is added by argparse in front of this text."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}") from None


def add_database_option(parser: argparse.ArgumentParser) -> None:
    """`--database URL` on this level; SUPPRESS so a value given at another level is not overwritten."""
    parser.add_argument("--database", metavar="URL", default=argparse.SUPPRESS,
                        help="sqlite:///PATH or postgresql://USER@HOST:PORT/NAME "
                             "(default: ISTD_DATABASE__URL)")


def add_broker_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--broker", metavar="URL", default=argparse.SUPPRESS,
                        help="RabbitMQ URL, amqp://USER:PASSWORD@HOST:PORT/VHOST (default: ISTD_BROKER__URL)")


def database_url(args: argparse.Namespace) -> str:
    """--database (at any level), else ISTD_DATABASE__URL, else the default SQLite file; checked for form."""
    url = getattr(args, "database", None) or Settings().database.url
    check_database_url(url)
    return str(url)


def check_database_url(url: str) -> None:
    try:
        normalise_url(url)
    except DatabaseUrlError as error:
        raise CommandError(str(error)) from None
    except (ArgumentError, ValueError):
        raise CommandError(
            f"malformed database URL {redact_url(url)!r}: expected sqlite:///PATH or "
            "postgresql://USER[:PASSWORD]@HOST[:PORT]/NAME (--database or ISTD_DATABASE__URL)"
        ) from None


def _sqlstate(exc: BaseException) -> str | None:
    seen: list[BaseException | None] = [exc, getattr(exc, "orig", None)]
    seen.append(getattr(seen[1], "__cause__", None))
    seen.append(exc.__cause__)
    for cause in seen:
        state = getattr(cause, "sqlstate", None)
        if isinstance(state, str):
            return state
    return None


def read_only_database(url: str) -> str:
    return (f"the database at {redact_url(url)} refuses writes (read-only): make it writable "
            "(default_transaction_read_only, a standby, the file's permissions) or name the primary "
            "with --database / ISTD_DATABASE__URL")


def database_error(exc: BaseException, url: str) -> CommandError:
    """The one line for a failure to open or use the register at `url` (never the SQL parameters)."""
    parts = urlsplit(url)
    where = f"{parts.hostname or 'localhost'}:{parts.port or 5432}"
    name = parts.path.lstrip("/")
    state = _sqlstate(exc)
    if state == "3D000":
        host = parts.hostname or "localhost"
        return CommandError(
            f'database "{name}" does not exist on {where}: create it (createdb -h {host} {name}) '
            "or name an existing one with --database / ISTD_DATABASE__URL")
    if state in ("28P01", "28000"):
        return CommandError(
            f"PostgreSQL at {where} refused the login of {parts.username or 'the current user'!r}: "
            "check the user and password in --database / ISTD_DATABASE__URL")
    if refuses_writes(exc):
        return CommandError(read_only_database(url))
    if is_database_down(exc):
        return CommandError(
            f"cannot reach the database at {redact_url(url)} ({type(exc).__name__}); start PostgreSQL "
            "(e.g. `docker compose up -d postgres`) or fix --database / ISTD_DATABASE__URL")
    first = str(exc).splitlines()[0] if str(exc) else ""
    return CommandError(f"database error: {type(exc).__name__}: {first}")


def listen(host: str, port: int, setting: str) -> socket.socket:
    """A listening TCP socket for an HTTP server; a port in use is one line naming the setting to change."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn: restarts need no TIME_WAIT
    try:
        sock.bind((host, port))
        sock.listen(2048)
    except OSError as error:
        sock.close()
        reason = "the port is in use" if error.errno == errno.EADDRINUSE else error.strerror
        raise CommandError(
            f"cannot listen on {host}:{port}: {reason}; stop the other process or choose another port "
            f"with {setting}", exit_code=1) from None
    sock.set_inheritable(True)
    return sock


def collect_files(paths: Iterable[str | Path]) -> list[Path]:
    """Files in the order given; a directory gives its *.xml files, recursively, sorted by path."""
    files: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() == ".xml"))
        elif path.is_file():
            files.append(path)
        else:
            raise CommandError(f"no such file or directory: {name}")
    return files


class Progress:
    """`VERB 120/5000` rewritten in place on stderr when it is a terminal, at most ten times a second.

    `lines_on_stdout`: the command prints a line per item as it goes; when those reach the same
    terminal they are the progress, and a bar between them would garble both.
    """

    def __init__(self, total: int, verb: str, *, lines_on_stdout: bool = False) -> None:
        self.total, self.verb = total, verb
        self.stream = sys.stderr
        self.enabled = self.stream.isatty() and not (lines_on_stdout and sys.stdout.isatty())
        self.last = 0.0

    def show(self, done: int) -> None:
        now = time.monotonic()
        if self.enabled and (now - self.last > 0.1 or done == self.total):
            self.last = now
            self.stream.write(f"\r{self.verb} {done}/{self.total}")
            self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\r\033[K")
            self.stream.flush()


def elapsed_since(started: float) -> str:
    """`12.3 s` since `started` (a time.monotonic() reading)."""
    return f"{time.monotonic() - started:.1f} s"


def counts(values: Iterable[str]) -> str:
    """`4990 valid, 10 invalid-xsd`: largest first."""
    tally: dict[str, int] = {}
    for value in values:
        tally[value] = tally.get(value, 0) + 1
    return ", ".join(f"{n} {name}" for name, n in sorted(tally.items(), key=lambda kv: (-kv[1], kv[0])))


class Interrupt:
    """The first Ctrl-C asks the running loop to stop after the item in hand; a second one ends at once."""

    def __init__(self) -> None:
        self.requested = False

    def _on_sigint(self, _signum: int, _frame: FrameType | None) -> None:
        self.requested = True
        signal.signal(signal.SIGINT, signal.default_int_handler)

    @contextmanager
    def armed(self) -> Iterator[Interrupt]:
        if threading.current_thread() is not threading.main_thread():  # e.g. main() run by a test's thread
            yield self
            return
        previous = signal.signal(signal.SIGINT, self._on_sigint)
        try:
            yield self
        finally:
            signal.signal(signal.SIGINT, previous)


def _setting_names(model: type[BaseModel], prefix: str) -> Iterator[str]:
    for name, field in model.model_fields.items():
        yield f"{prefix}{name}".upper()
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            yield from _setting_names(annotation, f"{prefix}{name}__")


def unknown_settings(environ: Mapping[str, str]) -> list[str]:
    """One warning per ISTD_ variable that is no setting, with the closest setting when one is near."""
    known = set(_setting_names(Settings, "ISTD_"))
    warnings = []
    for name in sorted(environ):
        upper = name.upper()
        if not upper.startswith("ISTD_") or upper in known or upper in NOT_SETTINGS:
            continue
        near = difflib.get_close_matches(upper, sorted(known), n=1, cutoff=0.8)
        hint = f" (did you mean {near[0]}?)" if near else ""
        warnings.append(f"istd: warning: {name} is not a setting and is ignored{hint}")
    return warnings


def warn_unknown_settings() -> None:
    for line in unknown_settings(os.environ):
        print(line, file=sys.stderr)


def read_bounded(path: Path, limit: int, what: str, error: type[Exception]) -> bytes:
    """The bytes of a file the user hands a command; `error` (one line) when it is too large or unreadable."""
    try:
        if path.stat().st_size > limit:
            raise error(f"larger than {limit // (1024 * 1024)} MB: is this {what}?")
        return path.read_bytes()
    except OSError as failure:
        raise error(f"cannot read it ({failure.strerror or failure})") from None

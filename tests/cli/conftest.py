"""Running the installed `istd` command as a user would: a subprocess with a clean ISTD_ environment."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

ISTD = Path(sys.executable).with_name("istd")


def clean_environment(tmp_path: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The caller's environment without ISTD_ variables, the register in `tmp_path`, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("ISTD_")}
    env["ISTD_DATABASE__URL"] = f"sqlite:///{tmp_path / 'register.sqlite3'}"
    env.update(extra or {})
    return env


@pytest.fixture
def istd(tmp_path: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """`istd(*argv, env={...}, stdin=...)`: the finished process, stdout and stderr as text."""

    def run(*argv: str, env: Mapping[str, str] | None = None, stdin: str | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(ISTD), *argv], env=clean_environment(tmp_path, env), cwd=tmp_path, text=True,
            input=stdin, stdin=None if stdin is not None else subprocess.DEVNULL,
            capture_output=True, timeout=timeout, check=False,
        )

    return run


def _one_line(done: subprocess.CompletedProcess[str], prefix: str) -> str:
    assert "Traceback" not in done.stderr, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith(prefix)]
    assert len(lines) == 1, done.stderr
    return lines[0]


@pytest.fixture
def one_line() -> Callable[[subprocess.CompletedProcess[str], str], str]:
    """`one_line(done, "istd worker:")`: the single stderr line with that prefix (no traceback anywhere).

    For the worker, whose log lines share stderr; other commands' stderr is compared whole.
    """
    return _one_line


@pytest.fixture
def start_istd(tmp_path: Path) -> Callable[..., subprocess.Popen[bytes]]:
    """`start_istd(*argv, env={...})`: the running process with unbuffered byte pipes.

    Unbuffered: a line read with `stdout.readline()` takes no more from the pipe than that line, so
    `communicate()` afterwards gets all the rest.
    """

    def start(*argv: str, env: Mapping[str, str] | None = None) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [str(ISTD), *argv], env=clean_environment(tmp_path, env), cwd=tmp_path, bufsize=0,
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )

    return start


@pytest.fixture
def istd_on_a_terminal(tmp_path: Path) -> Callable[..., tuple[int, str]]:
    """`istd_on_a_terminal(*argv)`: run with stderr on a pseudo-terminal; exit code and what it showed."""

    def run(*argv: str) -> tuple[int, str]:
        controller, terminal = os.openpty()
        try:
            process = subprocess.Popen(
                [str(ISTD), *argv], env=clean_environment(tmp_path), cwd=tmp_path,
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=terminal,
            )
            os.close(terminal)
            shown = b""
            while True:
                try:
                    chunk = os.read(controller, 4096)
                except OSError:  # EIO: the process closed its end
                    break
                if not chunk:
                    break
                shown += chunk
            return process.wait(timeout=120), shown.decode()
        finally:
            os.close(controller)

    return run

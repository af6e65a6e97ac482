"""The page benchmark must not rot: it has a case for every route, and every case answers.

The figures of a loaded test machine say nothing, so the ceiling verdict is not checked here; a case
that does not answer as its route does when it works (a 404, a 500, a refused form) is.
"""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute
from starlette.routing import Mount

from gateway.settings import DatabaseSettings, Settings, WebSettings
from gateway.web.app import create_web_app
from tests.web.web_helpers import migration_fill

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

from web_bench_cases import NOT_TIMED, Facts, cases  # noqa: E402  (benchmarks/ is no package)

CLIENT = "{public_id}"


def _walk(routes: list[Any]) -> set[tuple[str, str]]:
    found = set()
    for route in routes:
        if isinstance(route, APIRoute):
            found |= {(method, route.path) for method in route.methods or ()}
        elif isinstance(route, Mount):
            found.add(("GET", route.path))
        elif hasattr(route, "original_router"):  # FastAPI keeps an included router as one route
            found |= _walk(route.original_router.routes)
    return found


def _routes() -> set[tuple[str, str]]:
    app = create_web_app(Settings(database=DatabaseSettings(url="sqlite:///unused.sqlite3"),
                                  web=WebSettings(secret_key="routes", cookie_secure=False)))
    return _walk(app.routes)


def test_the_bench_has_a_case_for_every_route() -> None:
    facts = Facts("12345678", CLIENT, "999900018", "Jansen", date(1980, 1, 1), "3011AB", 1, "Dorpsstraat",
                  date(2025, 1, 1))
    timed = {(case.method, case.path) for case in cases(facts)}

    assert timed | NOT_TIMED == _routes()
    assert not timed & NOT_TIMED


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=900,
                          check=False)


@pytest.mark.slow
def test_every_bench_case_answers_on_a_small_register(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'register.sqlite3'}"
    built = _run("benchmarks/web_register.py", "--url", url, "--allocations", "2000")
    assert built.returncode == 0, built.stderr

    bench = _run("benchmarks/web_bench.py", "--url", url, "--rounds", "1")

    assert bench.returncode in (0, 1), bench.stderr  # 1: a median over the ceiling on this machine
    lines = bench.stdout.splitlines()
    assert not [line for line in lines if "FAILED" in line], bench.stdout
    announced = re.search(r"(\d+) cases", lines[0])
    assert announced, lines[0]
    assert len([line for line in lines if " median " in line]) == int(announced.group(1)), bench.stdout
    assert lines[-1] in ("all medians within the ceiling", "some medians OVER the ceiling")


def test_the_generated_client_areas_are_what_the_migration_fills(tmp_path: Path) -> None:
    """The bench register writes client_areas itself (COPY bypasses the write paths): the same rows
    migration 0402 derives from its clients, versions and messages."""
    path = tmp_path / "register.sqlite3"
    built = _run("benchmarks/web_register.py", "--url", f"sqlite:///{path}", "--allocations", "2000")
    assert built.returncode == 0, built.stderr
    rows = "SELECT * FROM client_areas ORDER BY client_id, gemeente"
    with sqlite3.connect(path) as db:
        generated = db.execute(rows).fetchall()
        db.execute("DELETE FROM client_areas")
        db.execute(migration_fill())
        filled = db.execute(rows).fetchall()
    assert len(generated) > 500
    assert filled == generated

"""The register's location is said at start-up: the default SQLite file is relative to the working
directory, so the line gives its absolute path (and a server URL without its password)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from storage.engine import register_location
from tests.kit.services import example


def test_the_location_is_absolute_for_sqlite_and_hides_a_password() -> None:
    assert register_location("sqlite:///var/istd.sqlite3") == f"sqlite {Path('var/istd.sqlite3').resolve()}"
    assert register_location("sqlite:///:memory:") == "sqlite :memory:"
    shown = register_location("postgresql://istd:s3cret@db.example:5432/istd")
    assert shown == "postgresql://istd:***@db.example:5432/istd"


def test_istd_ingest_says_where_the_register_is(tmp_path: Path) -> None:
    (tmp_path / "WMO305.xml").write_bytes(example("WMO305"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("ISTD_")}  # the default register
    done = subprocess.run(
        [str(Path(sys.executable).with_name("istd")), "ingest", "WMO305.xml"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert f"istd ingest: register sqlite {tmp_path.resolve() / 'var' / 'istd.sqlite3'}\n" in done.stderr
    assert (tmp_path / "var" / "istd.sqlite3").is_file()

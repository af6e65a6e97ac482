"""`istd contracts load` / `list` on SQLite and PostgreSQL: a bad row refuses the file, naming its line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from gateway.cli.main import main

HEADER = "standard,gemeente,aanbieder,categorie,code,begindatum,einddatum,tarief,eenheid\n"
GOOD = (
    HEADER
    + "iwmo,0363,87654321,02,02A01,2024-01-01,,5000,04\n"
    + "ijw,0363,87654321,45,45A01,2024-01-01,2024-12-31,7250,01\n"
)


def _listed(database_url: str, capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    assert main(["contracts", "list", "--json", "--database", database_url]) == 0
    listed: list[dict[str, object]] = json.loads(capsys.readouterr().out)
    return listed


def test_contracts_load_then_list_then_replace(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "contracts.csv"
    path.write_text(GOOD, encoding="utf-8")
    assert main(["contracts", "load", str(path), "--database", database_url]) == 0
    assert "loaded 2 contracts" in capsys.readouterr().out
    listed = _listed(database_url, capsys)
    assert [(c["standard"], c["code"], c["tarief"], c["einddatum"]) for c in listed] == [
        ("ijw", "45A01", 7250, "2024-12-31"),
        ("iwmo", "02A01", 5000, None),
    ]
    path.write_text(HEADER + "iwmo,0363,87654321,02,02A01,2024-01-01,,5100,04\n", encoding="utf-8")
    assert main(["contracts", "load", str(path), "--database", database_url]) == 0
    capsys.readouterr()
    assert [c["tarief"] for c in _listed(database_url, capsys)] == [5100]


def test_contracts_bad_row_refuses_the_file(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    assert main(["contracts", "load", str(good), "--database", database_url]) == 0
    capsys.readouterr()
    bad = tmp_path / "bad.csv"
    bad.write_text(GOOD + "iwmo,0363,87654321,02,02A02,2024-02-30,,5000,04\n", encoding="utf-8")
    assert main(["contracts", "load", str(bad), "--database", database_url]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert "line 4: begindatum '2024-02-30' is not a date" in err
    assert "nothing was loaded" in err
    assert len(_listed(database_url, capsys)) == 2  # the earlier list stands


@pytest.mark.parametrize(
    ("row", "says"),
    [
        ("iwmo,363,87654321,02,02A01,2024-01-01,,5000,04", "line 2: gemeente '363'"),
        ("wmo,0363,87654321,02,02A01,2024-01-01,,5000,04", "line 2: standard must be iwmo or ijw"),
        ("iwmo,0363,87654321,02,02A01,2024-01-01,,50.00,04", "line 2: tarief '50.00'"),
        ("iwmo,0363,87654321,02,02A01,2024-01-01,,5000,05", "line 2: eenheid '05' is not a WJ756 code"),
        (
            "iwmo,0363,87654321,02,02A01,2024-02-01,2024-01-31,5000,04",
            "line 2: einddatum 2024-01-31 is before",
        ),
    ],
)
def test_contracts_each_bad_field_is_named(tmp_path: Path, row: str, says: str) -> None:
    path = tmp_path / "c.csv"
    path.write_text(HEADER + row + "\n", encoding="utf-8")
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "istd"),
            "contracts",
            "load",
            str(path),
            "--database",
            f"sqlite:///{tmp_path / 'db.sqlite3'}",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert says in done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1

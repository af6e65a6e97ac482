"""`istd ingest` with 323s: the 325 written into --out, outcome accepted/partial/rejected with every code."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from gateway.cli.main import main
from tests.declarations.declaratie_messages import OTHER_PRODUCT, Allocated, Line, one_client, toewijzing
from tests.declarations.declaration_harness import read_325

DAG = date(2024, 5, 3)
MARCH = (date(2024, 3, 1), date(2024, 3, 31))


def _ingest(database_url: str, out: Path, *paths: Path) -> int:
    return main(["ingest", "--database", database_url, "--out", str(out), "--today", "2024-05-06",
                 *map(str, paths)])  # fmt: skip


@pytest.mark.parametrize("standard", ["iwmo", "ijw"])
def test_ingest_answers_every_323_with_a_325(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], standard: str
) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    other = OTHER_PRODUCT[standard]
    march = Line("R0", begin=MARCH[0], end=MARCH[1])
    files = {
        "1-toewijzing.xml": toewijzing(
            standard, "T1", date(2024, 1, 5), Allocated(), Allocated(nr=1002, product=other)
        ),
        "2-march.xml": one_client(standard, "D1", date(2024, 4, 2), "N1", march, periode=MARCH),
        "3-april.xml": one_client(standard, "D2", DAG, "N2", Line("R1"), Line("R2", nr=9999)),
        "4-again.xml": one_client(standard, "D3", DAG, "N2", Line("R3", nr=1002, product=other)),
    }
    for name, body in files.items():
        (inbox / name).write_bytes(body)
    assert _ingest(database_url, out, inbox) == 0
    captured = capsys.readouterr()
    assert "TR418 (0611) is off: no contracts loaded" in captured.err
    lines = [json.loads(line) for line in captured.out.splitlines()]
    assert [(Path(x["path"]).name, x["outcome"], x["codes"]) for x in lines] == [
        ("1-toewijzing.xml", "recorded", []),
        ("2-march.xml", "accepted", ["0200", "8001"]),
        ("3-april.xml", "partial", ["0200", "9338"]),
        ("4-again.xml", "rejected", ["0200", "9333", "8214"]),
    ]
    name = "WMO325" if standard == "iwmo" else "JW325"
    written = sorted(path.name for path in out.iterdir())
    assert written == [f"2-march.{name}.xml", f"3-april.{name}.xml", f"4-again.{name}.xml"]
    partial = read_325((out / f"3-april.{name}.xml").read_bytes())
    assert (partial.prestaties, partial.toegekend) == ({"R2": ("9338",)}, 50000)


def test_ingest_with_contracts_checks_the_tariff(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    contracts = tmp_path / "contracts.csv"
    contracts.write_text(
        "standard,gemeente,aanbieder,categorie,code,begindatum,einddatum,tarief,eenheid\n"
        "iwmo,0363,87654321,02,02A01,2024-01-01,,4800,04\n",
        encoding="utf-8",
    )
    assert main(["contracts", "load", str(contracts), "--database", database_url]) == 0
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    (inbox / "1.xml").write_bytes(toewijzing("iwmo", "T1", date(2024, 1, 5), Allocated()))
    (inbox / "2.xml").write_bytes(one_client("iwmo", "D1", DAG, "N1", Line("R1"), Line("R2", nr=1001,
                                  begin=MARCH[0], end=MARCH[1], tarief=4800)))  # fmt: skip
    capsys.readouterr()
    assert _ingest(database_url, out, inbox) == 0
    captured = capsys.readouterr()
    assert "TR418" not in captured.err
    last = json.loads(captured.out.splitlines()[-1])
    assert (last["outcome"], last["codes"]) == ("partial", ["0200", "0611"])
    answer = read_325((out / "2.WMO325.xml").read_bytes())
    assert (answer.prestaties, answer.toegekend) == ({"R1": ("0611",)}, 48000)

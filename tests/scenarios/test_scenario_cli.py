"""`istd ingest`, `istd allocations` and `istd db upgrade` end to end, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from gateway.cli.main import main
from tests.kit.xml_messages import BSN, Assigned, Delivery, Idents, start, stop, toewijzing

DAG = date(2024, 3, 1)
FIELDS = ["standard", "gemeente", "aanbieder", "toewijzingnummer", "bsn", "product_categorie", "product_code",
          "ingangsdatum", "einddatum", "delivery", "begindatum"]  # fmt: skip


def write_inbox(folder: Path, standard: str) -> None:
    ident = Idents()
    started = start(standard, ident(), DAG, Delivery(1001, date(2024, 2, 1)))
    files = {
        "01-toewijzing.xml": toewijzing(
            standard, ident(), DAG, Assigned(1001, date(2024, 1, 1), date(2024, 12, 31))
        ),
        "02-start.xml": started,
        "03-start-again.xml": started,
        "04-stop.xml": stop(
            standard, ident(), DAG, Delivery(1001, date(2024, 2, 1), reden="20", einde=date(2024, 2, 9))
        ),
        "05-broken.xml": b"<not-a-message/>",
    }
    folder.mkdir()
    for name, body in files.items():
        (folder / name).write_bytes(body)


@pytest.mark.parametrize("standard", ["iwmo", "ijw"])
def test_ingest_a_folder_then_list_allocations(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], standard: str
) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    write_inbox(inbox, standard)
    assert (
        main(["ingest", "--database", database_url, "--out", str(out), "--today", "2024-03-04", str(inbox)])
        == 0
    )
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(Path(x["path"]).name, x["outcome"]) for x in lines] == [
        ("01-toewijzing.xml", "recorded"), ("02-start.xml", "accepted"), ("03-start-again.xml", "duplicate"),
        ("04-stop.xml", "accepted"), ("05-broken.xml", "invalid")]  # fmt: skip
    assert set(lines[0]) == {"path", "message", "identificatie", "outcome", "codes"}
    short = "WMO" if standard == "iwmo" else "JW"
    assert sorted(p.name for p in out.iterdir()) == [
        f"02-start.{short}306.xml",
        f"03-start-again.{short}306.xml",
        f"04-stop.{short}308.xml",
    ]
    assert (out / f"02-start.{short}306.xml").read_bytes() == (
        out / f"03-start-again.{short}306.xml"
    ).read_bytes()
    assert main(["allocations", "--database", database_url, "--on", "2024-03-01", "--json"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert list(row) == FIELDS
    assert (row["bsn"], row["delivery"], row["begindatum"], row["einddatum"]) == (
        BSN,
        "stopped_temporarily",
        "2024-02-01",
        "2024-12-31",
    )
    assert main(["allocations", "--database", database_url, "--on", "2024-03-01"]) == 0
    assert "stopped_temporarily" in capsys.readouterr().out


def test_db_upgrade_and_usage_errors(database_url: str, tmp_path: Path) -> None:
    assert main(["db", "upgrade", "--database", database_url]) == 0
    assert main(["db", "upgrade", "--database", database_url]) == 0
    assert main(["ingest", "--database", database_url, str(tmp_path / "missing.xml")]) == 2
    assert main(["ingest", "--database", "mysql://nobody@localhost/x", str(tmp_path)]) == 2
    with pytest.raises(SystemExit) as bad_date:
        main(["ingest", "--today", "yesterday", str(tmp_path)])
    assert bad_date.value.code == 2

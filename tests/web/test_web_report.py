"""`istd report`: the same figures as the pages, from the same query functions, in table, JSON and CSV."""

from __future__ import annotations

import argparse
import asyncio
import json
from typing import Any

import httpx
import pytest

from gateway.cli import report
from tests.web.web_helpers import bearer

ON = "2025-03-10"


def _report(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="istd")
    report.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["report", *argv])
    code: int = args.handler(args)
    return code


async def _run(capsys: pytest.CaptureFixture[str], database_url: str, *argv: str) -> str:
    assert await asyncio.to_thread(_report, *argv, "--database", database_url) == 0
    return capsys.readouterr().out


async def test_report_figures_equal_the_api(client: httpx.AsyncClient, register: dict[str, str],
                                            database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    for name, path in (("waiting", "/api/waiting"), ("area", "/api/area"), ("usage", "/api/usage")):
        printed: list[dict[str, Any]] = json.loads(await _run(capsys, database_url, name, "--on", ON,
                                                              "--format", "json"))
        api = (await client.get(path, params={"on": ON}, headers=bearer(register["ana"]))).json()
        if name == "waiting":  # the API gives one provider and category's months at a time (its trend)
            api = []
            for provider, category in sorted({(row["provider"], row["category"]) for row in printed}):
                chosen = {"on": ON, "aanbieder": provider, "categorie": category}
                api += (await client.get(path, params=chosen, headers=bearer(register["ana"]))).json()
            order = ("measure", "provider", "category", "month")
            api.sort(key=lambda row: [row[k] for k in order])
            printed = sorted(printed, key=lambda row: [row[k] for k in order])
        if name == "usage":
            api = api["groups"]
        if name == "area":  # the command line sees every figure; the analyst's withheld cells are None
            api = [{k: v for k, v in row.items() if v is not None and k != "pc4s"} for row in api["rows"]]
            printed = [{k: v for k, v in row.items() if k != "pc4s"} for row in printed]
            assert any("clients" in row for row in api), "no area figure to compare"
        assert len(printed) == len(api), name
        for mine, theirs in zip(printed, api, strict=True):
            shared = set(mine) & set(theirs)
            assert shared, name
            assert {k: mine[k] for k in shared} == pytest.approx({k: theirs[k] for k in shared}), name


async def test_report_running_counts_every_gemeente_without_names(
        register: dict[str, str], database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    rows = json.loads(await _run(capsys, database_url, "running", "--on", ON, "--format", "json"))
    assert len(rows) == 12  # the team's 11 plus 5001 of gemeente 0344
    assert {r["state"] for r in rows if r["toewijzingnummer"] == 2001} == {"temporarily_stopped"}
    text = await _run(capsys, database_url, "running", "--on", ON)
    assert "Jansen" not in text
    assert "999900006" not in text
    assert text.splitlines()[0].split()[:3] == ["allocation_id", "standard", "gemeente"]


async def test_report_signals_as_csv(register: dict[str, str], database_url: str,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    lines = (await _run(capsys, database_url, "signals", "--on", ON, "--format", "csv")).splitlines()
    assert lines[0] == "kind,rule,since,due,age,overdue,subject,gemeente,aanbieder"
    # Newest first: the team's 305 of 4 Mar without retour; last 5001 of gemeente 0344 (since 1 Jan).
    assert lines[1] == "retour_missing,OP090,2025-03-04,2025-03-07,4,1,WMO305 T0067,0599,12345678"
    assert lines[-1] == "start_missing,OP271,2025-01-01,2025-01-08,48,43,toewijzing 5001,0344,12345678"
    assert len(lines) == 1 + 6  # the team's five and 5001's start_missing in gemeente 0344

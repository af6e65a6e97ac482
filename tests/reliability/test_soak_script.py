"""`benchmarks/soak.py` end to end on a short run, so the hour-long soak cannot rot between runs.

The real script against the real RabbitMQ and PostgreSQL: it measures one worker's capacity, runs two
workers at a share of it, checks backlog, RSS slope and drain, and compares the register with a
one-worker run. Its exit status and verdict lines are what `make soak` users read.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import sys
from pathlib import Path

import pytest

from tests.kit.reliability import ROOT

pytestmark = [pytest.mark.rabbitmq, pytest.mark.postgres, pytest.mark.slow]


async def test_a_short_soak_measures_capacity_holds_and_compares_registers(tmp_path: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "benchmarks/soak.py", "--minutes", "0.25", "--probe", "300", cwd=ROOT,
        env={**os.environ, "ISTD_SOAK_LOGS": str(tmp_path)},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    output, _ = await asyncio.wait_for(process.communicate(), 600)
    text = output.decode()
    assert process.returncode == 0, text
    assert "capacity of one worker: " in text
    assert "offering 80%" in text
    assert "offered: " in text
    assert "register identical: True" in text
    assert "RSS worker A: " in text
    assert "RSS worker B: " in text
    assert text.rstrip().endswith("soak: all checks held")


def test_the_rss_slope_is_least_squares_per_10_minutes() -> None:
    spec = importlib.util.spec_from_file_location("soak", ROOT / "benchmarks" / "soak.py")
    assert spec is not None
    assert spec.loader is not None
    soak = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(soak)
    slope_per_10_min = soak.slope_per_10_min

    assert slope_per_10_min([]) == 0.0
    assert slope_per_10_min([(11.0, 140.0)]) == 0.0
    assert slope_per_10_min([(11.0, 140.0), (12.0, 140.0), (13.0, 140.0)]) == 0.0
    assert slope_per_10_min([(10.0, 100.0), (20.0, 101.0), (30.0, 102.0)]) == pytest.approx(1.0)
    assert slope_per_10_min([(1.0, 5.0), (2.0, 3.0), (3.0, 4.0), (4.0, 2.0)]) == pytest.approx(-8.0)

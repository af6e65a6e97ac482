"""`istd worker --processes`: the shares of the shards, merged metrics, and one-line refusals."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from prometheus_client.parser import text_string_to_metric_families

from gateway.worker.supervisor import merge_metrics, shares


def test_shards_are_dealt_round_the_processes() -> None:
    assert shares(4, 2) == ["0,2", "1,3"]
    assert shares(5, 3) == ["0,3", "1,4", "2"]
    assert shares(2, 2) == ["0", "1"]


def test_metrics_of_the_children_become_one_exposition_labelled_by_worker() -> None:
    child = (
        "# HELP istd_messages_total Messages processed\n# TYPE istd_messages_total counter\n"
        'istd_messages_total{message="WMO305",outcome="accepted"} {n}\n'
        "# HELP istd_batch_size Messages per batch\n# TYPE istd_batch_size histogram\n"
        'istd_batch_size_bucket{le="+Inf"} {n}\nistd_batch_size_count {n}\nistd_batch_size_sum {n}\n'
    )
    merged = merge_metrics({0: child.replace("{n}", "3.0"), 1: child.replace("{n}", "4.0")}).decode()
    families = {f.name: f for f in text_string_to_metric_families(merged)}
    messages = families["istd_messages"].samples
    assert sorted((s.labels["worker"], s.value) for s in messages) == [("0", 3.0), ("1", 4.0)]
    assert all(s.labels["message"] == "WMO305" for s in messages)
    assert families["istd_batch_size"].type == "histogram"
    assert merged.count("# TYPE istd_messages") == 1  # one family, not one per child


@pytest.mark.parametrize(("argument", "env", "says"), [
    ("3", {"ISTD_BROKER__SHARDS": "2"}, "--processes 3 needs ISTD_BROKER__SHARDS of at least 3 (now 2)"),
    ("two", {}, "--processes takes a number of at least 1 or 'auto', not 'two'"),
    ("0", {}, "--processes takes a number of at least 1"),
    ("2", {"ISTD_BROKER__SHARDS": "2", "ISTD_DATABASE__URL": "sqlite:///var/x.sqlite3"}, "needs PostgreSQL"),
])
def test_a_wrong_processes_option_is_one_line_and_exit_2(
    argument: str, env: dict[str, str], says: str
) -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ISTD_")}
    result = subprocess.run(
        [sys.executable, "-m", "gateway.cli.main", "worker", "--processes", argument],
        env={**clean, **env}, capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("istd worker: ")
    assert says in result.stderr

"""Every hostile document gets its expected verdict, with a clear finding, and nothing worse happens.

The corpus runs through `check_document` in a child process (`run_corpus.py`), which reports per
document and measures peak RSS from a clean baseline; and once more through `istd validate --json`.
Asserted: the verdict the manifest expects; at least one finding with a text (and an XPath, and a
line where the document could be read) for every document that is not valid; the decoded values the
manifest names; no exception, no hang; nothing expanded (no /etc/passwd content, no huge strings);
nothing fetched (no socket connect from Python, no connection to the trap port from C); peak RSS
growth under a generous bound.
"""

from __future__ import annotations

import importlib.util
import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent.parent
RUNNER = HERE / "run_corpus.py"
RSS_BOUND_MB = 300  # a resource bound: 25 MB documents parse to trees of a few times their size
CHILD_TIMEOUT_S = 900  # hang guards for the whole run; per document the runner has its own
CLI_TIMEOUT_S = 900
LEAK_MARKERS = ("root:x:", "root:*:", "root:!:", "/bin/bash", "/usr/sbin/nologin")
# Every category the generator writes; test_categories_are_all_tested keeps this list honest.
CATEGORIES = (
    "baseline", "not-xml", "empty", "whitespace", "truncated", "size", "nested", "xxe", "laughs",
    "external-dtd", "internal-dtd", "xinclude", "encoding", "newlines", "namespace", "release",
    "berichtcode", "retour-unmatched", "oversized", "control", "nul", "pi", "comment", "cdata", "prefix",
    "attribute", "mixed", "value", "rules",
)
NEEDS_LINE = ("invalid-xsd", "rejected-rules")  # the document was read: findings can say where


@dataclass(frozen=True, slots=True)
class Run:
    results: dict[str, dict[str, Any]]
    summary: dict[str, Any]


@pytest.fixture(scope="session")
def run(corpus_dir: Path, generator: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> Run:
    out = tmp_path_factory.mktemp("hostile-run") / "results.jsonl"
    child = subprocess.run(
        [sys.executable, str(RUNNER), str(corpus_dir), str(out), str(generator.TRAP_PORT)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=CHILD_TIMEOUT_S, check=False,
    )
    text = out.read_text(encoding="utf-8") if out.exists() else ""
    lines = [json.loads(line) for line in text.split("\n") if line]
    results = {line["file"]: line for line in lines if "file" in line}
    summaries = [line["summary"] for line in lines if "summary" in line]
    if child.returncode != 0 or not summaries:
        started = [line["started"] for line in lines if "started" in line]
        last = started[-1] if started else None
        pytest.fail(f"the corpus run died (exit {child.returncode}) while checking {last}:\n"
                    f"{child.stderr[-4000:]}")
    return Run(results, summaries[0])


def _dotted(entry: dict[str, Any]) -> str:
    return f"{entry['file']} ({entry['why']})"


def _problems(entry: dict[str, Any], result: dict[str, Any] | None) -> Iterator[str]:
    name, expected = _dotted(entry), entry["expected"]
    if result is None:
        yield f"{name}: no result"
        return
    if result["timeout"]:
        yield f"{name}: no verdict within the runner's alarm"
        return
    if result["error"]:
        yield f"{name}: check_document raised:\n{result['error']}"
        return
    if result["verdict"] != expected:
        first = result["findings"][0]["text"] if result["findings"] else "no findings"
        yield f"{name}: expected {expected}, got {result['verdict']}: {first}"
    if result["leak"]:
        yield f"{name}: /etc/passwd content in a finding or a decoded value"
    if result["max_finding_text"] > 20_000 or result["decoded_chars"] > 2 * entry["bytes"] + 10_000:
        yield f"{name}: a finding or a decoded value is larger than the document could hold unexpanded"
    if expected == "valid":
        yield from _valid_problems(name, entry, result)
        return
    findings = result["findings"]
    if not findings:
        yield f"{name}: verdict {result['verdict']} without a finding"
    for finding in findings:
        if not (finding["text"] or "").strip():
            yield f"{name}: a finding without text: {finding}"
        if not (finding["xpath"] or "").startswith("/"):
            yield f"{name}: a finding without an XPath: {finding}"
    if expected in NEEDS_LINE and not any(isinstance(f["line"], int) and f["line"] > 0 for f in findings):
        yield f"{name}: no finding says on which line: {findings}"


def _valid_problems(name: str, entry: dict[str, Any], result: dict[str, Any]) -> Iterator[str]:
    if result["findings"]:
        yield f"{name}: valid, yet findings: {result['findings'][:3]}"
    if result.get("message") != entry["message"]:
        yield f"{name}: message {result.get('message')!r}, expected {entry['message']!r}"
    for path, value in entry["decoded"].items():
        got = result["decoded"].get(path)
        if got != value:
            shown = (repr(got)[:80], repr(value)[:80])
            yield f"{name}: decoded {path} is {shown[0]}, expected {shown[1]}"


def test_categories_are_all_tested(entries: list[dict[str, Any]]) -> None:
    assert {entry["category"] for entry in entries} == set(CATEGORIES)


@pytest.mark.parametrize("category", CATEGORIES)
def test_verdicts(category: str, entries: list[dict[str, Any]], run: Run) -> None:
    documents = [entry for entry in entries if entry["category"] == category]
    assert documents
    problems = [p for entry in documents for p in _problems(entry, run.results.get(entry["file"]))]
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems)


def test_nothing_fetched(run: Run) -> None:
    assert run.summary["connects"] == [], "a socket connect was attempted from Python"
    if run.summary["trapped"] < 0:
        pytest.skip("the trap port was taken by another process; the Python-level guard still held")
    assert run.summary["trapped"] == 0, "something connected to the trap port: a URL was fetched"


def test_memory_bounded(run: Run, entries: list[dict[str, Any]]) -> None:
    """Peak RSS over the whole corpus, from a baseline taken after the XSDs were compiled."""
    growth_mb = (run.summary["peak_kb"] - run.summary["baseline_kb"]) / 1024  # ru_maxrss is in KiB on Linux
    # Which documents raised the peak, and by how much: the peak only rises, so each step is one document's.
    steps, previous = [], run.summary["baseline_kb"]
    for entry in entries:
        peak = run.results.get(entry["file"], {}).get("peak_kb_after", previous)
        if peak > previous:
            steps.append((peak - previous, entry["file"], entry["bytes"]))
        previous = max(previous, peak)
    worst = ", ".join(f"{file} ({size / 2**20:.1f} MB) +{kb / 1024:.0f} MB"
                      for kb, file, size in sorted(steps)[-3:])
    assert growth_mb < RSS_BOUND_MB, f"peak RSS grew by {growth_mb:.0f} MB; largest steps: {worst}"


def _accepted(listener: socket.socket) -> int:
    count = 0
    while True:
        try:
            connection, _ = listener.accept()
        except BlockingIOError:
            return count
        connection.close()
        count += 1


def test_istd_validate_json(
    corpus_dir: Path, manifest: dict[str, Any], entries: list[dict[str, Any]], trap: socket.socket | None
) -> None:
    """The whole corpus directory in one `istd validate --json` run."""
    command = ["validate", "--json", "--max-bytes", str(manifest["max_bytes"]), str(corpus_dir / "documents")]
    done = subprocess.run(
        [sys.executable, "-m", "gateway.cli.main", *command],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=CLI_TIMEOUT_S, check=False,
    )
    assert "Traceback" not in done.stderr, done.stderr[-4000:]
    assert done.returncode == 1, f"exit {done.returncode}, expected 1 (some documents are not valid)"
    lines = [json.loads(line) for line in done.stdout.split("\n") if line.strip()]
    by_path = {str(Path(line["path"]).resolve()): line for line in lines}
    problems = []
    for entry in entries:
        line = by_path.get(str((corpus_dir / entry["file"]).resolve()))
        if line is None:
            problems.append(f"{entry['file']}: no output line")
            continue
        if line["verdict"] != entry["expected"]:
            problems.append(f"{entry['file']}: expected {entry['expected']}, got {line['verdict']}")
        if entry["expected"] != "valid" and not any((f.get("text") or "").strip() for f in line["findings"]):
            problems.append(f"{entry['file']}: {line['verdict']} without a finding text")
        if any(marker in json.dumps(line) for marker in LEAK_MARKERS):
            problems.append(f"{entry['file']}: /etc/passwd content in the output")
    assert len(lines) == len(entries), f"{len(lines)} output lines for {len(entries)} documents"
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems)
    if trap is not None:
        assert _accepted(trap) == 0, "something connected to the trap port: a URL was fetched"


# ---------------------------------------------------------------- the guards themselves can fire


def test_leak_markers_match_this_machines_passwd() -> None:
    """If /etc/passwd were expanded into a finding or a value, the markers would find it."""
    passwd = Path("/etc/passwd")
    if not passwd.is_file():
        pytest.skip("no /etc/passwd here")
    spec = importlib.util.spec_from_file_location("hostile_run_corpus", RUNNER)
    assert spec is not None
    assert spec.loader is not None
    runner = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(runner)
    assert runner.LEAK_MARKERS == LEAK_MARKERS
    assert any(marker in passwd.read_text(encoding="utf-8", errors="replace") for marker in LEAK_MARKERS)


def test_trap_catches_a_fetch(trap: socket.socket | None, generator: ModuleType) -> None:
    """A URL fetch from another process shows up at the trap port."""
    if trap is None:
        pytest.skip("the trap port is taken by another process")
    url = generator.UNREACHABLE + "/x"
    fetch = f"import urllib.request as u\ntry: u.urlopen({url!r}, timeout=1)\nexcept Exception: pass"
    subprocess.run([sys.executable, "-c", fetch], timeout=60, check=True)
    assert _accepted(trap) >= 1

"""The CLI as people expect it, through the real `istd`: version, help, option order, progress, completion."""

from __future__ import annotations

import argparse
import json
import re
import subprocess
from collections.abc import Callable, Iterator
from importlib.metadata import version
from pathlib import Path

import pytest

from gateway.cli.completion import SHELLS
from gateway.cli.main import build_parser

Run = Callable[..., subprocess.CompletedProcess[str]]
EMPTY_ALLOCATIONS = ("standard  gemeente  aanbieder  toewijzingnummer  bsn  product_categorie  product_code  "
                     "ingangsdatum  einddatum  delivery  begindatum")


def test_version(istd: Run) -> None:
    done = istd("--version")
    assert (done.returncode, done.stdout, done.stderr) == (0, f"istd {version('istd-gateway')}\n", "")


def _levels(
    parser: argparse.ArgumentParser, path: str = "istd"
) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from _levels(child, f"{path} {name}")


def test_every_command_and_action_has_a_description() -> None:
    levels = dict(_levels(build_parser()))
    assert {"istd ingest", "istd users add", "istd db upgrade", "istd dead-letters replay",
            "istd completion"} <= set(levels)
    missing = [path for path, parser in levels.items() if not (parser.description or "").strip()]
    assert missing == []


def test_help_of_a_command_shows_its_description(istd: Run) -> None:
    done = istd("ingest", "--help")
    assert done.returncode == 0
    assert "Process message files as the worker does" in done.stdout


@pytest.mark.parametrize("argv", [
    ["--database", "{url}", "users", "list"],
    ["users", "--database", "{url}", "list"],
    ["users", "list", "--database", "{url}"],
])
def test_database_before_or_after_the_action(istd: Run, tmp_path: Path, argv: list[str]) -> None:
    url = f"sqlite:///{tmp_path / 'chosen.sqlite3'}"
    done = istd(*(url if a == "{url}" else a for a in argv), env={"ISTD_DATABASE__URL": "nonsense"})
    assert (done.returncode, done.stdout, done.stderr) == (0, "username\trole\tgemeenten\tcreated\n", "")
    assert (tmp_path / "chosen.sqlite3").exists()


def test_database_before_the_command(istd: Run, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'chosen.sqlite3'}"
    for argv in (["--database", url, "allocations"], ["allocations", "--database", url]):
        done = istd(*argv, env={"ISTD_DATABASE__URL": "nonsense"})
        assert (done.returncode, done.stdout, done.stderr) == (0, EMPTY_ALLOCATIONS + "\n", "")


def test_broker_before_the_command(istd: Run, tmp_path: Path) -> None:
    (tmp_path / "a.xml").write_bytes(b"<a/>")
    done = istd("--broker", "amqp://guest:guest@127.0.0.1:1/", "publish", "a.xml")
    assert done.returncode == 1
    assert done.stderr.startswith("istd publish: cannot reach RabbitMQ at amqp://guest:***@127.0.0.1:1/ ")


def _tree(root: Path) -> None:
    """Files in nested folders, with names that sort differently from their creation, and non-XML."""
    for relative in ("b/2.xml", "a/z.xml", "a/deeper/1.xml", "0.XML", "notes.txt", "a/readme.md"):
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"<x n='{relative}'/>" if path.suffix.lower() == ".xml" else "not a message")


def test_ingest_and_validate_take_the_same_files_from_a_directory(istd: Run, tmp_path: Path) -> None:
    _tree(tmp_path / "inbox")
    expected = ["inbox/0.XML", "inbox/a/deeper/1.xml", "inbox/a/z.xml", "inbox/b/2.xml"]
    validated = istd("validate", "--json", "inbox")
    ingested = istd("ingest", "inbox")
    assert [json.loads(line)["path"] for line in validated.stdout.splitlines()] == expected
    assert [json.loads(line)["path"] for line in ingested.stdout.splitlines()] == expected


def test_summaries_on_stderr(istd: Run, tmp_path: Path) -> None:
    _tree(tmp_path / "inbox")
    validated = istd("validate", "inbox")
    assert validated.returncode == 1
    assert re.fullmatch(r"istd validate: 4 documents in [0-9.]+ s: 4 unsupported", validated.stderr.strip())
    ingested = istd("ingest", "inbox")
    assert ingested.returncode == 0
    assert "Traceback" not in ingested.stderr
    assert re.fullmatch(r"istd ingest: 4 files in [0-9.]+ s: 4 invalid", ingested.stderr.splitlines()[-1])


def test_tr381_warning_once(istd: Run, tmp_path: Path) -> None:
    (tmp_path / "a.xml").write_bytes(b"<x/>")
    done = istd("ingest", "a.xml")
    assert done.returncode == 0
    assert [line for line in done.stderr.splitlines() if "TR381" in line] == [
        "TR381 (S329) is off: no product code list configured (ISTD_PRODUCT_CODES_FILE)"]


@pytest.mark.parametrize(("command", "verb"), [("validate", "checked"), ("ingest", "ingested")])
def test_progress_on_a_terminal_only(
    tmp_path: Path, command: str, verb: str, istd: Run, istd_on_a_terminal: Callable[..., tuple[int, str]]
) -> None:
    _tree(tmp_path / "inbox")
    _, shown = istd_on_a_terminal(command, "inbox")
    assert f"\r{verb} 4/4" in shown
    assert re.search(rf"istd {command}: 4 \w+ in [0-9.]+ s: 4 \w+", shown)
    piped = istd(command, "inbox")  # stderr a pipe: the summary, no progress
    assert f"{verb} " not in piped.stderr


@pytest.mark.parametrize("report", ["running", "waiting", "signals", "usage", "area"])
def test_report_prints_its_header_when_nothing_matches(istd: Run, report: str) -> None:
    table = istd("report", report)
    csv = istd("report", report, "--format", "csv")
    assert (table.returncode, csv.returncode, table.stderr, csv.stderr) == (0, 0, "", "")
    [header] = table.stdout.splitlines()
    [csv_header] = csv.stdout.splitlines()
    assert header.split() == csv_header.split(",")
    assert len(header.split()) >= 4


def _complete(script: str, words: list[str], cwd: Path) -> list[str]:
    """What bash offers after `istd WORDS...` (the last word is the one being completed)."""
    program = (f'{script}\nCOMP_WORDS=(istd {" ".join(repr(w) for w in words)})\n'
               'COMP_CWORD=$((${#COMP_WORDS[@]} - 1))\n_istd\nprintf "%s\\n" "${COMPREPLY[@]}"\n')
    done = subprocess.run(["bash", "--norc", "-c", program], capture_output=True, text=True, check=True,
                          timeout=30, cwd=cwd)
    return done.stdout.split()


def test_bash_completion(istd: Run, tmp_path: Path) -> None:
    assert SHELLS == ("bash",)
    done = istd("completion", "bash")
    assert (done.returncode, done.stderr) == (0, "")
    script = done.stdout
    (tmp_path / "inbox.xml").write_bytes(b"<x/>")

    def complete(*words: str) -> list[str]:
        return _complete(script, list(words), tmp_path)

    assert complete("us") == ["users"]
    offered = complete("users", "")
    assert offered[:2] == ["--help", "--database"]
    assert {"add", "list", "remove", "token"} <= set(offered[2:])
    assert not any(word.endswith(".xml") for word in offered)  # users takes no files
    assert complete("users", "add", "x", "--role", "") == ["team", "analyst", "ops"]
    assert complete("report", "--format", "c") == ["csv"]
    assert complete("dead-letters", "re") == ["replay"]
    assert complete("ingest", "--d") == ["--database"]
    assert complete("validate", "inb") == ["inbox.xml"]
    assert complete("report", "inb") == []  # report takes no files

"""`istd validate`: table and JSON output, exit codes, no tracebacks for bad input."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from gateway.cli import validate
from gateway.cli.main import main
from tests.kit.documents import EXAMPLES, PROJECT_ROOT, SHIPPED, example, shipped_example
from tests.kit.reference import needs_reference

JW315_BASE = "/Bericht/Client/AangevraagdeProducten/AangevraagdProduct"


def _lines(name: str, needle: bytes) -> list[int]:
    raw, found, start = example(name), [], 0
    while (index := raw.find(needle, start)) >= 0:
        found.append(raw[:index].count(b"\n") + 1)
        start = index + 1
    return found


@needs_reference
def test_table_for_the_reference_examples(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(EXAMPLES)]) == 1
    out = capsys.readouterr().out.splitlines()
    rows = {
        line.split()[0].rsplit("/", 1)[-1]: line.split()[1:] for line in out if line.startswith(str(EXAMPLES))
    }
    assert len(rows) == 12
    assert rows["JW315.xml"] == ["ijw", "JW315", "invalid-xsd"]
    assert rows["JW318.xml"] == ["ijw", "JW318", "invalid-xsd"]
    assert rows["WMO305.xml"] == ["iwmo", "WMO305", "valid"]
    assert [name for name, row in rows.items() if row[-1] == "valid"] == sorted(
        set(rows) - {"JW315.xml", "JW318.xml"}
    )
    text = "\n".join(out)
    line_318 = _lines("JW318.xml", b"<jw318:RetourCode>9350")[0]
    assert f"level 1  XSD      line {line_318:<5} /Bericht/Client/Verzoek/RetourCode" in text
    assert f"{JW315_BASE}[2]/ToewijzingEinddatum" in text
    assert out[-1] == "12 documents: 2 invalid-xsd, 10 valid"


@needs_reference
def test_json_lines(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--json", str(EXAMPLES)]) == 1
    documents = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [Path(d["path"]).name for d in documents] == sorted(Path(d["path"]).name for d in documents)
    assert all(set(d) == {"path", "message", "verdict", "findings"} for d in documents)
    by_name = {Path(d["path"]).name: d for d in documents}
    jw315 = by_name["JW315.xml"]
    assert (jw315["message"], jw315["verdict"]) == ("JW315", "invalid-xsd")
    assert [(f["level"], f["code"], f["xpath"], f["line"]) for f in jw315["findings"]] == [
        (1, "XSD", f"{JW315_BASE}[1]/ToewijzingEinddatum", _lines("JW315.xml", b">2027-06-31<")[0]),
        (1, "XSD", f"{JW315_BASE}[2]/ToewijzingEinddatum", _lines("JW315.xml", b">2027-06-31<")[1]),
    ]
    assert "2027-06-31" in jw315["findings"][0]["text"]
    jw318 = by_name["JW318.xml"]
    assert [(f["xpath"], f["line"]) for f in jw318["findings"]] == [
        ("/Bericht/Client/Verzoek/RetourCode", _lines("JW318.xml", b"<jw318:RetourCode>9350")[0])
    ]
    others = [d for name, d in by_name.items() if name not in {"JW315.xml", "JW318.xml"}]
    assert len(others) == 10
    assert all(d["verdict"] == "valid" and d["findings"] == [] for d in others)


def test_exit_0_when_all_valid(capsys: pytest.CaptureFixture[str]) -> None:
    files = [str(SHIPPED / "iwmo-3.2" / "WMO305.xml"), str(SHIPPED / "ijw-3.2" / "JW301.xml")]
    assert main(["validate", *files]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "2 documents: 2 valid"


def test_bad_input_gets_a_verdict_not_a_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.xml").write_bytes(b"\x00\x01\x02 binary")
    (tmp_path / "b.xml").write_bytes(b"<Bericht>")
    (tmp_path / "c.xml").write_bytes(shipped_example("WMO305").replace(b"/3_2/", b"/2_1/"))
    (tmp_path / "notes.txt").write_text("not a message")
    assert main(["validate", "--json", str(tmp_path)]) == 1
    documents = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(Path(d["path"]).name, d["verdict"], d["message"]) for d in documents] == [
        ("a.xml", "not-xml", None),
        ("b.xml", "not-xml", None),
        ("c.xml", "unsupported", None),
    ]


def test_max_bytes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--json", "--max-bytes", "1000", str(SHIPPED / "iwmo-3.2" / "WMO301.xml")]) == 1
    (document,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert document["verdict"] == "not-xml"
    assert document["findings"][0]["code"] == "SIZE"


def test_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(tmp_path / "missing.xml")]) == 2
    assert "no such file or directory" in capsys.readouterr().err
    assert main(["validate", str(tmp_path)]) == 2
    assert "no .xml files found" in capsys.readouterr().err
    for argv in (["validate"], ["validate", "--max-bytes", "0", str(SHIPPED)], ["validate", "--bogus", "x"]):
        with pytest.raises(SystemExit) as caught:
            main(argv)
        assert caught.value.code == 2


def test_progress_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    files = [SHIPPED / "iwmo-3.2" / "WMO305.xml", SHIPPED / "iwmo-3.2" / "WMO307.xml"]
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    validate.check_files(files, 1_000_000)
    assert "2/2" in terminal.getvalue()
    pipe = io.StringIO()
    monkeypatch.setattr(sys, "stderr", pipe)
    validate.check_files(files, 1_000_000)
    assert pipe.getvalue() == ""


def test_installed_command() -> None:
    istd = PROJECT_ROOT / ".venv" / "bin" / "istd"
    done = subprocess.run(
        [str(istd), "validate", "--json", str(SHIPPED)],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0
    [summary] = done.stderr.splitlines()  # no progress bar when stderr is a pipe, only the summary
    assert summary.startswith("istd validate: 28 documents in ")
    assert summary.endswith(" s: 28 valid")
    verdicts = [json.loads(line)["verdict"] for line in done.stdout.splitlines()]
    assert verdicts == ["valid"] * 28  # the shipped examples

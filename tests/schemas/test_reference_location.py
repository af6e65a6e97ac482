"""Without the reference material the conformance tests skip with one line; under CI they fail (real runs)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.kit.reference import PROJECT_ROOT, VARIABLE

CONFORMANCE = "tests/schemas/test_examples.py"  # a module of reference comparisons only


def _pytest(tmp_path: Path, **environment: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key not in ("CI", VARIABLE)}
    env |= {VARIABLE: str(tmp_path / "absent"), **environment}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", CONFORMANCE],
        capture_output=True, text=True, timeout=300, cwd=PROJECT_ROOT, env=env, check=False,
    )  # fmt: skip


def test_absent_reference_skips_with_one_line_saying_what_to_set(tmp_path: Path) -> None:
    done = _pytest(tmp_path)
    assert done.returncode == 0, done.stdout
    said = [line for line in done.stdout.splitlines() if "reference comparisons" in line]
    expected = (
        f" reference comparisons skipped: no reference material at {tmp_path / 'absent'}; "
        f"set {VARIABLE} to the folder holding xsd/, examples/ and regels/"
    )
    assert len(said) == 1, done.stdout
    assert said[0].endswith(expected)
    assert said[0].split()[0].isdigit()  # how many were skipped
    assert " passed" not in done.stdout  # every test of the module is a reference comparison


def test_absent_reference_under_ci_is_an_error(tmp_path: Path) -> None:
    done = _pytest(tmp_path, CI="true")
    assert done.returncode not in (0, 5)
    assert f"reference comparisons cannot run (CI=true): no reference material at {tmp_path / 'absent'}" in (
        done.stdout + done.stderr
    )


def test_present_reference_is_read_from_the_variable(tmp_path: Path) -> None:
    """A folder with an xsd/ counts as present: the comparisons run (and fail on what is missing)."""
    (tmp_path / "absent" / "xsd").mkdir(parents=True)
    done = _pytest(tmp_path, CI="true")
    assert "reference comparisons" not in done.stdout + done.stderr
    assert done.returncode == 1  # test_examples_present counts the published examples: none there

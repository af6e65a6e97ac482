"""Where the published reference material lives, for the conformance tests only (``ISTD_REFERENCE_DIR``).

The reference set (published XSDs, examples, code lists, rule files) is not ours and never ships with the
project. Only tests that compare our work with it read it, and each is marked ``reference``: without the
folder they are skipped with one line saying what to set, except under CI (``CI=true``), where its absence
is an error. Everything else uses the shipped examples (``tests.kit.examples``).
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import pytest
from lxml import etree

from schemas import MessageType

PROJECT_ROOT = Path(__file__).resolve().parents[2]
VARIABLE = "ISTD_REFERENCE_DIR"
needs_reference = pytest.mark.reference


def reference_dir() -> Path:
    """``$ISTD_REFERENCE_DIR``, else ``../shared/reference`` next to the project root."""
    configured = os.environ.get(VARIABLE)
    return Path(configured) if configured else PROJECT_ROOT.parent / "shared" / "reference"


REFERENCE = reference_dir()
EXAMPLES = REFERENCE / "examples"


def available() -> bool:
    """Whether the reference folder is there (its ``xsd`` folder is what every comparison needs)."""
    return (REFERENCE / "xsd").is_dir()


def required() -> bool:
    """Under CI the reference comparisons must run: a missing folder is an error, not a skip."""
    return os.environ.get("CI", "").lower() == "true"


def missing_line() -> str:
    """The one line said when the folder is absent: what is missing and what to set."""
    what = "cannot run (CI=true)" if required() else "skipped"
    return (
        f"reference comparisons {what}: no reference material at {REFERENCE}; "
        f"set {VARIABLE} to the folder holding xsd/, examples/ and regels/"
    )


def require() -> Path:
    """The reference folder; skips the calling test (fails it under CI) when it is absent."""
    if not available():
        if required():
            pytest.fail(missing_line(), pytrace=False)
        pytest.skip(missing_line())
    return REFERENCE


def examples() -> list[Path]:
    """The published 3.2 example messages (empty when the reference folder is absent)."""
    return sorted(EXAMPLES.glob("*-3.2/*.xml"))


def example(name: str) -> bytes:
    """One published example by file name, e.g. ``"JW315.xml"``."""
    found = [path for path in examples() if path.name == name]
    if not found:
        require()
        raise FileNotFoundError(f"{name} is not among the reference examples in {EXAMPLES}")
    return found[0].read_bytes()


def xsd_path(mt: MessageType) -> Path:
    """Where the published XSD of this message type would be."""
    return REFERENCE / "xsd" / f"{mt.standard}-{mt.release}" / f"{mt.name}.xsd"


PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


@functools.cache
def schema(mt: MessageType) -> etree.XMLSchema | None:
    """The compiled published XSD of this message type, if the reference set has it."""
    path = xsd_path(mt)
    if not path.is_file():
        return None
    return etree.XMLSchema(etree.parse(str(path), PARSER))

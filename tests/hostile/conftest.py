"""Fixtures of the hostile-input suite: the generator module and one generated corpus per session."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
GENERATOR = HERE / "generate.py"
REPO_ROOT = HERE.parent.parent
REFERENCE = REPO_ROOT.parent / "shared" / "reference"


def load_generator() -> ModuleType:
    """`generate.py` as a module (it is a script in a test folder, not part of a package)."""
    name = "hostile_generate"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, GENERATOR)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    """The published reference material (read-only, outside the repository); skips when absent."""
    if not REFERENCE.is_dir():
        pytest.skip(f"reference material not found at {REFERENCE}")
    return REFERENCE


@pytest.fixture(scope="session")
def generator() -> ModuleType:
    return load_generator()


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The corpus, written by running the generator script the way a person would."""
    outdir = tmp_path_factory.mktemp("hostile-corpus")
    subprocess.run([sys.executable, str(GENERATOR), str(outdir)], check=True, timeout=300, cwd=REPO_ROOT,
                   capture_output=True)
    return outdir


@pytest.fixture(scope="session")
def manifest(corpus_dir: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((corpus_dir / "manifest.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="session")
def entries(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    documents: list[dict[str, Any]] = manifest["documents"]
    return documents

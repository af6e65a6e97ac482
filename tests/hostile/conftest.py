"""Fixtures of the hostile-input suite: the generator module and one generated corpus per session."""

from __future__ import annotations

import importlib.util
import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.kit import reference

HERE = Path(__file__).resolve().parent
GENERATOR = HERE / "generate.py"
REPO_ROOT = HERE.parent.parent


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
    """The published reference material (tests/kit/reference.py): skips, or fails under CI, when absent."""
    return reference.require()


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


@pytest.fixture
def trap(generator: ModuleType) -> Iterator[socket.socket | None]:
    """A listener on the corpus's trap port while a test runs; None when the port is taken (check skipped)."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind(("127.0.0.1", generator.TRAP_PORT))
    except OSError:
        listener.close()
        yield None
        return
    listener.listen(16)
    listener.setblocking(False)
    yield listener
    listener.close()

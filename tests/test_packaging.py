"""Packaging and deployment files, read as data: licence, dependency pins, docker-compose, .dockerignore.

No Docker engine runs these; the test keeps the properties that were wrong once from coming back.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]


def _pyproject() -> dict[str, Any]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _pins(lock: str) -> dict[str, str]:
    """`name==version` lines of a pip-compile'd lock file, by normalised name."""
    pins = {}
    for line in (ROOT / lock).read_text().splitlines():
        if found := re.match(r"^([A-Za-z0-9._-]+)==([^\s;]+)", line):
            pins[re.sub(r"[-_.]+", "-", found[1]).lower()] = found[2]
    return pins


def _check_pinned(requirements: list[str], pins: dict[str, str]) -> None:
    for text in requirements:
        requirement = Requirement(text)
        name = re.sub(r"[-_.]+", "-", requirement.name).lower()
        assert name in pins, f"{name} is not in the lock file: run `make lock`"
        assert requirement.specifier.contains(pins[name]), f"{name}=={pins[name]} does not meet {text}"


def test_licence_is_eupl_as_an_spdx_expression_with_its_text() -> None:
    project = _pyproject()["project"]
    assert project["license"] == "EUPL-1.2"
    assert project["license-files"] == ["LICENSE"]
    # PEP 639: a licence expression and a `License ::` classifier may not both be given.
    assert not [c for c in project["classifiers"] if c.startswith("License ::")]
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("EUROPEAN UNION PUBLIC LICENCE v. 1.2")
    assert "Appendix" in text


def test_every_dependency_is_pinned_in_the_lock_files_within_its_bounds() -> None:
    project = _pyproject()["project"]
    _check_pinned(project["dependencies"], _pins("requirements.lock"))
    everything = project["dependencies"] + project["optional-dependencies"]["dev"]
    _check_pinned(everything, _pins("requirements-dev.lock"))
    runtime = {Requirement(r).name for r in project["dependencies"]}
    assert "xmlschema" not in runtime  # only the conformance tests use it: a dev dependency
    assert "xmlschema" not in _pins("requirements.lock")


def _compose() -> dict[str, Any]:
    compose: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return compose


def test_docker_compose_keeps_rabbitmq_data_and_migrates_with_istd_db_upgrade() -> None:
    services = _compose()["services"]
    rabbitmq = services["rabbitmq"]
    assert rabbitmq["hostname"] == "rabbitmq"  # the node name, and so its data directory, stays put
    image, _, tag = rabbitmq["image"].partition(":")
    assert image == "rabbitmq"
    assert not tag.startswith(("3.", "latest")), tag
    assert "pg_isready -h " in " ".join(services["postgres"]["healthcheck"]["test"])
    migrate = services["migrate"]
    assert migrate["command"] == ["db", "upgrade"]
    assert "entrypoint" not in migrate  # the image's entrypoint is `istd`
    dockerfile = migrate["build"]["dockerfile_inline"]
    assert "pip install --no-cache-dir -r requirements.lock" in dockerfile
    assert "--no-deps ." in dockerfile
    assert services["worker"]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}


def test_dockerignore_keeps_the_register_and_virtualenv_out_of_the_image() -> None:
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()}
    assert {"var", ".venv", ".git"} <= ignored
    needed = ("pyproject.toml", "README.md", "LICENSE", "requirements.lock", "gateway", "storage")
    assert not ignored & set(needed)

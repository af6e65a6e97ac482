"""Helpers of the web tests: users of each role, bearer headers, CSRF field, login."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import httpx

import storage

PASSWORD = "correct horse battery staple"
USERS = {"wijk": ("team", ["0599"]), "ana": ("analyst", []), "beheer": ("ops", []),
         "ander": ("team", ["0344"])}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF field in the form"
    return found.group(1)


async def login(http: httpx.AsyncClient, username: str, password: str = PASSWORD) -> httpx.Response:
    form = await http.get("/login")
    return await http.post("/login", data={"username": username, "password": password,
                                           "csrf": csrf_of(form.text)})


def migration_fill() -> str:
    """The SQL with which migration 0402 fills client_areas from a register written before it."""
    path = Path(storage.__file__).parent / "migrations" / "versions" / "0402_client_areas.py"
    spec = importlib.util.spec_from_file_location("client_areas_migration", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    fill: str = module.FILL
    return fill

"""Helpers of the web tests: users of each role, bearer headers, CSRF field, login."""

from __future__ import annotations

import re

import httpx

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

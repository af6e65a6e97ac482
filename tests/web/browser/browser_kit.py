"""Helpers of the browser tests: the personal data to look for, logging in, screenshots as artefacts."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI
from playwright.sync_api import Page

from tests.web.web_helpers import PASSWORD

ARTEFACTS = Path("var/test-artefacts/browser")
HOUSEHOLD = {"999900067": "A Visser", "999900079": "B Visser"}  # BSN -> name on the pages
PERSONAL = (*HOUSEHOLD, "Visser", "3011AB", "Kade")  # BSNs, surname, full postcode, street


@dataclass(frozen=True, slots=True)
class Site:
    base: str
    app: FastAPI
    public_ids: dict[str, str]  # BSN -> opaque client id (the test knows it; the pages must not show BSNs)


def log_in(page: Page, base: str, username: str) -> None:
    """Fill and submit the real login form, as a person would."""
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("form.login button[type=submit]")


def screenshot(page: Page, tmp_path: Path, name: str) -> Path:
    """A full-page PNG in tmp_path, copied to var/test-artefacts/browser/ (CI keeps that folder)."""
    shot = tmp_path / name
    page.screenshot(path=str(shot), full_page=True)
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    kept = ARTEFACTS / name
    shutil.copy(shot, kept)
    print(f"screenshot: {kept.resolve()}")
    return kept

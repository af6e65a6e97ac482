"""Pages render in a worker thread: a page that takes long to render does not hold up anyone else.

The slow page here is /lopend whose template render is held until the test lets it go. Had the render
run on the event loop, it would block the loop, and /login could not answer until it was let go.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.web.web_helpers import bearer

HELD = 10.0  # seconds a held render waits at most (only reached when the render blocks the loop)


class HeldTemplate:
    """A template whose render waits for `release` (as a long render keeps its thread busy)."""

    def __init__(self, template: Any, rendering: threading.Event, release: threading.Event) -> None:
        self.template, self.rendering, self.release = template, rendering, release

    def render(self, *args: Any, **kwargs: Any) -> str:
        self.rendering.set()
        self.release.wait(HELD)
        html: str = self.template.render(*args, **kwargs)
        return html


async def test_a_slow_page_does_not_hold_up_the_login_page(app: FastAPI, client: httpx.AsyncClient,
                                                           register: dict[str, str],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    env = app.state.web.templates
    real, rendering, release = env.get_template, threading.Event(), threading.Event()

    def get_template(name: str, *args: Any, **kwargs: Any) -> Any:
        template = real(name, *args, **kwargs)
        return HeldTemplate(template, rendering, release) if name == "running.html" else template

    monkeypatch.setattr(env, "get_template", get_template)
    slow = asyncio.create_task(client.get("/lopend", params={"on": "2025-03-10"},
                                          headers=bearer(register["wijk"])))
    assert await asyncio.to_thread(rendering.wait, HELD)  # /lopend has reached its render

    login = await client.get("/login")

    assert login.status_code == 200
    assert not slow.done()  # /lopend is still rendering: its render waits for `release`
    release.set()
    assert (await slow).status_code == 200

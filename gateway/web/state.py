"""What the web app holds for its lifetime: engine, sessions, secret, cookies, templates, provider names."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from jinja2 import Environment
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from gateway.web.provider_names import ProviderNames


@dataclass(frozen=True, slots=True)
class WebState:
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    secret_key: str
    cookie_secure: bool
    session_hours: int
    templates: Environment
    idle_minutes: int = 30
    min_group_size: int = 5
    providers: ProviderNames = field(default_factory=ProviderNames)
    # The start page's open signals per kind, per (gemeenten, date): (monotonic time, counts).
    signal_counts: dict[tuple[frozenset[str], date], tuple[float, dict[str, int]]] = field(
        default_factory=dict)

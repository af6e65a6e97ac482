"""What the web app holds for its lifetime: engine, sessions, secret, cookies, templates, provider names."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from jinja2 import Environment
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from gateway.web.provider_names import ProviderNames
from storage.insight_queries.signals import KindCount, SignalFilter


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
    # Signals per kind, per (gemeenten, date, filter): (monotonic time, counts); gateway.web.pages_signals.
    signal_counts: dict[tuple[frozenset[str], date, SignalFilter],
                        tuple[float, dict[str, KindCount]]] = field(default_factory=dict)

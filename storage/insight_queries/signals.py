"""Signals from the register, computed by the database: deadline rules united, counted per kind, paged.

Each rule is one SELECT (storage.insight_queries.signal_rules); the kinds asked for are united
(UNION ALL), marks of handled signals are matched by the signal's key built in SQL (the sha256 of
`handlers.insight.signals.signal_key`), and the database counts per kind and returns one page in
the list's order: newest clock first, then most overdue (a fixed order of the kinds on one day),
kind and subject. Python only judges the rows of that page (due day, age and overdue in working
days), so a request costs the same on a register of thousands or a million allocations.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    Integer,
    Select,
    String,
    Subquery,
    case,
    column,
    exists,
    func,
    literal_column,
    select,
    table,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.insight.signals import (
    KEY_LENGTH,
    Signal,
    latest_open_since,
    latest_since_of_age,
    signal_key,
    signal_of,
)
from storage.insight_queries.common import Scope
from storage.insight_queries.running import custom_plans
from storage.insight_queries.signal_rules import ABOUT_A_MESSAGE, RULES, Bounds
from storage.insight_queries.sql_text import Codepoint, IsoDay, Sha256Hex


@dataclass(frozen=True, slots=True)
class SignalRow:
    signal: Signal
    gemeente: str | None
    aanbieder: str | None
    client_public_id: str | None  # for the team's link; never shown to other roles

    @property
    def key(self) -> str:
        s = self.signal
        return signal_key(s.kind, self.gemeente, self.aanbieder, s.subject, s.since)


@dataclass(frozen=True, slots=True)
class SignalFilter:
    """Which signals: kinds (empty: all), one provider, one client (its opaque id), a minimum age."""

    kinds: frozenset[str] = frozenset()
    aanbieder: str | None = None
    client: str | None = None
    min_age: int | None = None  # working days since the clock started

    def wants(self, *kinds: str) -> bool:
        return not self.kinds or bool(self.kinds & set(kinds))


ALL_SIGNALS = SignalFilter()


@dataclass(frozen=True, slots=True)
class KindCount:
    """Signals of one kind: all of them, and those not marked handled."""

    total: int
    open: int


def _united(today: date, scope: Scope, wanted: SignalFilter, after: date | None = None) -> Subquery | None:
    """The open signals `wanted` asks for, one row each (clocks started on or after `after` only, when
    given); None when no rule can have any."""
    oldest = latest_since_of_age(today, wanted.min_age) if wanted.min_age is not None else today
    if oldest is None:
        return None
    parts: list[Select[Any]] = []
    for kind, rule in RULES.items():
        if not wanted.wants(kind) or (wanted.client and kind in ABOUT_A_MESSAGE):
            continue
        since = min(latest_open_since(kind, today), oldest)
        parts.append(rule(Bounds(today, since, scope, wanted.aanbieder, wanted.client, after)))
    if not parts:
        return None
    return (union_all(*parts) if len(parts) > 1 else parts[0]).subquery("signals")


def key_of(u: Subquery) -> Any:
    """`signal_key` in SQL: the first hex digits of the sha256 of kind|gemeente|aanbieder|subject|since."""
    text = (u.c.kind + "|" + func.coalesce(u.c.gemeente, "") + "|" + func.coalesce(u.c.aanbieder, "") + "|"
            + u.c.subject + "|" + IsoDay(u.c.since))
    return func.substr(Sha256Hex(text), literal_column("1"), literal_column(str(KEY_LENGTH)))


# storage.web_models.SignalHandledRow, by name: web_models builds its indexes from this package.
HANDLED = table("web_signals_handled", column("key", String), column("kind", String),
                column("subject", String))
SUBJECT_MAX = 100  # a mark keeps the first 100 characters of the subject


def _handled(u: Subquery) -> Any:
    """A mark with this signal's key. Marks are looked up by kind and subject first (an index), so the
    key, a sha256, is computed only for the few signals that have a mark of the same thing."""
    h = HANDLED.c
    return exists(select(h.key).where(h.kind == u.c.kind,
                                      h.subject == func.substr(u.c.subject, literal_column("1"),
                                                               literal_column(str(SUBJECT_MAX))),
                                      h.key == key_of(u)))


async def signal_counts(session: AsyncSession, today: date, scope: Scope,
                        wanted: SignalFilter = ALL_SIGNALS) -> dict[str, KindCount]:
    """Per kind (only kinds that have signals): how many signals, how many of them not marked handled."""
    u = _united(today, scope, wanted)
    if u is None:
        return {}
    await custom_plans(session)
    handled = func.sum(case((_handled(u), 1), else_=0))
    query = select(u.c.kind, func.count(), handled).group_by(u.c.kind)
    return {kind: KindCount(total, total - int(marked or 0))
            for kind, total, marked in (await session.execute(query)).all()}


# A page is looked for among the clocks of the last 31 days first, then 92, then a year, then all: the
# list is newest first, so a window that holds the whole page holds the page of the whole list, and
# the database reads the newest receipts and dates by their indexes instead of every candidate.
WINDOWS = (31, 92, 366)


async def signal_page(session: AsyncSession, today: date, scope: Scope, wanted: SignalFilter = ALL_SIGNALS,
                      *, with_handled: bool = True, offset: int = 0,
                      limit: int | None = None) -> list[SignalRow]:
    """The signals `wanted` asks for in the list's order, from `offset`, at most `limit` (None: all).

    `with_handled=False` leaves out the signals marked handled.
    """
    if limit is not None:
        for days in WINDOWS:
            found = await _page(session, today, scope, wanted, with_handled, offset, limit,
                                today - timedelta(days=days))
            if len(found) == limit:
                return found
    return await _page(session, today, scope, wanted, with_handled, offset, limit, None)


async def _page(session: AsyncSession, today: date, scope: Scope, wanted: SignalFilter, with_handled: bool,
                offset: int, limit: int | None, after: date | None) -> list[SignalRow]:
    u = _united(today, scope, wanted, after)
    if u is None:
        return []
    await custom_plans(session)
    query = select(u.c.kind, u.c.since, u.c.subject, u.c.gemeente, u.c.aanbieder, u.c.client).order_by(
        u.c.since.desc(), u.c.rank.cast(Integer), Codepoint(u.c.subject), Codepoint(u.c.gemeente),
        Codepoint(u.c.aanbieder), Codepoint(u.c.client))
    if not with_handled:
        query = query.where(~_handled(u))
    query = query.offset(offset).limit(limit) if limit is not None else query.offset(offset)
    found = []
    for kind, since, subject, gemeente, aanbieder, client in (await session.execute(query)).all():
        signal = signal_of(kind, since, today, subject)
        assert signal is not None, kind  # the rule's bound admits late clocks only
        found.append(SignalRow(signal, gemeente, aanbieder, client))
    return found


async def signals(session: AsyncSession, today: date, scope: Scope,
                  wanted: SignalFilter = ALL_SIGNALS) -> list[SignalRow]:
    """Every open signal on `today` that `wanted` asks for, handled or not, newest first."""
    return await signal_page(session, today, scope, wanted)

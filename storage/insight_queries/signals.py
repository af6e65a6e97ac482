"""Signals from the register: the candidates of each deadline rule, judged by handlers.insight.signals.

The judging (working-day arithmetic per candidate) is pure Python and can take a while on a large
register: it runs in a worker thread, so the event loop keeps serving other requests meanwhile.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from handlers.insight import signals as rules
from handlers.insight.signals import Signal
from handlers.table import DECLARATION, WITH_RETOUR
from storage.insight_queries.common import Scope, counting_version, live_delivery
from storage.models import (
    AllocationRow,
    AllocationVersionRow,
    AnswerRow,
    ClientRow,
    DeliveryRow,
    MessageRow,
    OutboxRow,
    RequestRow,
    RetourRow,
)

HEEN = WITH_RETOUR
# Heen messages that must get a retour: provider messages we accepted (ours is written in the same
# transaction) and our own 301/319 recorded as sent (the provider owes the 302/320). XSD-invalid
# messages get no retour at all (IV032), rejected own messages were never sent.
AWAITING_RETOUR = ("accepted", "recorded")
JUDGED = ("accepted", "partial", "rejected")  # a 323 answered with a 325 (a level-1 failure gets none)


@dataclass(frozen=True, slots=True)
class SignalRow:
    signal: Signal
    gemeente: str | None
    aanbieder: str | None
    client_public_id: str | None  # for the team's link; never shown to other roles


async def _start_missing(session: AsyncSession, today: date, scope: Scope) -> list[SignalRow]:
    a, v, m, c = AllocationRow, AllocationVersionRow, MessageRow, ClientRow
    d = aliased(DeliveryRow)
    w = aliased(AllocationVersionRow)
    received = (select(func.min(m.received_at)).join(w, w.message_id == m.id).where(w.allocation_id == a.id)
                .correlate(a).scalar_subquery())
    query = (select(a.gemeente, a.toewijzingnummer, v.aanbieder, v.ingangsdatum, received, c.public_id)
             .join(v, v.allocation_id == a.id).join(c, c.id == v.client_id)
             .where(counting_version(), v.ingangsdatum <= today, scope.where(a.gemeente),
                    ~exists(select(d.id).where(live_delivery(d, "start")).correlate(a))))
    return await asyncio.to_thread(_judge_start, (await session.execute(query)).all(), today)


def _judge_start(rows: Sequence[Any], today: date) -> list[SignalRow]:
    found = []
    for gemeente, number, aanbieder, ingang, got, public_id in rows:
        signal = rules.start_missing(ingang, got.date(), False, today, f"toewijzing {number}")
        if signal:
            found.append(SignalRow(signal, gemeente, aanbieder, public_id))
    return found


async def _stop_missing(session: AsyncSession, today: date, scope: Scope) -> list[SignalRow]:
    a, v, c = AllocationRow, AllocationVersionRow, ClientRow
    start, stop = aliased(DeliveryRow), aliased(DeliveryRow)
    stopped = exists(select(stop.id).where(
        stop.kind == "stop", stop.removed_by_message_id.is_(None), stop.standard == start.standard,
        stop.gemeente == start.gemeente, stop.toewijzingnummer == start.toewijzingnummer,
        stop.begindatum == start.begindatum).correlate(start))
    query = (select(a.gemeente, a.toewijzingnummer, v.aanbieder, v.einddatum, c.public_id)
             .join(v, v.allocation_id == a.id).join(c, c.id == v.client_id)
             .join(start, and_(live_delivery(start, "start")))
             .where(v.is_current.is_(True), v.voided.is_(False), v.einddatum < today, ~stopped,
                    scope.where(a.gemeente)))
    return await asyncio.to_thread(_judge_stop, (await session.execute(query)).all(), today)


def _judge_stop(rows: Sequence[Any], today: date) -> list[SignalRow]:
    found = []
    for gemeente, number, aanbieder, end, public_id in rows:
        signal = rules.stop_missing(end, False, today, f"toewijzing {number}")
        if signal:
            found.append(SignalRow(signal, gemeente, aanbieder, public_id))
    return found


async def _retour_missing(session: AsyncSession, today: date, scope: Scope) -> list[SignalRow]:
    m = MessageRow
    query = (select(m.message_name, m.identificatie, m.sender, m.receiver, m.received_at)
             .where(m.message_number.in_(HEEN), m.status.in_(AWAITING_RETOUR),
                    ~exists(select(RetourRow.id).where(RetourRow.heen_message_id == m.id))))
    return await asyncio.to_thread(_judge_retour, (await session.execute(query)).all(), today, scope)


def _judge_retour(rows: Sequence[Any], today: date, scope: Scope) -> list[SignalRow]:
    found = []
    for name, ident, sender, receiver, at in rows:
        party = sender if sender and len(sender) == 4 else receiver
        if scope.gemeenten and party not in scope.gemeenten:
            continue
        provider = receiver if party == sender else sender
        signal = rules.retour_missing(at.date(), False, today, f"{name} {ident}")
        if signal:
            found.append(SignalRow(signal, party, provider, None))
    return found


async def _requests_open(session: AsyncSession, today: date, scope: Scope) -> list[SignalRow]:
    r, m, c, ans = RequestRow, MessageRow, ClientRow, AnswerRow
    first_answer = (select(func.min(MessageRow.received_at)).select_from(ans)
                    .join(MessageRow, MessageRow.id == ans.message_id)
                    .where(ans.standard == r.standard, ans.aanbieder == r.aanbieder,
                           ans.referentie_aanbieder == r.referentie_aanbieder, ans.voided.is_(False))
                    .correlate(r).scalar_subquery())
    query = (select(r.gemeente, r.aanbieder, r.kind, r.referentie_aanbieder, r.state, m.received_at,
                    first_answer, c.public_id)
             .join(m, m.id == r.message_id).join(c, c.id == r.client_id)
             .where(r.state.in_(("pending", "under_investigation")), scope.where(r.gemeente)))
    return await asyncio.to_thread(_judge_requests, (await session.execute(query)).all(), today)


def _judge_requests(rows: Sequence[Any], today: date) -> list[SignalRow]:
    found = []
    for gemeente, aanbieder, kind, ref, state, at, answered, public_id in rows:
        signal = rules.request_unanswered(at.date(), answered.date() if answered else None,
                                          state == "under_investigation", None, today,
                                          f"{kind.upper()} {ref}")
        if signal:
            found.append(SignalRow(signal, gemeente, aanbieder, public_id))
    return found


async def _declarations_unanswered(session: AsyncSession, today: date, scope: Scope) -> list[SignalRow]:
    """323s whose 325 was not published (outbox) within 10 working days; none at all counts too."""
    m, answer = MessageRow, aliased(MessageRow)
    query = (select(m.message_name, m.identificatie, m.sender, m.receiver, m.received_at, answer.message_name,
                    answer.identificatie)
             .outerjoin(RetourRow, RetourRow.heen_message_id == m.id)
             .outerjoin(answer, answer.id == RetourRow.retour_message_id)
             .where(m.message_number == DECLARATION, m.direction == "in", m.status.in_(JUDGED)))
    rows = (await session.execute(query)).all()
    keys = [f"{name}-{ident}" for *_, name, ident in rows if name]
    published: dict[str, date] = {}
    for start in range(0, len(keys), 500):
        outbox = select(OutboxRow.message_id, OutboxRow.published_at).where(
            OutboxRow.message_id.in_(keys[start:start + 500]), OutboxRow.published_at.is_not(None))
        published.update((key, at.date()) for key, at in (await session.execute(outbox)).all() if at)
    found = []
    for own, ident, aanbieder, gemeente, at, name, answer_ident in rows:
        if scope.gemeenten and gemeente not in scope.gemeenten:
            continue
        sent = published.get(f"{name}-{answer_ident}") if name else None
        signal = rules.declaration_unanswered(at.date(), sent, today, f"{own} {ident}")
        if signal:
            found.append(SignalRow(signal, gemeente, aanbieder, None))
    return found


async def signals(session: AsyncSession, today: date, scope: Scope) -> list[SignalRow]:
    """All open signals on `today`, newest first (the clock started latest), then most overdue."""
    found = [*await _start_missing(session, today, scope), *await _stop_missing(session, today, scope),
             *await _retour_missing(session, today, scope), *await _requests_open(session, today, scope),
             *await _declarations_unanswered(session, today, scope)]
    return sorted(found, key=lambda row: (-row.signal.since.toordinal(), -row.signal.overdue, row.signal.kind,
                                          row.signal.subject))

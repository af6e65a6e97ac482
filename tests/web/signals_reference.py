"""The reference for the signals computed in SQL: the earlier computation, in Python over every candidate.

Each rule's candidates are read and judged one by one with handlers.insight.signals' rule functions,
then filtered and sorted in Python. Slow on a large register, plainly right: test_signals_sql.py
compares the database's answer with this one's on a varied register.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import and_, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from handlers.insight import signals as rules
from handlers.table import DECLARATION, WITH_RETOUR
from storage.insight_queries.common import Scope, counting_version, live_delivery
from storage.insight_queries.signals import ALL_SIGNALS, SignalFilter, SignalRow
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


def _narrowed(query: Any, wanted: SignalFilter, aanbieder: Any, public_id: Any) -> Any:
    if wanted.aanbieder:
        query = query.where(aanbieder == wanted.aanbieder)
    if wanted.client:
        query = query.where(public_id == wanted.client)
    return query


async def _start_missing(session: AsyncSession, today: date, scope: Scope,
                         wanted: SignalFilter) -> list[SignalRow]:
    a, v, m, c = AllocationRow, AllocationVersionRow, MessageRow, ClientRow
    d = aliased(DeliveryRow)
    w = aliased(AllocationVersionRow)
    received = (select(func.min(m.received_at)).join(w, w.message_id == m.id).where(w.allocation_id == a.id)
                .correlate(a).scalar_subquery())
    query = (select(a.gemeente, a.toewijzingnummer, v.aanbieder, v.ingangsdatum, received, c.public_id)
             .join(v, v.allocation_id == a.id).join(c, c.id == v.client_id)
             .where(counting_version(), v.ingangsdatum <= today, scope.where(a.gemeente),
                    ~exists(select(d.id).where(live_delivery(d, "start")).correlate(a))))
    query = _narrowed(query, wanted, v.aanbieder, c.public_id)
    return await asyncio.to_thread(_judge_start, (await session.execute(query)).all(), today)


def _judge_start(rows: Sequence[Any], today: date) -> list[SignalRow]:
    found = []
    for gemeente, number, aanbieder, ingang, got, public_id in rows:
        signal = rules.start_missing(ingang, got.date(), False, today, f"toewijzing {number}")
        if signal:
            found.append(SignalRow(signal, gemeente, aanbieder, public_id))
    return found


async def _stop_missing(session: AsyncSession, today: date, scope: Scope,
                        wanted: SignalFilter) -> list[SignalRow]:
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
    query = _narrowed(query, wanted, v.aanbieder, c.public_id)
    return await asyncio.to_thread(_judge_stop, (await session.execute(query)).all(), today)


def _judge_stop(rows: Sequence[Any], today: date) -> list[SignalRow]:
    found = []
    for gemeente, number, aanbieder, end, public_id in rows:
        signal = rules.stop_missing(end, False, today, f"toewijzing {number}")
        if signal:
            found.append(SignalRow(signal, gemeente, aanbieder, public_id))
    return found


async def _retour_missing(session: AsyncSession, today: date, scope: Scope,
                          wanted: SignalFilter) -> list[SignalRow]:
    m = MessageRow
    if wanted.client:
        return []  # a message's retour is about the message, not one client's signal
    query = (select(m.message_name, m.identificatie, m.sender, m.receiver, m.received_at)
             .where(m.message_number.in_(HEEN), m.status.in_(AWAITING_RETOUR),
                    ~exists(select(RetourRow.id).where(RetourRow.heen_message_id == m.id))))
    if wanted.aanbieder:
        query = query.where((m.sender == wanted.aanbieder) | (m.receiver == wanted.aanbieder))
    if scope.gemeenten:
        gemeenten = sorted(scope.gemeenten)
        query = query.where(m.sender.in_(gemeenten) | m.receiver.in_(gemeenten))
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


async def _requests_open(session: AsyncSession, today: date, scope: Scope,
                         wanted: SignalFilter) -> list[SignalRow]:
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
    if not wanted.wants("investigation_overdue"):
        query = query.where(r.state == "pending")
    if not wanted.wants("answer_missing"):
        query = query.where(r.state == "under_investigation")
    query = _narrowed(query, wanted, r.aanbieder, c.public_id)
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


async def _declarations_unanswered(session: AsyncSession, today: date, scope: Scope,
                                   wanted: SignalFilter) -> list[SignalRow]:
    """323s whose 325 was not published (outbox) within 10 working days; none at all counts too."""
    if wanted.client:
        return []  # about a message, like a missing retour: no one client's signal
    m, answer = MessageRow, aliased(MessageRow)
    query = (select(m.message_name, m.identificatie, m.sender, m.receiver, m.received_at, answer.message_name,
                    answer.identificatie)
             .outerjoin(RetourRow, RetourRow.heen_message_id == m.id)
             .outerjoin(answer, answer.id == RetourRow.retour_message_id)
             .where(m.message_number == DECLARATION, m.direction == "in", m.status.in_(JUDGED)))
    if wanted.aanbieder:
        query = query.where(m.sender == wanted.aanbieder)
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


RULE_QUERIES = (
    (("start_missing",), _start_missing), (("stop_missing",), _stop_missing),
    (("retour_missing",), _retour_missing), (("answer_missing", "investigation_overdue"), _requests_open),
    (("declaration_unanswered",), _declarations_unanswered),
)


async def signals(session: AsyncSession, today: date, scope: Scope,
                  wanted: SignalFilter = ALL_SIGNALS) -> list[SignalRow]:
    """The open signals on `today` that `wanted` asks for, newest first (the clock started latest)."""
    found = [row for kinds, query in RULE_QUERIES if wanted.wants(*kinds)
             for row in await query(session, today, scope, wanted)]
    if wanted.kinds:
        found = [row for row in found if row.signal.kind in wanted.kinds]
    if wanted.min_age is not None:
        found = [row for row in found if row.signal.age >= wanted.min_age]
    return sorted(found, key=lambda row: (-row.signal.since.toordinal(), -row.signal.overdue, row.signal.kind,
                                          row.signal.subject))

"""One SELECT per deadline rule: the open signals of that rule as rows (kind, rank, since, subject,
gemeente, aanbieder, client), for storage.insight_queries.signals to unite, count and page.

Each rule's clock start (`since`) is computed in SQL; which starts are late on the reference day is
decided once in Python (`handlers.insight.signals.latest_open_since`: deadlines grow with their start)
and passed in as `Bounds.since`, so the database filters, sorts and pages without a calendar.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    SQLColumnExpression,
    String,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    null,
    select,
    union_all,
)
from sqlalchemy.orm import aliased

from handlers.insight.signals import SAME_DAY_ORDER
from handlers.table import DECLARATION, WITH_RETOUR
from storage.insight_queries.common import Scope, counting_version, live_delivery
from storage.insight_queries.sql_text import UtcDay
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

# Heen messages that must get a retour: provider messages we accepted (ours is written in the same
# transaction) and our own 301/319 recorded as sent (the provider owes the 302/320). XSD-invalid
# messages get no retour at all (IV032), rejected own messages were never sent.
AWAITING_RETOUR = ("accepted", "recorded")
JUDGED = ("accepted", "partial", "rejected")  # a 323 answered with a 325 (a level-1 failure gets none)
ALLOCATION = 301  # the toewijzing, whose versions' receipts start OP271's clock
COLUMNS = ("kind", "rank", "since", "subject", "gemeente", "aanbieder", "client")


@dataclass(frozen=True, slots=True)
class Bounds:
    """What one rule's query may return: clocks started by `since`, within the caller's filters."""

    today: date
    since: date
    scope: Scope
    aanbieder: str | None
    client: str | None
    after: date | None = None  # clocks started on or after this day only (a window of the newest)

    @property
    def before(self) -> datetime:
        """Timestamps of a UTC day up to `since`: earlier than the next day's midnight."""
        return datetime.combine(self.since + timedelta(days=1), time(0), UTC)

    def received(self, column: SQLColumnExpression[datetime]) -> ColumnElement[bool]:
        """A receipt timestamp whose UTC day lies in the window."""
        if self.after is None:
            return column < self.before
        return and_(column < self.before, column >= datetime.combine(self.after, time(0), UTC))

    def day(self, column: SQLColumnExpression[date | None]) -> ColumnElement[bool]:
        if self.after is None:
            return column <= self.since
        return and_(column <= self.since, column >= self.after)


def _row(kind: str, since: Any, subject: Any, gemeente: Any, aanbieder: Any, client: Any) -> list[Any]:
    return [literal(kind, String).label("kind"), literal(SAME_DAY_ORDER.index(kind), Integer).label("rank"),
            since.label("since"), subject.label("subject"), gemeente.label("gemeente"),
            aanbieder.label("aanbieder"), client.label("client")]


def _toewijzing(number: Any) -> ColumnElement[str]:
    return literal("toewijzing ", String) + cast(number, String)


def _later(first: SQLColumnExpression[Any], second: SQLColumnExpression[Any]) -> ColumnElement[Any]:
    return case((first >= second, first), else_=second)


def _narrowed(query: Select[Any], b: Bounds, aanbieder: Any, public_id: Any) -> Select[Any]:
    if b.aanbieder:
        query = query.where(aanbieder == b.aanbieder)
    if b.client:
        query = query.where(public_id == b.client)
    return query


def start_missing(b: Bounds) -> Select[Any]:
    """OP271: a counting allocation begun by today without a live start; the clock starts at the
    Ingangsdatum, or at the first receipt of any of its 301s when that came later."""
    a, v, m, c = AllocationRow, AllocationVersionRow, MessageRow, ClientRow
    d, w = aliased(DeliveryRow), aliased(AllocationVersionRow)
    received = (select(func.min(m.received_at)).join(w, w.message_id == m.id).where(w.allocation_id == a.id)
                .correlate(a).scalar_subquery())
    since = _later(v.ingangsdatum, UtcDay(received))
    # The first receipt lies before the bound when any receipt does: a semi-join the planner can put
    # after the test for a start, not a minimum computed for every allocation.
    received_by_then = exists(select(w.id).join(m, m.id == w.message_id)
                              .where(w.allocation_id == a.id, m.received_at < b.before).correlate(a))
    query = (select(*_row("start_missing", since, _toewijzing(a.toewijzingnummer),
                          a.gemeente, v.aanbieder, c.public_id))
             .join(v, v.allocation_id == a.id).join(c, c.id == v.client_id)
             .where(counting_version(), v.ingangsdatum <= min(b.today, b.since), received_by_then,
                    b.scope.where(a.gemeente),
                    ~exists(select(d.id).where(live_delivery(d, "start")).correlate(a))))
    query = _narrowed(query, b, v.aanbieder, c.public_id)
    if b.after is None:
        return query
    # In a window the clock starts in it by the Ingangsdatum (an index range) or, for an older
    # Ingangsdatum, by a first receipt in it: found from the 301s received in the window.
    after = datetime.combine(b.after, time(0), UTC)
    recent = (select(w.allocation_id).join(m, m.id == w.message_id)
              .where(m.message_number == ALLOCATION, m.received_at >= after))
    both = union_all(query.where(v.ingangsdatum >= b.after),
                     query.where(v.ingangsdatum < b.after, a.id.in_(recent), received >= after)).subquery()
    return select(*both.c)


def stop_missing(b: Bounds) -> Select[Any]:
    """OP272/OP288: each live start, not stopped, of an allocation that ended (current version)."""
    a, v, c = AllocationRow, AllocationVersionRow, ClientRow
    start, stop = aliased(DeliveryRow), aliased(DeliveryRow)
    stopped = exists(select(stop.id).where(
        stop.kind == "stop", stop.removed_by_message_id.is_(None), stop.standard == start.standard,
        stop.gemeente == start.gemeente, stop.toewijzingnummer == start.toewijzingnummer,
        stop.begindatum == start.begindatum).correlate(start))
    query = (select(*_row("stop_missing", v.einddatum, _toewijzing(a.toewijzingnummer),
                          a.gemeente, v.aanbieder, c.public_id))
             .join(v, v.allocation_id == a.id).join(c, c.id == v.client_id)
             .join(start, live_delivery(start, "start"))
             .where(v.is_current.is_(True), v.voided.is_(False), v.einddatum < b.today,
                    b.day(v.einddatum), ~stopped, b.scope.where(a.gemeente)))
    return _narrowed(query, b, v.aanbieder, c.public_id)


def retour_missing(b: Bounds) -> Select[Any]:
    """OP090: a heen message awaiting a retour without one; the gemeente is whichever party is one."""
    m = MessageRow
    party = case((and_(m.sender.is_not(None), func.length(m.sender) == 4), m.sender), else_=m.receiver)
    provider = case((party == m.sender, m.receiver), else_=m.sender)
    subject = func.coalesce(m.message_name, "None") + " " + func.coalesce(m.identificatie, "None")
    query = (select(*_row("retour_missing", UtcDay(m.received_at), subject, party, provider,
                          null().cast(String)))
             .where(m.message_number.in_(WITH_RETOUR), m.status.in_(AWAITING_RETOUR),
                    b.received(m.received_at),
                    ~exists(select(RetourRow.id).where(RetourRow.heen_message_id == m.id))))
    if b.aanbieder:
        query = query.where((m.sender == b.aanbieder) | (m.receiver == b.aanbieder))
    if b.scope.gemeenten:
        query = query.where(b.scope.where(party))
    return query


def _requests(b: Bounds, kind: str, state: str) -> Select[Any]:
    r, m, c = RequestRow, MessageRow, ClientRow
    subject = func.upper(r.kind) + " " + r.referentie_aanbieder
    query = (select(*_row(kind, UtcDay(m.received_at), subject, r.gemeente, r.aanbieder, c.public_id))
             .join(m, m.id == r.message_id).join(c, c.id == r.client_id)
             .where(r.state == state, b.received(m.received_at), b.scope.where(r.gemeente)))
    return _narrowed(query, b, r.aanbieder, c.public_id)


def answer_missing(b: Bounds) -> Select[Any]:
    """OP274: a pending 315/317 that no 301 or 319 answered (a 319 the provider's 320 voided does not)."""
    r, ans = RequestRow, AnswerRow
    answered = exists(select(ans.id).where(ans.standard == r.standard, ans.aanbieder == r.aanbieder,
                                           ans.referentie_aanbieder == r.referentie_aanbieder,
                                           ans.voided.is_(False)))
    return _requests(b, "answer_missing", "pending").where(~answered)


def investigation_overdue(b: Bounds) -> Select[Any]:
    """OP346: a request still 'in onderzoek' 8 weeks after its receipt."""
    return _requests(b, "investigation_overdue", "under_investigation")


def declaration_unanswered(b: Bounds) -> Select[Any]:
    """OP090x4: a judged 323 whose 325 (by its retour pairing) was never published from the outbox."""
    m, answer = MessageRow, aliased(MessageRow)
    published = exists(select(OutboxRow.id).where(
        OutboxRow.message_id == answer.message_name + "-" + answer.identificatie,
        OutboxRow.published_at.is_not(None)))
    subject = func.coalesce(m.message_name, "None") + " " + func.coalesce(m.identificatie, "None")
    query = (select(*_row("declaration_unanswered", UtcDay(m.received_at), subject, m.receiver, m.sender,
                          null().cast(String)))
             .outerjoin(RetourRow, RetourRow.heen_message_id == m.id)
             .outerjoin(answer, answer.id == RetourRow.retour_message_id)
             .where(m.message_number == DECLARATION, m.direction == "in", m.status.in_(JUDGED),
                    b.received(m.received_at), ~published, b.scope.where(func.coalesce(m.receiver, ""))))
    if b.aanbieder:
        query = query.where(m.sender == b.aanbieder)
    return query


RULES = {"start_missing": start_missing, "stop_missing": stop_missing, "retour_missing": retour_missing,
         "answer_missing": answer_missing, "investigation_overdue": investigation_overdue,
         "declaration_unanswered": declaration_unanswered}
ABOUT_A_MESSAGE = ("retour_missing", "declaration_unanswered")  # no one client's signal

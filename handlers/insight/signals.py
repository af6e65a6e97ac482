"""Signals: deadlines of the standard that passed without the expected message, with their age.

Every signal names the rule it comes from (STANDARD.md §6). Deadlines count Dutch
working days (`handlers.insight.calendar`); a deadline day itself is still in time,
a signal appears from the first working day after it. `age` is the number of
working days since the event that started the clock; `overdue` the number of
working days past the deadline.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from handlers.insight.calendar import add_working_days, working_days_between

START_DAYS = 5  # OP271: 305 within 5 working days after the start (or a retroactive 301's receipt)
STOP_DAYS = 5  # OP272: 307 within 5 working days after the delivery ended
RETOUR_DAYS = 3  # retour within 3 working days after receipt of the heen message
ANSWER_DAYS = 5  # OP274: 301 or 319 within 5 working days after receipt of a 315/317
INVESTIGATION = timedelta(weeks=8)  # OP346: final answer within 8 weeks after "in onderzoek"
DECLARATION_ANSWER_DAYS = 10  # OP090x4: a 325 on every 323 within 10 working days

RULES = {
    "start_missing": ("OP271", "Startbericht (305) ontbreekt 5 werkdagen na ingang van de toewijzing "
                               "of na ontvangst van een toewijzing met terugwerkende kracht"),
    "stop_missing": ("OP272/OP288", "Stopbericht (307) ontbreekt 5 werkdagen na einde of intrekking "
                                     "van de toewijzing terwijl de levering loopt"),
    "retour_missing": ("OP090", "Retourbericht ontbreekt 3 werkdagen na het heenbericht"),
    "answer_missing": ("OP274", "Verzoek (315/317) na 5 werkdagen niet beantwoord met 301 of 319"),
    "investigation_overdue": ("OP346", "Verzoek 'in onderzoek' zonder definitief antwoord na 8 weken"),
    "declaration_unanswered": ("OP090x4", "Declaratie (323) zonder verzonden declaratie-antwoord (325) na "
                                          "10 werkdagen"),
}


@dataclass(frozen=True, slots=True)
class Signal:
    kind: str
    rule: str
    since: date  # the event that started the clock
    due: date  # the last day in time
    age: int  # working days since `since`
    overdue: int  # working days past `due`
    subject: str  # what it is about, without personal data: "toewijzing 1234", "WMO301 AB12"


KEY_LENGTH = 32  # hex digits of the sha256 kept as a signal's key (storage builds the same key in SQL)


def signal_key(kind: str, gemeente: str | None, aanbieder: str | None, subject: str, since: date) -> str:
    """A signal's lasting name, so a person can mark it handled: the same deadline of the same thing.

    A new clock (another `since`) is a new signal: handling the old one does not hide the new one.
    """
    text = "|".join((kind, gemeente or "", aanbieder or "", subject, since.isoformat()))
    return hashlib.sha256(text.encode()).hexdigest()[:KEY_LENGTH]


WORKING_DAY_DEADLINES = {"start_missing": START_DAYS, "stop_missing": STOP_DAYS,
                         "retour_missing": RETOUR_DAYS, "answer_missing": ANSWER_DAYS,
                         "declaration_unanswered": DECLARATION_ANSWER_DAYS}
# Signals that started their clock on the same day, in the list's order: most working days overdue first
# (the shorter deadline passed earlier: 3 < 5 < 10 working days < 8 weeks), then by kind's name.
SAME_DAY_ORDER = ("retour_missing", "answer_missing", "start_missing", "stop_missing",
                  "declaration_unanswered", "investigation_overdue")


def due_of(kind: str, since: date) -> date:
    """The last day in time of a `kind` clock started on `since`."""
    if kind == "investigation_overdue":
        return since + INVESTIGATION
    return add_working_days(since, WORKING_DAY_DEADLINES[kind])


def signal_of(kind: str, since: date, today: date, subject: str) -> Signal | None:
    """The signal of a `kind` clock started on `since` whose expected message has not come, if late."""
    return _signal(kind, since, due_of(kind, since), today, subject)


def _latest(today: date, holds: Callable[[date], bool], span: int) -> date | None:
    """The latest day d <= today with holds(d), for a `holds` true up to some day and false after it.

    Binary search over the `span` days before `today` (None when it holds on none of them).
    """
    low, high = today - timedelta(days=span), today
    if not holds(low):
        return None
    while low < high:  # holds(low) is true throughout
        middle = low + timedelta(days=(high - low).days + 1 >> 1)
        if holds(middle):
            low = middle
        else:
            high = middle - timedelta(days=1)
    return low


def latest_open_since(kind: str, today: date) -> date:
    """The latest clock start of a `kind` signal open on `today`: a deadline of a later start has not passed.

    Deadlines grow with their start, so every start up to this day is late: the SQL's `since <=` bound.
    """
    found = _latest(today, lambda since: due_of(kind, since) < today, 120)
    assert found is not None  # every deadline is shorter than 120 days
    return found


def latest_since_of_age(today: date, min_age: int) -> date | None:
    """The latest clock start with at least `min_age` working days passed by `today` (None: no such day)."""
    if min_age <= 0:
        return today
    return _latest(today, lambda since: working_days_between(since, today) >= min_age, min_age * 2 + 30)


def _signal(kind: str, since: date, due: date, today: date, subject: str) -> Signal | None:
    if today <= due:
        return None
    return Signal(kind, RULES[kind][0], since, due, working_days_between(since, today),
                  working_days_between(due, today), subject)


def start_missing(ingangsdatum: date, received_on: date, has_start: bool, today: date,
                  subject: str) -> Signal | None:
    """OP271: the clock starts at the Ingangsdatum, or at receipt when the 301 came later."""
    if has_start:
        return None
    since = max(ingangsdatum, received_on)
    return _signal("start_missing", since, add_working_days(since, START_DAYS), today, subject)


def stop_missing(allocation_end: date | None, delivery_stopped: bool, today: date,
                 subject: str) -> Signal | None:
    """OP272/OP288: a started delivery must be stopped once the allocation ended or was withdrawn."""
    if delivery_stopped or allocation_end is None:
        return None
    due = add_working_days(allocation_end, STOP_DAYS)
    return _signal("stop_missing", allocation_end, due, today, subject)


def retour_missing(sent_on: date, has_retour: bool, today: date, subject: str) -> Signal | None:
    if has_retour:
        return None
    return _signal("retour_missing", sent_on, add_working_days(sent_on, RETOUR_DAYS), today, subject)


def request_unanswered(received_on: date, first_answer_on: date | None, investigating: bool,
                       final_answer_on: date | None, today: date, subject: str) -> Signal | None:
    """OP274 when nothing answered in 5 working days; OP346 when 'in onderzoek' exceeds 8 weeks.

    `first_answer_on` is the first 301 or 319 (of either kind); `final_answer_on` the first
    honouring 301 or rejecting 319.
    """
    if final_answer_on is not None:
        return None
    if investigating:
        due = received_on + INVESTIGATION
        return _signal("investigation_overdue", received_on, due, today, subject)
    if first_answer_on is not None:
        return None
    return _signal("answer_missing", received_on, add_working_days(received_on, ANSWER_DAYS), today, subject)


def declaration_unanswered(received_on: date, answer_published_on: date | None, today: date,
                           subject: str) -> Signal | None:
    """OP090x4: the 325 must have gone out (published, not just built) within 10 working days.

    The gateway builds the 325 in the 323's own transaction, so this signal means the outbox relay
    could not publish it: ops must look at `istd.out` and the outbox. It clears once published.
    """
    if answer_published_on is not None:
        return None
    due = add_working_days(received_on, DECLARATION_ANSWER_DAYS)
    return _signal("declaration_unanswered", received_on, due, today, subject)

"""The exchanges around the allocations of the benchmark register (benchmarks/web_register.py).

Every row a page reads besides clients, allocations and deliveries: the messages that carried them
(301, 305, 307, 315, 317, 319, 323 in; 325 out) with the received retours on our own 301 and 319,
requests (315/317) with the 319 answers (rejected, under investigation) or the honouring 301, and some
never answered; declarations (323) per gemeente, provider and month with their Prestaties judged
(awarded, some rejected, some credited) and the 325 answer published from the outbox; the provider
register (names); signal marks; web users with API tokens and their audit trail.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from handlers.insight.signals import signal_key

Rows = dict[str, list[tuple[Any, ...]]]

EXCHANGE_COLUMNS: dict[str, tuple[str, ...]] = {
    "requests": ("id", "standard", "gemeente", "aanbieder", "client_id", "kind", "referentie_aanbieder",
                 "state", "details", "message_id", "honoured_by_message_id"),
    "answers": ("id", "standard", "gemeente", "aanbieder", "referentie_aanbieder", "verzoek_antwoord",
                "reden_afwijzing", "message_id", "voided"),
    "retours": ("id", "direction", "heen_message_id", "retour_message_id", "identificatie_retour",
                "header_codes", "class_codes", "accepted"),
    "declarations": ("id", "message_id", "standard", "gemeente", "aanbieder", "declaratienummer",
                     "begindatum", "einddatum", "ingediend", "toegekend", "status", "assessed", "codes"),
    "claim_lines": ("id", "declaration_id", "client_id", "standard", "gemeente", "aanbieder",
                    "referentienummer", "vorig_referentienummer", "toewijzingnummer", "allocation_version_id",
                    "product_categorie", "product_code", "begindatum", "einddatum", "volume", "eenheid",
                    "tarief", "bedrag", "debet_credit", "status", "codes", "credited_by_id"),
    "outbox": ("id", "exchange", "routing_key", "body", "content_type", "message_id", "created_at",
               "published_at"),
    "web_providers": ("agb_code", "naam", "loaded_at"),
    "web_users": ("id", "username", "password_hash", "role", "gemeenten", "created_at", "active"),
    "web_api_tokens": ("id", "user_id", "token_sha256", "label", "created_at", "expires_at", "revoked_at"),
    "web_audit_log": ("id", "at", "user_id", "username", "client_id", "view", "reason", "outcome", "address",
                      "session", "filter", "row_count"),
    "web_signals_handled": ("id", "key", "kind", "gemeente", "subject", "user_id", "handled_by", "handled_at",
                            "reason"),
}
MESSAGE_COLUMNS = ("id", "sha256", "raw", "standard", "message_name", "message_number", "sender", "receiver",
                   "identificatie", "dagtekening", "received_at", "direction", "status", "codes", "findings",
                   "answer")
NO_CODES = "[]"
CLAIMS_FROM, CLAIMS_UNTIL = date(2024, 1, 1), date(2025, 6, 30)  # the months declared in the register
TARIEF = {"01": 6200, "04": 5400, "14": 1850, "16": 4100}  # euro cents per unit, by eenheid


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour % 24, (hour * 7) % 60, tzinfo=UTC)


def prefix(standard: str) -> str:
    return "JW" if standard == "ijw" else "WMO"


@dataclass
class Exchanges:
    """The rows, and the counters that give each table its ids (1, 2, 3, ... as a sequence would)."""

    rng: random.Random
    tables: Rows
    ids: dict[str, int] = field(default_factory=dict)
    pending: list[tuple[str, str, str, str, date]] = field(default_factory=list)  # for the signal marks

    def next_id(self, table: str) -> int:
        self.ids[table] = self.ids.get(table, 0) + 1
        return self.ids[table]

    def message(self, standard: str, number: int, sender: str, receiver: str, day: date, *,
                direction: str = "in", status: str = "accepted", codes: str = NO_CODES,
                answer: str | None = None) -> int:
        mid = self.next_id("messages")
        self.tables["messages"].append((
            mid, f"{mid:064x}", b"", standard, f"{prefix(standard)}{number}", number, sender, receiver,
            f"B{mid:07d}", day, at(day, 8 + mid % 9), direction, status, codes, NO_CODES, answer))
        return mid

    def own_heen(self, standard: str, number: int, gemeente: str, aanbieder: str, day: date) -> int:
        """A 301 or 319 of our own, recorded, and (nearly always) the provider's retour on it."""
        returned = self.rng.random() < 0.985
        heen = self.message(standard, number, gemeente, aanbieder, day, status="recorded",
                            answer="accepted" if returned else None)
        if returned:
            retour = self.message(standard, number + 1, aanbieder, gemeente, day + timedelta(days=1),
                                  status="paired")
            self.tables["retours"].append((self.next_id("retours"), "received", heen, retour,
                                           f"B{retour:07d}", NO_CODES, "{}", True))
        return heen

    def provider_heen(self, standard: str, number: int, aanbieder: str, gemeente: str, day: date) -> int:
        """A provider's 305/307/315/317: mostly accepted, a few rejected with a retourcode."""
        if self.rng.random() < 0.02:  # an earlier, rejected attempt: only a message, no register row
            self.message(standard, number, aanbieder, gemeente, day, status="rejected", codes='["0200"]')
        return self.message(standard, number, aanbieder, gemeente, day)


def add_request(ex: Exchanges, key: tuple[str, str, str, int], kind: str, reference: str, day: date,
                details: dict[str, Any], honoured_by: int | None) -> None:
    """A 315 (vot) or 317 (vow) sent on `day`; honoured by a 301, else answered or still open."""
    standard, gemeente, aanbieder, client = key
    message = ex.provider_heen(standard, 315 if kind == "vot" else 317, aanbieder, gemeente, day)
    state = "honoured"
    if honoured_by is None:
        state = ex.rng.choices(("rejected", "under_investigation", "pending"), (50, 30, 20))[0]
        if state != "pending":
            answered = day + timedelta(days=ex.rng.randint(2, 12))
            answer = ex.own_heen(standard, 319, gemeente, aanbieder, answered)
            ex.tables["answers"].append((ex.next_id("answers"), standard, gemeente, aanbieder, reference,
                                         "1" if state == "rejected" else "2",
                                         "01" if state == "rejected" else None, answer, False))
        if state != "rejected":
            ex.pending.append(("answer_missing" if state == "pending" else "investigation_overdue", gemeente,
                               aanbieder, f"{kind.upper()} {reference}", day))
    ex.tables["requests"].append((ex.next_id("requests"), standard, gemeente, aanbieder, client, kind,
                                  reference, state, json.dumps(details), message, honoured_by))


@dataclass(frozen=True, slots=True)
class Claimable:
    """A started allocation's facts a Prestatie needs."""

    standard: str
    gemeente: str
    aanbieder: str
    client: int
    nummer: int
    version: int
    categorie: str
    code: str
    begin: date
    einde: date | None
    volume: int


def _months(first: date, last: date) -> list[tuple[date, date]]:
    months, day = [], first.replace(day=1)
    while day <= last:
        following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
        months.append((max(day, first), min(following - timedelta(days=1), last)))
        day = following
    return months


def add_claims(ex: Exchanges, claimable: list[Claimable]) -> None:
    """Monthly Prestaties of the declared allocations, one 323 per gemeente, provider and month."""
    declarations: dict[tuple[str, str, str, date], list[tuple[Any, ...]]] = {}
    for item in claimable:
        last = min(item.einde or CLAIMS_UNTIL, CLAIMS_UNTIL)
        for begin, end in _months(max(item.begin, CLAIMS_FROM), last):
            eenheid = "04" if item.volume > 8 else "01"
            volume = max(1, item.volume - ex.rng.choice((0, 0, 0, 1, 2)))
            line = [item, begin, end, volume, eenheid, TARIEF[eenheid]]
            declarations.setdefault((item.standard, item.gemeente, item.aanbieder, begin.replace(day=1)),
                                    []).append(tuple(line))
    for (standard, gemeente, aanbieder, month), lines in sorted(declarations.items()):
        _declaration(ex, (standard, gemeente, aanbieder, month), lines)


def _declaration(ex: Exchanges, key: tuple[str, str, str, date], lines: list[tuple[Any, ...]]) -> None:
    standard, gemeente, aanbieder, month = key
    sent = min(month + timedelta(days=40), CLAIMS_UNTIL + timedelta(days=20))
    declaration_id = ex.next_id("declarations")
    ingediend = toegekend = 0
    statuses = []
    for item, begin, end, volume, eenheid, tarief in lines:
        status = ex.rng.choices(("awarded", "rejected", "credited"), (93, 4, 3))[0]
        bedrag, line_id = volume * tarief, ex.next_id("claim_lines")
        credit = ex.ids["claim_lines"] + 1 if status == "credited" else None
        reference = f"P{line_id:011d}"
        ex.tables["claim_lines"].append((
            line_id, declaration_id, item.client, standard, gemeente, aanbieder, reference, None, item.nummer,
            item.version, item.categorie, item.code, begin, end, volume, eenheid, tarief, bedrag, "D", status,
            '["0233"]' if status == "rejected" else NO_CODES, credit))
        if credit:  # the same declaration credits it again (a correction): an awarded credit line
            ex.tables["claim_lines"].append((
                ex.next_id("claim_lines"), declaration_id, item.client, standard, gemeente, aanbieder,
                f"P{credit:011d}", reference, item.nummer, item.version, item.categorie, item.code, begin,
                end, volume, eenheid, tarief, bedrag, "C", "awarded", NO_CODES, None))
        ingediend += bedrag
        toegekend += bedrag if status == "awarded" else 0
        statuses.append(status)
    status = "partial" if "rejected" in statuses else "accepted"
    heen = ex.provider_heen(standard, 323, aanbieder, gemeente, sent)
    ex.tables["messages"][-1] = (*ex.tables["messages"][-1][:12], status, *ex.tables["messages"][-1][13:])
    answer = ex.message(standard, 325, gemeente, aanbieder, sent, direction="out", status="sent")
    name = f"{prefix(standard)}325"
    ex.tables["retours"].append((ex.next_id("retours"), "sent", heen, answer, f"B{answer:07d}", NO_CODES,
                                 "{}", status == "accepted"))
    ex.tables["outbox"].append((ex.next_id("outbox"), "istd.out", f"{aanbieder}.{name}", b"",
                                "application/xml", f"{name}-B{answer:07d}", at(sent), at(sent, 10)))
    ex.tables["declarations"].append((declaration_id, heen, standard, gemeente, aanbieder,
                                      f"D{declaration_id:09d}", month, lines[-1][2], ingediend, toegekend,
                                      status, True, NO_CODES))


def add_people(ex: Exchanges, gemeenten: list[str], providers: list[str], clients: int, days: int,
               first_day: date, hash_password: Callable[[str], str], digest: Callable[[str], str]) -> None:
    """The provider register, web users (team, analyst, ops) with tokens, their audit trail, signal marks."""
    rng, loaded = ex.rng, at(first_day + timedelta(days=days - 30))
    for rank, code in enumerate(sorted(providers)):
        if rng.random() < 0.95:  # a few providers are missing from the gemeente's file
            ex.tables["web_providers"].append((code, f"Zorgaanbieder {rank + 1:03d} B.V.", loaded))
    password = hash_password(f"register-{rng.random()}")  # one hash for all: nobody logs in as these
    users: list[tuple[int, str]] = []
    for gemeente in gemeenten:
        for role, count in (("team", 6), ("analyst", 2)):
            for number in range(count):
                uid, name = ex.next_id("web_users"), f"{role}-{gemeente}-{number}"
                ex.tables["web_users"].append((uid, name, password, role, gemeente, at(first_day), True))
                ex.tables["web_api_tokens"].append((ex.next_id("web_api_tokens"), uid,
                                                    digest(f"{name}-{uid}"), "script", at(first_day), None,
                                                    None))
                users.append((uid, name))
    uid = ex.next_id("web_users")
    ex.tables["web_users"].append((uid, "ops-0", password, "ops", "", at(first_day), True))
    for _ in range(clients // 2):  # client pictures opened, and lists shown, over the years
        uid, name = users[rng.randrange(len(users))]
        when = at(first_day + timedelta(days=rng.randrange(days)), rng.randint(8, 17))
        row: tuple[int | None, str, str, str | None, int | None] = (
            (rng.randint(1, clients), "client", "huisbezoek", None, None) if rng.random() < 0.8
            else (None, "running", "lopende toewijzingen", "on=2025-03-10", rng.randint(1, 50)))
        ex.tables["web_audit_log"].append((ex.next_id("web_audit_log"), when, uid, name, *row[:3], "shown",
                                           "10.1.0.7", f"s{uid:05d}", *row[3:]))
    for kind, gemeente, aanbieder, subject, since in ex.pending[::4]:  # a quarter of the open ones marked
        uid, name = users[rng.randrange(len(users))]
        ex.tables["web_signals_handled"].append((
            ex.next_id("web_signals_handled"), signal_key(kind, gemeente, aanbieder, subject, since), kind,
            gemeente, subject, uid, name, at(since + timedelta(days=10)), "telefonisch nagevraagd"))

"""Message rows, the retours we sent, and the outbox: what the Processor stores beside the register.

Add + flush only; the caller commits. The outbox row is written in the same transaction as its cause,
so a retour is published if and only if the effects of its message were committed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.findings import Finding
from storage.models import MessageRow, OutboxRow, RetourRow

_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


@dataclass(frozen=True, slots=True)
class MessageFacts:
    """What we know of a message from its header (all None for bytes that are not a usable message)."""

    standard: str | None = None
    message_name: str | None = None
    message_number: int | None = None
    sender: str | None = None
    receiver: str | None = None
    identificatie: str | None = None
    dagtekening: date | None = None


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    exchange: str
    routing_key: str
    body: bytes
    content_type: str
    message_id: str


# session.info key: the outbox rows this session wrote, in order, for the relay to take from memory
# once the transaction has committed (gateway.worker.pipeline); the table stays the source of truth.
OUTBOX_WRITTEN = "istd_outbox_written"


def outbox_written(session: Any) -> list[OutboxEntry]:
    """The outbox rows written through `session` (an AsyncSession or Session) so far, in order."""
    written: list[OutboxEntry] = session.info.setdefault(OUTBOX_WRITTEN, [])
    return written


async def by_sha256(session: AsyncSession, sha256: str) -> MessageRow | None:
    return await session.scalar(select(MessageRow).where(MessageRow.sha256 == sha256))


async def add_message(
    session: AsyncSession,
    *,
    raw: bytes,
    sha256: str,
    facts: MessageFacts,
    received_at: datetime,
    direction: str,
    status: str,
    codes: list[str],
    findings: list[dict[str, object]],
) -> MessageRow:
    row = MessageRow(
        raw=raw,
        sha256=sha256,
        standard=facts.standard,
        message_name=facts.message_name,
        message_number=facts.message_number,
        sender=facts.sender,
        receiver=facts.receiver,
        identificatie=facts.identificatie,
        dagtekening=facts.dagtekening,
        received_at=received_at,
        direction=direction,
        status=status,
        codes=codes,
        findings=findings,
    )
    session.add(row)
    await session.flush()
    return row


async def add_sent_retour(
    session: AsyncSession,
    *,
    heen_id: int,
    retour_id: int,
    identificatie_retour: str,
    header_codes: list[str],
    class_codes: dict[str, list[str]],
    accepted: bool,
) -> None:
    session.add(
        RetourRow(
            direction="sent",
            heen_message_id=heen_id,
            retour_message_id=retour_id,
            identificatie_retour=identificatie_retour,
            header_codes=header_codes,
            class_codes=class_codes,
            accepted=accepted,
        )
    )
    await session.flush()


async def sent_retour_of(session: AsyncSession, heen_id: int) -> bytes | None:
    """The bytes of the retour we built for this heen message, if any (for redelivery)."""
    query = (
        select(MessageRow.raw)
        .join(RetourRow, RetourRow.retour_message_id == MessageRow.id)
        .where(RetourRow.heen_message_id == heen_id, RetourRow.direction == "sent")
    )
    return (await session.scalars(query)).first()


async def add_outbox(session: AsyncSession, entry: OutboxEntry, *, created_at: datetime) -> None:
    session.add(
        OutboxRow(
            exchange=entry.exchange,
            routing_key=entry.routing_key,
            body=entry.body,
            content_type=entry.content_type,
            message_id=entry.message_id,
            created_at=created_at,
        )
    )
    await session.flush()
    outbox_written(session).append(entry)


def retour_identificatie(message_id: int) -> str:
    """IdentificatieRetour: unique per database (the heen row id), at most 12 characters."""
    digits, number = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", message_id
    text = ""
    while True:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
        if number == 0:
            return "R" + text


def error_report(sha256: str, name: str | None, outcome: str, findings: tuple[Finding, ...]) -> bytes:
    """JSON for istd.errors: codes, xpath, line and text with quoted values removed (no personal data)."""
    items = [
        {
            "code": f.code,
            "retourcode": f.retourcode,
            "level": f.level,
            "xpath": f.xpath,
            "line": f.line,
            "text": _QUOTED.sub("'…'", f.text),
        }
        for f in findings
    ]
    report = {"sha256": sha256, "message": name, "outcome": outcome, "findings": items}
    return json.dumps(report, ensure_ascii=False).encode()

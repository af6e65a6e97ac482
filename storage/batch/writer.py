"""The batch Writer: reads from a preloaded Snapshot, collects every write in memory, writes them in bulk.

    writer = await BatchWriter.open(session, keys, needs)   a few queries for all messages
    ... Processor.run(writer, ...) per message, in order ...              no round trip in the common case
    await writer.flush()                                                  one INSERT (executemany) per table

Message ids are reserved up front (the retour's IdentificatieRetour is built from its heen message's
id), the other tables' ids when written. Nothing here commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.outcome import Command
from handlers.state import State
from storage import messages as store
from storage.batch.apply import apply
from storage.batch.bulk import reserve_ids, write_snapshot
from storage.batch.load import load
from storage.batch.rows import IdentityRec, KnownMessage, NewMessage
from storage.batch.snapshot import Keys, Snapshot
from storage.models import MessageRow, RetourRow
from storage.sql import one_of
from storage.writers import StoredMessage

M, T = MessageRow.__table__.c, RetourRow.__table__.c


class BatchWriter:
    """One per run of messages between two flushes; see the module docstring."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.snapshot = Snapshot(session, load)
        self.known: dict[str, KnownMessage | NewMessage | None] = {}
        self.retour_bytes: dict[int, bytes | None] = {}
        self.messages: list[NewMessage] = []
        self.retours: list[dict[str, Any]] = []
        self.outbox: list[dict[str, Any]] = []
        self._ids: list[int] = []

    @classmethod
    async def open(cls, session: AsyncSession, keys: Keys, needs: Sequence[tuple[str, int]]) -> BatchWriter:
        """`needs`: per message its sha256 and how many message rows it adds (its own, and a retour)."""
        writer = cls(session)
        await writer._load_known([sha for sha, _ in needs])
        fresh = {sha: n for sha, n in reversed(needs) if writer.known[sha] is None}  # first occurrence wins
        writer._ids = list(reversed(await reserve_ids(session, "messages", sum(fresh.values()))))
        await writer.snapshot.ensure(keys)
        return writer

    async def _load_known(self, shas: Sequence[str]) -> None:
        """Messages already stored under these hashes (duplicates), and the retours we sent for them."""
        self.known.update(dict.fromkeys(shas))
        if not shas:
            return
        query = select(
            M.id, M.sha256, M.standard, M.message_name, M.sender, M.receiver, M.identificatie, M.codes
        )
        query = query.where(one_of(M.sha256, shas, self.snapshot.postgres))
        for row in (await self.session.execute(query)).all():
            self.known[row.sha256] = KnownMessage(*row)
        found = [m.id for m in self.known.values() if m is not None]
        if found:
            self.retour_bytes.update(dict.fromkeys(found))
            retours = (
                select(T.heen_message_id, M.raw)
                .join_from(RetourRow.__table__, MessageRow.__table__, M.id == T.retour_message_id)
                .where(one_of(T.heen_message_id, found, self.snapshot.postgres), T.direction == "sent")
                .order_by(T.id)
            )
            for heen_id, raw in (await self.session.execute(retours)).all():
                if self.retour_bytes.get(heen_id) is None:
                    self.retour_bytes[heen_id] = raw

    # ------------------------------------------------------------ Writer

    async def by_sha256(self, sha256: str) -> StoredMessage | None:
        if sha256 not in self.known:  # a key not preloaded (a sender refusal's own key)
            await self._load_known([sha256])
        return self.known[sha256]

    async def sent_retour_of(self, heen_id: int) -> bytes | None:
        if heen_id not in self.retour_bytes:
            self.retour_bytes[heen_id] = await store.sent_retour_of(self.session, heen_id)
        return self.retour_bytes[heen_id]

    async def add_message(
        self,
        *,
        raw: bytes,
        sha256: str,
        facts: store.MessageFacts,
        received_at: datetime,
        direction: str,
        status: str,
        codes: list[str],
        findings: list[dict[str, object]],
    ) -> NewMessage:
        if not self._ids:
            self._ids = list(reversed(await reserve_ids(self.session, "messages", 16)))
        message = NewMessage(
            self._ids.pop(),
            sha256,
            raw,
            facts.standard,
            facts.message_name,
            facts.message_number,
            facts.sender,
            facts.receiver,
            facts.identificatie,
            facts.dagtekening,
            received_at,
            direction,
            status,
            codes,
            findings,
        )
        self.messages.append(message)
        self.known[sha256] = message
        self.retour_bytes.setdefault(message.id, None)
        if facts.message_name and facts.sender and facts.identificatie:
            ident = (facts.message_name, facts.sender, facts.identificatie)
            self.snapshot.identities[ident].append(IdentityRec(facts.standard, direction, status))
        return message

    async def add_sent_retour(
        self,
        *,
        heen: StoredMessage,
        retour: StoredMessage,
        header_codes: list[str],
        class_codes: dict[str, list[str]],
        accepted: bool,
    ) -> None:
        self.retours.append(
            {
                "direction": "sent",
                "heen_message_id": heen.id,
                "retour_message_id": retour.id,
                "identificatie_retour": str(retour.identificatie),
                "header_codes": header_codes,
                "class_codes": class_codes,
                "accepted": accepted,
            }
        )
        if isinstance(retour, NewMessage) and self.retour_bytes.get(heen.id) is None:
            self.retour_bytes[heen.id] = retour.raw

    async def add_outbox(self, entry: store.OutboxEntry, *, created_at: datetime) -> None:
        self.outbox.append(
            {
                "exchange": entry.exchange,
                "routing_key": entry.routing_key,
                "body": entry.body,
                "content_type": entry.content_type,
                "message_id": entry.message_id,
                "created_at": created_at,
                "published_at": None,
            }
        )
        store.outbox_written(self.session).append(entry)

    async def apply(self, commands: Sequence[Command], *, message_id: int) -> None:
        await apply(self.snapshot, commands, message_id=message_id)

    def state(self) -> State:
        return self.snapshot

    async def flush(self) -> None:
        """Write everything collected, in foreign-key order; the writer is spent afterwards."""
        await write_snapshot(
            self.session, self.snapshot, [m.row() for m in self.messages], self.retours, self.outbox
        )
        self.messages, self.retours, self.outbox = [], [], []

"""Where the Processor's writes go: `Writer` is the seam between the processing logic and storage.

    OrmWriter(session) ........ one message at a time: ORM add + flush, reads through `Register`
    BatchWriter (storage.batch.writer) ... many messages: state read from a preloaded snapshot,
                                           rows collected in memory and written with bulk inserts

Both keep the same semantics; the processing logic (gateway.processing.processor) is written once against
this Protocol, so the batch path cannot drift from the single-message path.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.outcome import Command
from handlers.state import State
from storage import messages as store
from storage.commands import apply
from storage.models import MessageRow
from storage.repositories import Register


class StoredMessage(Protocol):
    """What processing reads back of a stored message row (MessageRow or its in-memory twin)."""

    @property
    def id(self) -> int: ...
    @property
    def sha256(self) -> str: ...
    @property
    def standard(self) -> str | None: ...
    @property
    def message_name(self) -> str | None: ...
    @property
    def sender(self) -> str | None: ...
    @property
    def receiver(self) -> str | None: ...
    @property
    def identificatie(self) -> str | None: ...
    @property
    def codes(self) -> list[Any]: ...


class Writer(Protocol):
    """The reads and writes processing needs, inside the caller's transaction (never commits)."""

    async def by_sha256(self, sha256: str) -> StoredMessage | None: ...

    async def sent_retour_of(self, heen_id: int) -> bytes | None: ...

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
    ) -> StoredMessage: ...

    async def add_sent_retour(
        self,
        *,
        heen: StoredMessage,
        retour: StoredMessage,
        header_codes: list[str],
        class_codes: dict[str, list[str]],
        accepted: bool,
    ) -> None: ...

    async def add_outbox(self, entry: store.OutboxEntry, *, created_at: datetime) -> None: ...

    async def apply(self, commands: Sequence[Command], *, message_id: int) -> None: ...

    def state(self) -> State:
        """The register as the handlers read it, including what this transaction wrote so far."""
        ...


class OrmWriter:
    """The single-message writer: every write is an ORM add + flush on `session`."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def by_sha256(self, sha256: str) -> MessageRow | None:
        return await store.by_sha256(self.session, sha256)

    async def sent_retour_of(self, heen_id: int) -> bytes | None:
        return await store.sent_retour_of(self.session, heen_id)

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
    ) -> MessageRow:
        return await store.add_message(
            self.session,
            raw=raw,
            sha256=sha256,
            facts=facts,
            received_at=received_at,
            direction=direction,
            status=status,
            codes=codes,
            findings=findings,
        )

    async def add_sent_retour(
        self,
        *,
        heen: StoredMessage,
        retour: StoredMessage,
        header_codes: list[str],
        class_codes: dict[str, list[str]],
        accepted: bool,
    ) -> None:
        await store.add_sent_retour(
            self.session,
            heen_id=heen.id,
            retour_id=retour.id,
            identificatie_retour=str(retour.identificatie),
            header_codes=header_codes,
            class_codes=class_codes,
            accepted=accepted,
        )

    async def add_outbox(self, entry: store.OutboxEntry, *, created_at: datetime) -> None:
        await store.add_outbox(self.session, entry, created_at=created_at)

    async def apply(self, commands: Sequence[Command], *, message_id: int) -> None:
        await apply(self.session, commands, message_id=message_id)

    def state(self) -> State:
        return Register(self.session)

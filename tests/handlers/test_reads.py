"""handlers.reads names every register key a heen handler reads and its commands write.

Each handler runs against a recording state (over an empty FakeState, and over one where every
request, answer, allocation and identity it asks about exists, so the rules' later branches run
too); every key it asked for, and every key its commands write under, must be among `reads(msg)`.
The batch path preloads exactly these keys, so a key missed here would cost a round trip per message.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date

import pytest

from gateway.processing.validation import check_document
from handlers import dispatch
from handlers.context import Context
from handlers.data import load_municipalities
from handlers.messages import HeenMessage
from handlers.outcome import (
    AddDelivery,
    AllocationKey,
    Command,
    DeliveryKey,
    DeliveryScope,
    RecordAllocationVersion,
    RecordAnswer,
    RecordRequest,
    RemoveDelivery,
    UpsertClient,
)
from handlers.reads import Reads, reads
from handlers.state import AllocationView, AnswerView, HeenView, RequestView, State
from tests.kit.traffic import Traffic
from tests.kit.typed_messages import BASELINES, BSN, FakeState, allocation, request

HEEN = (301, 305, 307, 315, 317, 319)
TODAY = date(2026, 12, 7)


@dataclass
class Recording(State):
    """A State over `inner` that notes every key asked for, as the batch snapshot's `need` would."""

    inner: FakeState
    asked: Reads = field(default_factory=Reads)

    async def identificatie_used(
        self, standard: str, message_name: str, sender: str, identificatie: str
    ) -> bool:
        self.asked.idents.add((message_name, sender, identificatie))
        return await self.inner.identificatie_used(standard, message_name, sender, identificatie)

    async def allocation(self, key: AllocationKey) -> AllocationView | None:
        self.asked.allocations.add(key)
        return await self.inner.allocation(key)

    async def allocations_of(self, scope: DeliveryScope) -> list[AllocationView]:
        self.asked.bsns.add(scope.bsn)
        return await self.inner.allocations_of(scope)

    async def deliveries(self, scope: DeliveryScope) -> list[DeliveryKey]:
        self.asked.bsns.add(scope.bsn)
        return await self.inner.deliveries(scope)

    async def requests_with_reference(
        self, standard: str, aanbieder: str, referentie: str
    ) -> list[RequestView]:
        self.asked.refs.add((standard, aanbieder, referentie))
        return await self.inner.requests_with_reference(standard, aanbieder, referentie)

    async def open_requests(self, scope: DeliveryScope) -> list[RequestView]:
        self.asked.bsns.add(scope.bsn)
        return await self.inner.open_requests(scope)

    async def answers(self, standard: str, aanbieder: str, referentie: str) -> list[AnswerView]:
        self.asked.refs.add((standard, aanbieder, referentie))
        return await self.inner.answers(standard, aanbieder, referentie)

    async def reference_honoured(self, standard: str, aanbieder: str, referentie: str) -> bool:
        self.asked.refs.add((standard, aanbieder, referentie))
        return await self.inner.reference_honoured(standard, aanbieder, referentie)

    async def heen_message(
        self, standard: str, number: int, afzender: str, ontvanger: str, identificatie: str
    ) -> HeenView | None:
        return await self.inner.heen_message(standard, number, afzender, ontvanger, identificatie)

    async def has_awarded_claims(self, key: AllocationKey) -> bool:
        self.asked.allocations.add(key)  # the batch snapshot answers it from the database, unkeyed
        return await self.inner.has_awarded_claims(key)


def _written(commands: tuple[Command, ...] | list[Command]) -> Reads:
    """The keys the commands write under (what the snapshot must hold before applying them)."""
    found = Reads()
    for command in commands:
        match command:
            case UpsertClient():
                found.bsns.add(command.bsn)
            case RecordAllocationVersion():
                found.bsns.add(command.bsn)
                found.allocations.add(command.key)
                if command.referentie_aanbieder:
                    found.refs.add((command.key.standard, command.aanbieder, command.referentie_aanbieder))
            case AddDelivery() | RemoveDelivery():
                found.bsns.add(command.scope.bsn)
            case RecordRequest():
                found.bsns.add(command.scope.bsn)
                scope = command.scope
                found.refs.add((scope.standard, scope.aanbieder, command.referentie_aanbieder))
            case RecordAnswer():
                found.refs.add((command.standard, command.aanbieder, command.referentie_aanbieder))
    return found


def _messages() -> Iterator[HeenMessage]:
    for standard in ("iwmo", "ijw"):
        for number in HEEN:
            yield BASELINES[number](standard)  # type: ignore[misc]
    for body in Traffic(seed=13, today=TODAY).messages(400):
        verdict = check_document(body, max_bytes=len(body) + 1)
        if verdict.verdict == "valid" and verdict.decoded is not None:
            yield verdict.decoded  # type: ignore[misc]


def _everything_known(msg: HeenMessage, asked: Reads) -> FakeState:
    """A register in which every key the empty run asked about exists, so the known branches run."""
    bsn = getattr(getattr(msg, "client", None), "bsn", BSN)
    provider = msg.header.ontvanger if msg.meta.number in (301, 319) else msg.header.afzender
    state = FakeState()
    state.used |= {(msg.meta.standard, *ident) for ident in asked.idents}
    keys = asked.allocations or {AllocationKey(msg.meta.standard, msg.header.ontvanger, 999)}
    state.allocations += [allocation(k.toewijzingnummer, key=k, bsn=bsn, aanbieder=provider) for k in keys]
    for _, aanbieder, referentie in asked.refs:
        state.requests.append(replace(request(referentie), aanbieder=aanbieder, bsn=bsn))
        state.answer_list.append((referentie, AnswerView(referentie, "2")))
        state.honoured.add(referentie)
    return state


async def _run(msg: HeenMessage, inner: FakeState, context: Context) -> tuple[Reads, Reads]:
    recording = Recording(inner)
    outcome = await dispatch.handle(msg, recording, context)
    return recording.asked, _written(outcome.commands)


def _missing(expected: Reads, got: Reads) -> dict[str, object]:
    return {
        name: sorted(map(str, getattr(got, name) - getattr(expected, name)))
        for name in ("bsns", "allocations", "refs", "idents")
        if getattr(got, name) - getattr(expected, name)
    }


async def test_reads_names_every_key_a_handler_reads_or_writes() -> None:
    checked, context = 0, Context(TODAY, None, load_municipalities())
    for msg in _messages():
        named = reads(msg)
        asked, written = await _run(msg, FakeState(), context)
        assert not _missing(named, asked), (msg.meta.name, _missing(named, asked))
        assert not _missing(named, written), (msg.meta.name, _missing(named, written))
        asked_known, written_known = await _run(msg, _everything_known(msg, asked), context)
        assert not _missing(named, asked_known), (msg.meta.name, _missing(named, asked_known))
        assert not _missing(named, written_known), (msg.meta.name, _missing(named, written_known))
        checked += 1
    assert checked > 300  # the 12 baselines and the traffic's valid heen messages


@pytest.mark.parametrize("number", [323, 325])
def test_declarations_name_no_keys(number: int) -> None:
    """A 323 takes the one-message path (its own register), a received 325 is stored only."""
    assert reads(BASELINES[number]("iwmo")) == Reads()

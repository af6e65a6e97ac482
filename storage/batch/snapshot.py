"""A batch's view of the register: the rows its messages need, loaded in a few queries, kept in memory.

The handlers read it through their Protocols (handlers.state) exactly as they read `Register`; the
batch's own effects are applied to it (storage.batch.apply) as each message is processed, so a
message sees what earlier messages of the same batch did. Coverage is tracked per key (client BSN,
allocation key, reference, message identity): a read of a key that was not preloaded loads it on
demand, so preloading is only an optimisation and never changes an answer.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.outcome import AllocationKey, DeliveryKey, DeliveryScope
from handlers.state import AllocationView, AnswerView, HeenView, RequestView
from storage.batch.rows import (
    NEW,
    AllocRec,
    AnswerRec,
    ClientRec,
    DeliveryRec,
    IdentityRec,
    RequestRec,
    VersionRec,
)
from storage.repositories import OPEN_STATES, Register, allocation_view, delivery_key, has_awarded_claims

Ref = tuple[str, str, str]  # (standard, aanbieder, referentie_aanbieder)
Ident = tuple[str, str, str]  # (message_name, sender, identificatie)
# Loads the rows of keys not yet covered into the snapshot (storage.batch.load.load; the writer hands it in).
Loader = Callable[["Snapshot", "Keys"], Awaitable[None]]


class Keys:
    """The keys a batch will read or write, gathered before loading."""

    def __init__(self) -> None:
        self.bsns: set[str] = set()
        self.allocations: set[AllocationKey] = set()
        self.refs: set[Ref] = set()
        self.idents: set[Ident] = set()

    def __bool__(self) -> bool:
        return bool(self.bsns or self.allocations or self.refs or self.idents)


class Snapshot:
    """Rows by key plus what is covered; implements handlers.state.State as Register does."""

    def __init__(self, session: AsyncSession, loader: Loader) -> None:
        self.session = session
        self._load = loader
        self.postgres = session.get_bind().dialect.name == "postgresql"
        self._numbers = itertools.count(NEW)
        self.covered = Keys()
        self.clients: dict[str, ClientRec] = {}
        self.clients_by_id: dict[int, ClientRec] = {}
        self.allocations: dict[AllocationKey, AllocRec] = {}
        self.allocations_by_id: dict[int, AllocRec] = {}
        self.allocations_of_client: defaultdict[ClientRec, set[AllocRec]] = defaultdict(set)
        self.versions_by_ref: defaultdict[tuple[str, str], list[VersionRec]] = defaultdict(list)
        self.deliveries_of_client: defaultdict[ClientRec, list[DeliveryRec]] = defaultdict(list)
        self.requests_of_client: defaultdict[ClientRec, list[RequestRec]] = defaultdict(list)
        self.requests_by_ref: defaultdict[Ref, list[RequestRec]] = defaultdict(list)
        self.answers_by_ref: defaultdict[Ref, list[AnswerRec]] = defaultdict(list)
        self.identities: defaultdict[Ident, list[IdentityRec]] = defaultdict(list)
        self.seen_ids: dict[str, set[int]] = defaultdict(set)  # table -> stored ids already merged
        # (BSN, gemeente) -> postcode, birth date and message id of the latest 301 applied (client_areas)
        self.client_areas: dict[tuple[str, str], tuple[str | None, date | None, int]] = {}

    def new_order(self) -> int:
        return next(self._numbers)

    async def ensure(self, keys: Keys) -> None:
        """Load what `keys` names and is not covered yet (one query per table, not per key)."""
        missing = Keys()
        missing.bsns = keys.bsns - self.covered.bsns
        missing.allocations = keys.allocations - self.covered.allocations
        missing.refs = keys.refs - self.covered.refs
        missing.idents = keys.idents - self.covered.idents
        if missing:
            await self._load(self, missing)

    async def need(
        self,
        *,
        bsn: str | None = None,
        key: AllocationKey | None = None,
        ref: Ref | None = None,
        ident: Ident | None = None,
    ) -> None:
        covered = self.covered
        if (
            (bsn is None or bsn in covered.bsns)
            and (key is None or key in covered.allocations)
            and (ref is None or ref in covered.refs)
            and (ident is None or ident in covered.idents)
        ):
            return  # the common case: preloaded
        keys = Keys()
        if bsn is not None and bsn not in self.covered.bsns:
            keys.bsns.add(bsn)
        if key is not None and key not in self.covered.allocations:
            keys.allocations.add(key)
        if ref is not None and ref not in self.covered.refs:
            keys.refs.add(ref)
        if ident is not None and ident not in self.covered.idents:
            keys.idents.add(ident)
        if keys:
            await self.ensure(keys)

    # ------------------------------------------------------------ handlers.state reads

    async def identificatie_used(
        self, standard: str, message_name: str, sender: str, identificatie: str
    ) -> bool:
        ident = (message_name, sender, identificatie)
        await self.need(ident=ident)
        return any(
            m.standard == standard
            and m.status != "invalid"
            and not (m.direction == "out" and m.status == "rejected")
            for m in self.identities.get(ident, ())
        )

    async def has_awarded_claims(self, key: AllocationKey) -> bool:
        return await has_awarded_claims(self.session, key)

    async def allocation(self, key: AllocationKey) -> AllocationView | None:
        await self.need(key=key)
        alloc = self.allocations.get(key)
        current = _current(alloc) if alloc else None
        return _view(current) if current else None

    async def allocations_of(self, scope: DeliveryScope) -> list[AllocationView]:
        await self.need(bsn=scope.bsn)
        client = self.clients.get(scope.bsn)
        if client is None:
            return []
        found = []
        for alloc in self.allocations_of_client.get(client, ()):
            current = _current(alloc)
            if (
                current is not None
                and current.client is client
                and alloc.standard == scope.standard
                and alloc.gemeente == scope.gemeente
                and current.aanbieder == scope.aanbieder
            ):
                found.append(current)
        return [_view(v) for v in sorted(found, key=lambda v: v.alloc.toewijzingnummer)]

    async def deliveries(self, scope: DeliveryScope) -> list[DeliveryKey]:
        await self.need(bsn=scope.bsn)
        return [delivery_key(d) for d in self.active_deliveries(scope)]

    def active_deliveries(self, scope: DeliveryScope) -> list[DeliveryRec]:
        client = self.clients.get(scope.bsn)
        rows = self.deliveries_of_client.get(client, []) if client else []
        return sorted(
            (
                d
                for d in rows
                if d.removed_by_message_id is None
                and d.standard == scope.standard
                and d.gemeente == scope.gemeente
                and d.aanbieder == scope.aanbieder
            ),
            key=lambda d: d.order,
        )

    async def requests_with_reference(
        self, standard: str, aanbieder: str, referentie: str
    ) -> list[RequestView]:
        ref = (standard, aanbieder, referentie)
        await self.need(ref=ref)
        return _request_views(self.requests_by_ref.get(ref, ()))

    async def open_requests(self, scope: DeliveryScope) -> list[RequestView]:
        await self.need(bsn=scope.bsn)
        client = self.clients.get(scope.bsn)
        rows = self.requests_of_client.get(client, []) if client else []
        return _request_views(
            r
            for r in rows
            if r.standard == scope.standard
            and r.gemeente == scope.gemeente
            and r.aanbieder == scope.aanbieder
            and r.state in OPEN_STATES
        )

    async def answers(self, standard: str, aanbieder: str, referentie: str) -> list[AnswerView]:
        ref = (standard, aanbieder, referentie)
        await self.need(ref=ref)
        rows = sorted((a for a in self.answers_by_ref.get(ref, ()) if not a.voided), key=lambda a: a.order)
        return [AnswerView(a.referentie_aanbieder, a.verzoek_antwoord) for a in rows]

    async def reference_honoured(self, standard: str, aanbieder: str, referentie: str) -> bool:
        await self.need(ref=(standard, aanbieder, referentie))
        return self.honouring(standard, aanbieder, referentie) is not None

    def honouring(self, standard: str, aanbieder: str, referentie: str) -> VersionRec | None:
        """The first counting version (by id) carrying this reference (storage.commands.settle_requests)."""
        versions = self.versions_by_ref.get((aanbieder, referentie), ())
        counting = [v for v in versions if not v.voided and v.alloc.standard == standard]
        return min(counting, key=lambda v: v.order) if counting else None

    async def heen_message(
        self, standard: str, number: int, afzender: str, ontvanger: str, identificatie: str
    ) -> HeenView | None:
        """From the database: received retours take the one-message path, so no batch message is one."""
        return await Register(self.session).heen_message(standard, number, afzender, ontvanger, identificatie)


def _current(alloc: AllocRec) -> VersionRec | None:
    return next((v for v in alloc.versions if v.is_current), None)


def _view(v: VersionRec) -> AllocationView:
    return allocation_view(v.alloc, v, v.client.bsn)


def _request_views(rows: Iterable[RequestRec]) -> list[RequestView]:
    return [
        RequestView(r.kind, r.referentie_aanbieder, r.client.bsn, r.gemeente, r.aanbieder, r.state)
        for r in sorted(rows, key=lambda r: r.order)
    ]

"""Sends 301s and 323s through the real Processor on a real database and reads back 325s and the register.

Every 325 seen is valid against our XSD (the codec checks while building) and, for iJw, against the
published JW325 schema when the reference material is there (tests/kit/reference.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from lxml import etree
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.processing.processed import Processed
from gateway.processing.processor import Processor
from gateway.settings import Settings
from schemas import by_name
from storage.engine import session_factory
from storage.models import AllocationRow, AllocationVersionRow, ClaimLineRow, DeclarationRow, OutboxRow
from storage.unit_of_work import unit_of_work
from tests.kit import reference


def reference_schema(name: str) -> etree.XMLSchema | None:
    """The published XSD of a 325, when the reference material is there (tests/kit/reference.py)."""
    if not (reference.available() or reference.required()):
        return None
    reference.require()
    return reference.schema(by_name(name))


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1]


def _child(element: etree._Element, name: str) -> etree._Element:
    found = next((c for c in element if _local(c.tag) == name), None)
    assert found is not None, f"no {name} under {_local(element.tag)}"
    return found


def _codes(element: etree._Element) -> tuple[str, ...]:
    return tuple(str(code.text) for code in _child(element, "RetourCodes"))


@dataclass(frozen=True)
class Answer:
    """A 325 read back: header codes, the DeclaratieAntwoord (None: header only) and the returned lines."""

    name: str
    afzender: str
    ontvanger: str
    declaratie_identificatie: str
    header_codes: tuple[str, ...]
    antwoord_codes: tuple[str, ...] | None
    toegekend: int | None
    ingediend: int | None
    clients: dict[str, tuple[str, ...]]  # Bsn -> client codes
    prestaties: dict[str, tuple[str, ...]]  # ReferentieNummer -> codes


def read_325(body: bytes) -> Answer:
    root = etree.fromstring(body)
    header = _child(root, "Header")
    name = str(root.tag)[1:].split("}")[0].split("/")[-2].upper()
    decl = _child(_child(header, "DeclaratieIdentificatie"), "Identificatie").text
    body_el = next((c for c in root if _local(c.tag) == "DeclaratieAntwoord"), None)
    clients: dict[str, tuple[str, ...]] = {}
    prestaties: dict[str, tuple[str, ...]] = {}
    if body_el is None:
        return Answer(
            name,
            str(_child(header, "Afzender").text),
            str(_child(header, "Ontvanger").text),
            str(decl),
            _codes(header),
            None,
            None,
            None,
            clients,
            prestaties,
        )
    for wrapper in (c for c in body_el if _local(c.tag) == "Clienten"):
        for client in wrapper:
            clients[str(_child(client, "Bsn").text)] = _codes(client)
            for p in _child(client, "Prestaties"):
                ref = _child(_child(p, "ProductReferentie"), "ReferentieNummer").text
                prestaties[str(ref)] = _codes(p)

    def total(element: str) -> int:
        node = _child(body_el, element)
        amount = int(str(_child(node, "TotaalBedrag").text))
        return -amount if _child(node, "DebetCredit").text == "C" else amount

    return Answer(
        name,
        str(_child(header, "Afzender").text),
        str(_child(header, "Ontvanger").text),
        str(decl),
        _codes(header),
        _codes(body_el),
        total("TotaalToegekendBedrag"),
        total("TotaalIngediendBedrag"),
        clients,
        prestaties,
    )


@dataclass
class Harness:
    engine: AsyncEngine
    today: date = date(2024, 5, 6)
    processor: Processor = field(default_factory=lambda: Processor(Settings()))

    async def send(self, raw: bytes) -> Processed:
        async with unit_of_work(session_factory(self.engine)) as session:
            result = await self.processor.process(
                session, raw, received_at=datetime.now(UTC), today=self.today
            )
        schema = None
        if result.retour is not None and result.standard == "ijw":
            schema = reference_schema(read_325(result.retour).name)
        if schema is not None and result.retour is not None:
            assert schema.validate(etree.fromstring(result.retour)), schema.error_log
        return result

    async def declarations(self) -> list[DeclarationRow]:
        async with unit_of_work(session_factory(self.engine)) as session:
            return list((await session.scalars(select(DeclarationRow).order_by(DeclarationRow.id))).all())

    async def lines(self) -> dict[str, ClaimLineRow]:
        async with unit_of_work(session_factory(self.engine)) as session:
            rows = (await session.scalars(select(ClaimLineRow).order_by(ClaimLineRow.id))).all()
            return {row.referentienummer: row for row in rows}

    async def version_ids(self) -> dict[int, int]:
        """ToewijzingNummer -> id of its (single) stored version."""
        async with unit_of_work(session_factory(self.engine)) as session:
            rows = (
                await session.execute(select(AllocationVersionRow.id, AllocationVersionRow.allocation_id))
            ).all()
            numbers = dict(
                (await session.execute(select(AllocationRow.id, AllocationRow.toewijzingnummer))).all()
            )
            return {int(numbers[allocation]): int(version) for version, allocation in rows}

    async def outbox(self, suffix: str) -> list[OutboxRow]:
        async with unit_of_work(session_factory(self.engine)) as session:
            rows = await session.scalars(select(OutboxRow).where(OutboxRow.routing_key.endswith(suffix)))
            return list(rows.all())

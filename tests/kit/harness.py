"""The scenario harness: messages through `Processor.process`, one committed transaction each.

Every retour the harness sees is validated against our retour XSD (the codec does that while building)
and, for iJw, against the published XSD when the reference material is there (tests/kit/reference.py;
under CI it must be).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from lxml import etree
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.codec import paths
from gateway.processing.processed import Processed
from gateway.processing.processor import Processor
from gateway.settings import Settings
from schemas import by_name
from storage.engine import session_factory
from storage.models import AllocationVersionRow, DeliveryRow, MessageRow, OutboxRow, RequestRow
from storage.queries import RunningAllocation, running_allocations
from storage.unit_of_work import unit_of_work
from tests.kit import reference


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


@dataclass(frozen=True)
class RetourView:
    """A retour read back: its name, header codes and, per returned class path, its codes."""

    name: str
    header_codes: tuple[str, ...]
    class_codes: dict[str, tuple[str, ...]]


def read_retour(body: bytes) -> RetourView:
    root = etree.fromstring(body)
    name = root.tag[1:].split("}")[0].split("/")[-2]  # .../iwmo/3_2/wmo306/schema -> wmo306
    header: tuple[str, ...] = ()
    classes: dict[str, tuple[str, ...]] = {}
    for element in root.iter():
        if not isinstance(element.tag, str) or local(element.tag) != "RetourCodes":
            continue
        codes = tuple(str(code.text) for code in element)
        parent = element.getparent()
        assert parent is not None
        path = paths.xpath_of(parent)
        if local(parent.tag) == "Header":
            header = codes
        else:
            classes[path] = codes
    return RetourView(str(name).upper(), header, classes)


@dataclass
class Harness:
    """Sends scenario messages through the real pipeline on a real database."""

    engine: AsyncEngine
    today: date = date(2024, 3, 4)
    processor: Processor = field(default_factory=lambda: Processor(Settings()))

    async def send(self, raw: bytes) -> Processed:
        async with unit_of_work(session_factory(self.engine)) as session:
            result = await self.processor.process(
                session, raw, received_at=datetime.now(UTC), today=self.today
            )
        if result.retour is not None:
            self.check_reference(result.retour)
        return result

    def check_reference(self, body: bytes) -> None:
        view = read_retour(body)
        if view.name.startswith("JW") and (reference.available() or reference.required()):
            reference.require()
            schema = reference.schema(by_name(view.name))
            assert schema is not None, view.name
            assert schema.validate(etree.fromstring(body)), schema.error_log

    async def running(self, on: date) -> list[RunningAllocation]:
        async with unit_of_work(session_factory(self.engine)) as session:
            return await running_allocations(session, on)

    async def count(self, model: type, *conditions: ColumnElement[bool]) -> int:
        async with unit_of_work(session_factory(self.engine)) as session:
            query = select(func.count()).select_from(model).where(*conditions)
            return int(await session.scalar(query) or 0)

    async def request_states(self) -> dict[str, str]:
        async with unit_of_work(session_factory(self.engine)) as session:
            rows = (await session.scalars(select(RequestRow).order_by(RequestRow.id))).all()
            return {row.referentie_aanbieder: row.state for row in rows}


__all__ = ["AllocationVersionRow", "DeliveryRow", "Harness", "MessageRow", "OutboxRow", "read_retour"]

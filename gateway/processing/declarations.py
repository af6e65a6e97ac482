"""The 323 path: judge (handlers.declaratie), record the declaration, answer with one 325 via the outbox.

    answer(session, item, heen, plan) -> bytes     the 325, stored (direction out) and queued on istd.out
                                                   with routing key `<aanbieder>.wmo325` / `.jw325`

The 325 is linked to its 323 like a retour (storage `retours`), so a redelivered 323 (same bytes) gets
the same 325 again and changes nothing. Only the one-message ORM path handles a 323: the batch path
hands it over (gateway.processing.batch), since a 323 reads and writes the declaration register.
"""

from __future__ import annotations

import hashlib

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway import wire
from gateway.codec.antwoord import antwoord_type, build_antwoord
from gateway.logs import get_logger
from gateway.processing.processed import Input
from handlers.answer325 import AnswerPlan
from storage import messages as store
from storage.contracts import contract_count
from storage.writers import OrmWriter, StoredMessage, Writer

log = get_logger("declarations")


def orm(session: Writer) -> OrmWriter:
    """The ORM writer a 323 needs; the batch writer never gets one (processing.batch routes it around)."""
    if not isinstance(session, OrmWriter):
        raise TypeError("a 323 is processed on the one-message path (OrmWriter) only")
    return session


async def answer(session: Writer, item: Input, heen: StoredMessage, plan: AnswerPlan) -> bytes:
    """Build the 325 (its Identificatie from the 323's row id, dated today), store and queue it."""
    assert item.doc is not None
    ident, at = store.retour_identificatie(heen.id), antwoord_type(item.doc)
    body = build_antwoord(item.doc, plan, identificatie=ident, dagtekening=item.today)
    codes = list(plan.every_code())
    facts = store.MessageFacts(at.standard, at.name, at.number, heen.receiver, heen.sender, ident, item.today)
    row = await session.add_message(raw=body, sha256=hashlib.sha256(body).hexdigest(), facts=facts,
                                    received_at=item.received_at, direction="out", status="sent", codes=codes,
                                    findings=[])
    class_codes = {"/Bericht/DeclaratieAntwoord": list(plan.antwoord_codes)} if plan.processed else {}
    class_codes.update({xpath: list(c) for xpath, c in {**plan.client_codes, **plan.prestatie_codes}.items()})
    await session.add_sent_retour(heen=heen, retour=row, header_codes=list(plan.header_codes),
                                  class_codes=class_codes, accepted=not plan.prestatie_codes
                                  and set(plan.antwoord_codes) <= {"8001"} and plan.processed)
    key = wire.out_routing_key(str(heen.sender), at.name)
    await session.add_outbox(
        store.OutboxEntry(wire.EXCHANGE_OUT, key, body, wire.CONTENT_TYPE_XML, f"{at.name}-{ident}"),
        created_at=item.received_at,
    )
    return body


TR418_OFF = "TR418 (0611) is off: no contracts loaded (istd contracts load FILE)"


async def announce_tr418(sessions: async_sessionmaker[AsyncSession]) -> bool:
    """Whether TR418 runs (contracts are loaded); logs a warning at start-up when it does not."""
    async with sessions() as session:
        active = await contract_count(session) > 0
    if not active:
        log.warning(TR418_OFF)
    return active

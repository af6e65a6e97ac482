"""What goes out for a processed message, in its transaction: the retour, a forwarded 301/319, a report.

Each is stored and queued in the outbox through the `Writer`, so it is sent only if the batch commits.
"""

from __future__ import annotations

import hashlib

from gateway import wire
from gateway.codec import build_retour, retour_type
from gateway.processing.processed import Input
from gateway.processing.stages import STAGES
from handlers.findings import Finding
from handlers.outcome import Outcome, RetourPlan
from storage import messages as store
from storage.writers import StoredMessage, Writer


async def report(
    session: Writer, item: Input, row: StoredMessage, outcome: str, findings: tuple[Finding, ...]
) -> None:
    """An error report on `istd.errors` (JSON, no personal data) for a message that gets no retour."""
    body = store.error_report(item.sha256, row.message_name, outcome, findings)
    key = f"{outcome}.{(row.message_name or 'unknown').lower()}"
    entry = store.OutboxEntry(
        wire.EXCHANGE_ERRORS, key, body, wire.CONTENT_TYPE_JSON, f"report-{item.sha256[:48]}"
    )
    await session.add_outbox(entry, created_at=item.received_at)


async def forward_or_report(session: Writer, item: Input, row: StoredMessage, outcome: Outcome) -> None:
    """A passing own 301/319 goes to the provider (`<aanbieder>.wmo301`); a refused one is reported."""
    if not outcome.accepted:
        await report(session, item, row, "rejected", outcome.findings)
        return
    key = wire.out_routing_key(str(row.receiver), str(row.message_name))
    entry = store.OutboxEntry(
        wire.EXCHANGE_OUT, key, item.raw, wire.CONTENT_TYPE_XML, f"send-{item.sha256[:48]}"
    )
    await session.add_outbox(entry, created_at=item.received_at)


async def send_retour(session: Writer, item: Input, heen: StoredMessage, plan: RetourPlan) -> bytes:
    """Build the retour (IdentificatieRetour from the heen row id, DagtekeningRetour today).

    The retour is stored and queued in the outbox in the same transaction.
    """
    assert item.doc is not None
    ident, rt = store.retour_identificatie(heen.id), retour_type(item.doc)
    class_codes = (
        {xpath: list(codes) for xpath, codes in plan.class_codes.items()} if plan.class_codes else None
    )
    with STAGES.timed("retour"):
        body = build_retour(
            item.doc,
            identificatie_retour=ident,
            dagtekening_retour=item.today,
            header_codes=list(plan.header_codes),
            class_codes=class_codes,
            header_checked=True,  # only documents that passed their XSD get a retour
        )
    facts = store.MessageFacts(
        rt.standard, rt.name, rt.number, heen.sender, heen.receiver, ident, item.today
    )
    codes = [*plan.header_codes, *(c for group in (class_codes or {}).values() for c in group)]
    retour_row = await session.add_message(
        raw=body,
        sha256=hashlib.sha256(body).hexdigest(),
        facts=facts,
        received_at=item.received_at,
        direction="out",
        status="sent",
        codes=codes,
        findings=[],
    )
    await session.add_sent_retour(
        heen=heen,
        retour=retour_row,
        header_codes=list(plan.header_codes),
        class_codes=class_codes or {},
        accepted=not plan.header_codes,
    )
    key = wire.out_routing_key(str(heen.sender), rt.name)
    await session.add_outbox(
        store.OutboxEntry(wire.EXCHANGE_OUT, key, body, wire.CONTENT_TYPE_XML, f"{rt.name}-{ident}"),
        created_at=item.received_at,
    )
    return body

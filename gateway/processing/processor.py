"""The one pipeline the CLI and the worker share: bytes in → verdict, register effects, retour, outbox rows.

    Processor.process(session, raw, received_at=, today=) -> Processed       (never commits)
    Processor.process_batch(session, items, today) -> [Processed]          the same, many at once
    Processor.run(writer, raw, ...) -> Processed      the logic, on a storage.writers.Writer

Outcomes (Processed.outcome), decided here and nowhere else:

    duplicate ..... these exact bytes (sha256) were processed before: no effect, the first retour again
    invalid ....... level 1 (not XML, unsupported, XSD-invalid): raw kept, error report, no retour
    rejected ...... provider's 305/307/315/317 failing level 2–4: nothing applied, retour with codes;
                    the municipality's own 301/319 failing pre-flight: not recorded as sent, reported
    accepted ...... provider's heen message applied to the register, header-only retour
    recorded ...... own 301/319 passed pre-flight: recorded as sent, forwarded, awaits 302/320;
                    a received 325: stored only
    partial ....... 323 judged per Prestatie: some awarded, some rejected; answered with a 325
                    (a 323 is also accepted: every line awarded, or rejected: nothing awarded)
    paired ........ a received retour matched its heen message; its verdict per class recorded
    unmatched ..... a received retour that matched nothing: kept and reported
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from gateway.logs import fields, get_logger
from gateway.processing import declarations, senders
from gateway.processing.batch import BatchItem, run_batch
from gateway.processing.processed import Input, Processed, rejection_codes
from gateway.processing.replies import forward_or_report, report, send_retour
from gateway.processing.senders import Origin, SenderPolicy, refusal_key
from gateway.processing.validation import Verdict as DocumentVerdict
from gateway.processing.validation import check_document
from gateway.settings import Settings
from handlers import declaratie, dispatch
from handlers.answer325 import AnswerPlan
from handlers.context import Context, ProductCodes, load_product_codes
from handlers.data import load_municipalities
from handlers.findings import TECHNICAL_REJECTION, Finding
from handlers.messages import DeclaratieBericht
from handlers.outcome import Outcome, RetourPlan
from handlers.table import DECLARATION, Role, role_of
from storage.claims import Claims, record_declaration
from storage.writers import OrmWriter, StoredMessage, Writer

log = get_logger("processing")



class Processor:
    """Shared by `istd ingest` and the worker. Built once: loads the CBS list and the product code list.

    `product_codes` None (no `ISTD_PRODUCT_CODES_FILE`) switches TR381 off; `tr381_active` says so.
    """

    def __init__(self, settings: Settings, *, product_codes: ProductCodes | None = None) -> None:
        self.max_bytes = settings.parser.max_bytes
        path = settings.product_codes_file
        self.product_codes = product_codes or (load_product_codes(path) if path else None)
        self.municipalities = load_municipalities()
        self.senders = SenderPolicy.from_settings(settings)
        if self.product_codes is None:
            log.warning("TR381 (S329) is off: no product code list configured (ISTD_PRODUCT_CODES_FILE)")

    @property
    def tr381_active(self) -> bool:
        return self.product_codes is not None

    def context(self, today: date) -> Context:
        return Context(today, self.product_codes, self.municipalities)

    async def process(
        self, session: AsyncSession, raw: bytes, *, received_at: datetime, today: date,
        origin: Origin | None = None,
    ) -> Processed:
        """Process one message in the caller's transaction: store it, its effects, retour and outbox rows.

        `origin` is the broker user of a delivery (sender authentication); None for local files.
        """
        return await self.run(OrmWriter(session), raw, received_at=received_at, today=today, origin=origin)

    async def process_batch(
        self, session: AsyncSession, items: Sequence[BatchItem], today: date,
        seconds: list[float] | None = None,
    ) -> list[Processed]:
        """Many messages in the caller's transaction, in order, as `process` one by one (processing.batch);
        `seconds` receives each message's processing time."""
        return await run_batch(self, session, items, today, seconds)

    async def run(
        self, session: Writer, raw: bytes, *, received_at: datetime, today: date,
        origin: Origin | None = None, sha256: str | None = None, verdict: DocumentVerdict | None = None,
    ) -> Processed:
        """The processing logic on any `Writer`; the batch path passes the hash and verdict it computed."""
        sha256 = sha256 or hashlib.sha256(raw).hexdigest()
        earlier = await session.by_sha256(sha256)
        if earlier is not None:
            return await self._duplicate(session, earlier)
        verdict = verdict or check_document(raw, max_bytes=self.max_bytes)
        item = Input(raw, sha256, received_at, today, verdict.document, verdict.decoded)
        refusal = self.senders.refusal(origin, verdict.document)
        if refusal is not None:
            keyed = dataclasses.replace(item, sha256=refusal_key(origin, raw))
            return await self._refused(session, keyed, refusal)
        if verdict.document is None or verdict.verdict not in ("valid", "rejected-rules"):
            return await self._invalid(session, item, tuple(verdict.findings))
        number = verdict.document.message_type.number
        if number == DECLARATION:
            level2 = tuple(verdict.findings) if verdict.verdict == "rejected-rules" else ()
            return await self._declaration(session, item, level2)
        role = role_of(number)
        if verdict.verdict == "rejected-rules" or item.msg is None:
            return await self._technical_rejection(session, item, tuple(verdict.findings))
        if role is Role.RETOUR:
            return await self._retour(session, item)
        if role is Role.DECLARATION:
            return await self._stored_only(session, item)
        outcome = await dispatch.handle(item.msg, session.state(), self.context(today))
        return await self._heen(session, item, outcome)

    async def _store(
        self,
        session: Writer,
        item: Input,
        status: str,
        codes: tuple[str, ...],
        findings: tuple[Finding, ...],
        direction: str = "in",
    ) -> StoredMessage:
        located = [
            f.at_line(item.doc.line_of(f.xpath)) if item.doc and f.line is None else f for f in findings
        ]
        return await session.add_message(
            raw=item.raw,
            sha256=item.sha256,
            facts=item.facts,
            received_at=item.received_at,
            direction=direction,
            status=status,
            codes=list(codes),
            findings=[f.as_dict() for f in located],
        )

    def _result(
        self,
        item: Input,
        row: StoredMessage,
        outcome: str,
        codes: tuple[str, ...],
        findings: tuple[Finding, ...],
        retour_bytes: bytes | None = None,
    ) -> Processed:
        log.info(
            "processed",
            extra=fields(message_id=row.id, message=row.message_name, outcome=outcome, codes=list(codes)),
        )
        return Processed(
            row.message_name,
            row.identificatie,
            outcome,
            codes,
            retour_bytes,
            findings,
            row.standard,
            item.sha256,
            row.id,
        )

    async def _duplicate(self, session: Writer, earlier: StoredMessage) -> Processed:
        retour_bytes = await session.sent_retour_of(earlier.id)
        log.info("duplicate", extra=fields(message_id=earlier.id, message=earlier.message_name))
        return Processed(
            earlier.message_name,
            earlier.identificatie,
            "duplicate",
            tuple(earlier.codes),
            retour_bytes,
            (),
            earlier.standard,
            earlier.sha256,
            earlier.id,
        )

    async def _invalid(self, session: Writer, item: Input, findings: tuple[Finding, ...]) -> Processed:
        codes = tuple(dict.fromkeys(f.code for f in findings))
        row = await self._store(session, item, "invalid", codes, findings)
        await report(session, item, row, "invalid", findings)
        return self._result(item, row, "invalid", codes, findings)

    async def _refused(self, session: Writer, item: Input, reason: str) -> Processed:
        """Sender authentication failed: kept (raw, status refused) and reported; no effect, no retour."""
        earlier = await session.by_sha256(item.sha256)
        if earlier is not None:
            return await self._duplicate(session, earlier)
        findings = (Finding(senders.LEVEL, senders.CODE, None, "/Bericht/Header", reason),)
        row = await self._store(session, item, "refused", (senders.CODE,), findings)
        await report(session, item, row, "refused", findings)
        return self._result(item, row, "refused", (senders.CODE,), findings)

    async def _technical_rejection(
        self, session: Writer, item: Input, findings: tuple[Finding, ...]
    ) -> Processed:
        """Level 2: a provider's heen message gets a header-only retour 0001; own messages are refused."""
        assert item.doc is not None
        role = role_of(item.doc.message_type.number)
        plan = RetourPlan(("0001",))
        direction = "out" if role is Role.OWN_HEEN else "in"
        row = await self._store(session, item, "rejected", plan.header_codes, findings, direction)
        if role is not Role.PROVIDER_HEEN:
            await report(session, item, row, "rejected", findings)
            return self._result(item, row, "rejected", plan.header_codes, findings)
        retour_bytes = await send_retour(session, item, row, plan)
        return self._result(item, row, "rejected", plan.header_codes, findings, retour_bytes)

    async def _heen(self, session: Writer, item: Input, outcome: Outcome) -> Processed:
        assert item.doc is not None
        findings = outcome.findings
        codes = rejection_codes(findings) if not outcome.accepted else ()
        own = role_of(item.doc.message_type.number) is Role.OWN_HEEN
        status = ("recorded" if own else "accepted") if outcome.accepted else "rejected"
        row = await self._store(session, item, status, codes, findings, "out" if own else "in")
        if outcome.accepted:
            await session.apply(outcome.commands, message_id=row.id)
        if own:
            await forward_or_report(session, item, row, outcome)
            return self._result(item, row, status, codes, findings)
        plan = outcome.retour or RetourPlan(())
        retour_bytes = await send_retour(session, item, row, plan)
        return self._result(item, row, status, codes, findings, retour_bytes)

    async def _retour(self, session: Writer, item: Input) -> Processed:
        assert item.msg is not None
        outcome = await dispatch.handle(item.msg, session.state(), self.context(item.today))
        status = "paired" if outcome.accepted else "unmatched"
        pair = outcome.commands[0]
        codes = tuple(dict.fromkeys(c for c in self._pair_codes(outcome) if c != "0200"))
        row = await self._store(session, item, status, codes, ())
        await session.apply((pair,), message_id=row.id)
        if not outcome.accepted:
            await report(session, item, row, "unmatched", ())
        return self._result(item, row, status, codes, ())

    @staticmethod
    def _pair_codes(outcome: Outcome) -> list[str]:
        pair = outcome.commands[0]
        header = list(getattr(pair, "header_codes", ()))
        return header + [code for _, group in getattr(pair, "class_codes", ()) for code in group]

    async def _stored_only(self, session: Writer, item: Input) -> Processed:
        """A 325 received (we send 325s, providers do not): stored and acknowledged."""
        row = await self._store(session, item, "recorded", (), ())
        log.info("declaratie-antwoord stored and acknowledged", extra=fields(message_id=row.id))
        return self._result(item, row, "recorded", (), ())

    async def _declaration(self, session: Writer, item: Input, level2: tuple[Finding, ...]) -> Processed:
        """A 323: level 2 → header-only 325 with 0001; else judged per Prestatie, recorded and answered."""
        writer = declarations.orm(session)
        if level2 or not isinstance(item.msg, DeclaratieBericht):
            plan = AnswerPlan.header_only(TECHNICAL_REJECTION)
            row = await self._store(session, item, "rejected", plan.header_codes, level2)
            body = await declarations.answer(session, item, row, plan)
            return self._result(item, row, "rejected", plan.header_codes, level2, body)
        judged = await declaratie.handle(item.msg, Claims(writer.session), self.context(item.today))
        row = await self._store(session, item, judged.status, judged.codes, judged.findings)
        if judged.command is not None:
            await record_declaration(writer.session, judged.command, message_id=row.id)
        body = await declarations.answer(session, item, row, judged.plan)
        return self._result(item, row, judged.status, judged.codes, judged.findings, body)

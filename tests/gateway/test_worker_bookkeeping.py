"""The batch's bookkeeping after its commit (SQLite and PostgreSQL, the real Processor): the outbox rows
it hands to the relay are exactly those committed, and its messages are counted and logged once per
label set, with the same totals and every message's identification as one line per message had."""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.processing.processed import Processed
from gateway.processing.processor import Processor
from gateway.worker.metrics import Metrics
from gateway.worker.pipeline import Delivery, Pipeline, Verdict
from storage import messages as store
from storage.engine import session_factory
from storage.writers import Writer
from tests.kit.services import CRASH, example, iwmo_examples, make_settings, variant


class CrashAfterWriting(Processor):
    """The real Processor; a document carrying CRASH raises after its rows (retour, outbox) were written."""

    async def run(self, session: Writer, raw: bytes, **kwargs: Any) -> Processed:
        done = await super().run(session, raw, **kwargs)
        if CRASH in raw:
            raise ZeroDivisionError("a bug after writing (test)")
        return done


async def _never_park(delivery: Delivery, reason: str) -> None:
    raise AssertionError("no delivery is at its limit here")


async def test_only_committed_outbox_rows_are_handed_to_the_relay(
    database_url: str, engine: AsyncEngine
) -> None:
    handed: list[store.OutboxEntry] = []
    pipeline = Pipeline(
        session_factory(engine), CrashAfterWriting(make_settings(database_url)), Metrics(),
        park=_never_park, delivery_limit=5, committed=handed.extend,
    )
    bodies = [example("WMO315"), variant(example("WMO305"), CRASH), example("WMO307")]
    verdicts = await pipeline.run_batch([Delivery(body) for body in bodies])
    assert verdicts == [Verdict.ACK, Verdict.RETRY, Verdict.ACK]
    async with engine.connect() as connection:
        stored = (await connection.execute(
            text("SELECT message_id, routing_key, body FROM outbox ORDER BY id"))).all()
    # The crashed message's retour was written and rolled back with its savepoint: not handed over.
    assert [(e.message_id, e.routing_key, e.body) for e in handed] == [tuple(row) for row in stored]
    assert [e.routing_key for e in handed] == ["87654321.wmo316", "87654321.wmo308"]


async def test_messages_are_counted_and_logged_once_per_label_set(
    database_url: str, engine: AsyncEngine, caplog: pytest.LogCaptureFixture
) -> None:
    metrics = Metrics()
    pipeline = Pipeline(
        session_factory(engine), Processor(make_settings(database_url)), metrics,
        park=_never_park, delivery_limit=5,
    )
    garbage = [b"not a message", b"<still-not/>", b"<?xml version='1.0'?><x/>"]
    bodies = [*iwmo_examples(), variant(example("WMO305"), b"<!-- again -->"), *garbage]
    with caplog.at_level(logging.INFO, logger="istd.worker"):
        verdicts = await pipeline.run_batch([Delivery(body, delivery_count=1) for body in bodies])
    assert verdicts == [Verdict.ACK] * len(bodies)
    lines = [r for r in caplog.records if r.name == "istd.worker" and r.getMessage() == "processed"]
    logged = [r.fields for r in lines]  # type: ignore[attr-defined]
    labels = [(f["message"], f["outcome"], f["codes"]) for f in logged]
    assert len(labels) == len(set(labels))  # one line per label set
    assert len(logged) < len(bodies)  # the three that are no message share one line
    assert sum(f["count"] for f in logged) == len(bodies)
    for f in logged:
        sizes = {len(f[name]) for name in ("identificatie", "sha256", "delivery", "ms_each")}
        assert sizes == {f["count"]}
        assert f["ms"] == pytest.approx(sum(f["ms_each"]), abs=0.02)
        assert set(f["delivery"]) == {2}
    assert sorted(s for f in logged for s in f["sha256"]) == sorted(
        hashlib.sha256(body).hexdigest()[:12] for body in bodies)
    async with engine.connect() as connection:
        identificaties = (await connection.execute(text(
            "SELECT identificatie FROM messages WHERE (direction = 'in' OR status != 'sent')"
            " AND identificatie IS NOT NULL"))).scalars()
        assert sorted(i for f in logged for i in f["identificatie"] if i) == sorted(identificaties)
    # The counters: the same totals one increment per message gave.
    registry = metrics.registry
    per_line: Counter[tuple[str, str]] = Counter()
    codes: Counter[tuple[str, str]] = Counter()
    for f in logged:
        per_line[(f["message"] or "unknown", f["outcome"])] += f["count"]
        for code in filter(None, f["codes"].split(",")):
            codes[(f["message"] or "unknown", code)] += f["count"]
    counted: Counter[tuple[str, str]] = Counter()
    for family in registry.collect():
        for sample in family.samples:
            if sample.name == "istd_messages_total":
                counted[(sample.labels["message"], sample.labels["outcome"])] += int(sample.value)
            elif sample.name == "istd_retourcodes_total":
                assert codes[(sample.labels["message"], sample.labels["code"])] == sample.value
    assert counted == per_line
    assert sum(counted.values()) == len(bodies)
    assert registry.get_sample_value("istd_processing_seconds_count") == len(bodies)

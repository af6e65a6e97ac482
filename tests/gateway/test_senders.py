"""Sender authentication without a broker: the policy, the mapping file, and the Processor on SQLite."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path

import pytest
from sqlalchemy import select

from gateway import codec
from gateway.codec import build_retour
from gateway.processing.processor import Processor
from gateway.processing.senders import Origin, SenderPolicy, load_mapping, party_of
from gateway.settings import DatabaseSettings, SendersSettings, Settings
from storage.engine import create_engine, ensure_migrated, session_factory
from storage.models import MessageRow, OutboxRow
from tests.kit.services import example, variant

PROVIDER = "87654321"  # Afzender of the shipped WMO305
GEMEENTE = "0363"  # Afzender of the shipped WMO301
AANBIEDER_301 = "87654321"  # Ontvanger of the shipped WMO301: the provider who answers it with a 302
TODAY = dt.date(2025, 3, 20)


def _policy(enforce: bool = True) -> SenderPolicy:
    return SenderPolicy(
        enforce=enforce,
        users={"zorg": frozenset({PROVIDER, AANBIEDER_301}), "gemeente": frozenset({GEMEENTE})},
    )


def _doc(body: bytes) -> codec.ParsedDocument:
    return codec.parse(body, max_bytes=10_000_000)


def test_a_heen_message_speaks_for_its_afzender() -> None:
    policy = _policy()
    assert party_of(_doc(example("WMO305"))) == PROVIDER
    assert policy.refusal(Origin("zorg"), _doc(example("WMO305"))) is None
    assert policy.refusal(Origin("gemeente"), _doc(example("WMO301"))) is None
    reason = policy.refusal(Origin("gemeente"), _doc(example("WMO305")))
    assert reason == f"broker user gemeente may not send as Afzender {PROVIDER} (allowed: {GEMEENTE})"
    assert policy.refusal(Origin("zorg"), _doc(example("WMO301"))) is not None


def test_a_retour_speaks_for_its_ontvanger_because_it_copies_the_heen_header() -> None:
    heen = _doc(example("WMO301"))
    body = build_retour(
        heen, identificatie_retour="R1", dagtekening_retour=TODAY, header_codes=[], class_codes=None
    )
    retour = _doc(body)
    assert retour.message_type.name == "WMO302"
    assert party_of(retour) == AANBIEDER_301
    assert _policy().refusal(Origin("zorg"), retour) is None
    assert "Ontvanger" in str(_policy().refusal(Origin("gemeente"), retour))


def test_missing_or_unmapped_users_are_refused_even_unparsed_and_local_files_never() -> None:
    policy = _policy()
    assert "no user_id" in str(policy.refusal(Origin(None), None))
    assert "not mapped" in str(policy.refusal(Origin("mallory"), None))
    assert policy.refusal(Origin("zorg"), None) is None  # unparsed: invalid anyway, no party to check
    assert policy.refusal(None, _doc(example("WMO305"))) is None  # istd ingest: the operator
    assert _policy(enforce=False).refusal(Origin(None), _doc(example("WMO305"))) is None


def test_the_mapping_merges_settings_and_file(tmp_path: Path) -> None:
    file = tmp_path / "senders.json"
    file.write_text(json.dumps({"zorg": "12345678", "gemeente": [GEMEENTE]}), encoding="utf-8")
    mapping = load_mapping({"zorg": [PROVIDER]}, str(file))
    assert mapping == {"zorg": frozenset({PROVIDER, "12345678"}), "gemeente": frozenset({GEMEENTE})}
    file.write_text("[]", encoding="utf-8")
    with pytest.raises(ValueError, match="JSON object"):
        load_mapping({}, str(file))


def test_settings_read_the_mapping_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ISTD_SENDERS__ENFORCE", "true")
    monkeypatch.setenv("ISTD_SENDERS__USERS", json.dumps({"zorg": [PROVIDER]}))
    policy = SenderPolicy.from_settings(Settings())
    assert policy.enforce
    assert policy.users == {"zorg": frozenset({PROVIDER})}


async def test_bytes_refused_for_an_impostor_still_pass_for_their_sender(tmp_path: Path) -> None:
    settings = Settings(
        database=DatabaseSettings(url=f"sqlite:///{tmp_path / 'db.sqlite3'}"),
        senders=SendersSettings(enforce=True, users={"zorg": [PROVIDER], "gemeente": [GEMEENTE]}),
    )
    processor = Processor(settings)
    engine = create_engine(settings.database.url)
    await ensure_migrated(engine)
    sessions = session_factory(engine)
    body = variant(example("WMO305"), b"<!--senders-->")
    now = dt.datetime.now(dt.UTC)
    try:
        outcomes = []
        for origin in (Origin("gemeente"), Origin("gemeente"), Origin("zorg")):
            async with sessions() as session, session.begin():
                result = await processor.process(session, body, received_at=now, today=TODAY, origin=origin)
                outcomes.append(result.outcome)
        async with sessions() as session:
            rows = (await session.scalars(select(MessageRow).order_by(MessageRow.id))).all()
            reports = (
                await session.scalars(select(OutboxRow).where(OutboxRow.exchange == "istd.errors"))
            ).all()
    finally:
        await engine.dispose()
    assert outcomes[:2] == ["refused", "duplicate"]  # a redelivered refusal changes nothing
    assert outcomes[2] in ("accepted", "rejected")
    refused = rows[0]
    assert (refused.status, refused.raw, refused.codes, refused.sender) == (
        "refused",
        body,
        ["SENDER"],
        PROVIDER,
    )
    assert [r.routing_key for r in reports] == ["refused.wmo305"]
    report = json.loads(reports[0].body)
    assert report["outcome"] == "refused"
    assert report["sha256"] == refused.sha256
    assert report["findings"][0]["text"].startswith("broker user gemeente may not send as Afzender 87654321")
    assert {r.status for r in rows[1:]} >= {"sent"}  # the rightful sender's 305 got its retour


def test_the_worker_says_at_start_up_when_authentication_is_off() -> None:
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[assignment]
    logger = logging.getLogger("istd.senders")  # its own handler: independent of other tests' set-up
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)
    try:
        _policy(enforce=False).announce()
        SenderPolicy(enforce=True, users={}).announce()
        _policy().announce()
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    assert [(r.levelname, r.getMessage().split(":")[0]) for r in records] == [
        ("WARNING", "sender authentication is off"),
        ("WARNING", "sender authentication is on but no broker user is mapped"),
        ("INFO", "sender authentication on"),
    ]

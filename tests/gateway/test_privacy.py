"""No personal data in logs or metrics: a full run through the worker (real RabbitMQ) and `istd ingest`.

Every logger is captured at DEBUG (the root logger and the service's own, whose production set-up,
`gateway.logs.configure`, is applied first) through the production JSON formatter, so a log call
that would crash at INFO crashes here too. The messages are the shipped examples of both standards,
the scenario messages, and a few bad documents whose errors quote personal data (a name too long for
the XSD, a BSN that fails the 11-proof, a document cut off after the BSN). Asserted: no BSN (any
11-proof 9-digit number in those messages), name, street, place, postcode, phone number or e-mail
address from them appears in any log line or in the /metrics exposition.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import aio_pika
import pytest
from lxml import etree
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from gateway.cli.main import main
from gateway.logs import PAYLOAD_LOGGERS, JsonFormatter, configure
from gateway.worker.app import create_app
from storage.engine import create_engine, ensure_migrated
from storage.models import MessageRow
from tests.kit import xml_messages
from tests.kit.services import EXAMPLES, count_rows, make_settings, wait_for

pytestmark = pytest.mark.rabbitmq
PERSONAL = (
    "Achternaam", "Voornamen", "Partnernaam", "Straatnaam", "Plaatsnaam", "Postcode",
    "Telefoonnummer", "Emailadres",
)  # fmt: skip
IDENTIFIERS = ("Identificatie", "IdentificatieRetour")
SERVICE_LOGGERS = ("istd", "faststream", "uvicorn", "uvicorn.error", "uvicorn.access")  # as configure()
NOT_ELFPROEF = "999900007"  # a BSN-like number that fails the 11-proof: the rule finding is about it


def _scenario_messages() -> list[bytes]:
    s, day, bodies = xml_messages, date(2024, 3, 1), []
    for standard in ("iwmo", "ijw"):
        ident = s.Idents()
        bodies += [
            s.vot(standard, ident(), day, "REF-PRIV-1"),
            s.toewijzing(standard, ident(), day, s.Assigned(1001, date(2024, 1, 1), date(2024, 12, 31))),
            s.start(standard, ident(), day, s.Delivery(1001, date(2024, 2, 1))),
            s.stop(
                standard, ident(), day, s.Delivery(1001, date(2024, 2, 1), reden="20", einde=date(2024, 2, 9))
            ),
            s.vow(standard, ident(), day, "REF-PRIV-2", unchanged=(1001,)),
            s.antwoord(standard, ident(), day, "REF-PRIV-1"),
        ]
    return bodies


def _bad_messages() -> list[bytes]:
    start = (EXAMPLES / "iwmo-3.2" / "WMO305.xml").read_bytes()
    name = re.search(rb"Achternaam>([^<]+)<", start)
    bsn = re.search(rb"Bsn>(\d{9})<", start)
    assert name
    assert bsn
    too_long = start.replace(
        name.group(0), b"Achternaam>" + name.group(1) * (201 // len(name.group(1)) + 1) + b"<"
    )
    cut = start[: bsn.end()]
    return [too_long, start.replace(bsn.group(1), NOT_ELFPROEF.encode()), cut]


def _messages() -> list[bytes]:
    examples = sorted(EXAMPLES.glob("*-3.2/*.xml"))
    assert len(examples) == 28
    return [p.read_bytes() for p in examples] + _scenario_messages() + _bad_messages()


def elfproef(number: str) -> bool:
    digits = [int(c) for c in number]
    return sum(d * w for d, w in zip(digits, (9, 8, 7, 6, 5, 4, 3, 2, -1), strict=True)) % 11 == 0


def _nine_digit(text: str) -> set[str]:
    return {n for n in re.findall(r"(?<!\d)\d{9}(?!\d)", text) if elfproef(n)}


def personal_values(bodies: list[bytes]) -> set[str]:
    """Every BSN (11-proof 9-digit number) and name/address/contact value in `bodies`, at least 3 long.

    A message's own Identificatie is the one number logged on purpose (it identifies the message, and
    is chosen by its sender): a 9-digit Identificatie that happens to pass the 11-proof is no BSN.
    """
    found = {NOT_ELFPROEF}
    for body in bodies:
        try:
            root = etree.fromstring(body, etree.XMLParser(resolve_entities=False, no_network=True))
        except etree.XMLSyntaxError:
            found |= _nine_digit(body.decode("utf-8", "replace"))
            continue
        for element in root.iter("{*}" + "*"):
            local, value = etree.QName(element).localname, (element.text or "").strip()
            if local not in IDENTIFIERS:
                found |= _nine_digit(value)
            if local in PERSONAL and len(value) >= 3:
                found.add(value)
    return found


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """Every log record of every logger at DEBUG, formatted as in production, into one buffer."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(JsonFormatter())
    # The production set-up at its most verbose; it holds the payload-logging libraries at WARNING.
    configure(logging.DEBUG, json_lines=True)
    root = logging.getLogger()
    saved = (root.level, list(root.handlers))
    root.setLevel(logging.DEBUG)
    root.addHandler(handler)
    for name in SERVICE_LOGGERS:
        logging.getLogger(name).handlers[:] = [handler]
    logging.getLogger("istd.processing").setLevel(logging.DEBUG)  # configure() quiets it; not here
    try:
        yield buffer
    finally:
        root.setLevel(saved[0])
        root.handlers[:] = saved[1]
        for name in SERVICE_LOGGERS:
            logging.getLogger(name).handlers[:] = []
            logging.getLogger(name).propagate = True
        for name in PAYLOAD_LOGGERS:
            logging.getLogger(name).setLevel(logging.NOTSET)


async def test_no_personal_data_in_logs_or_metrics(
    sqlite_url: str,
    rabbit: aio_pika.abc.AbstractRobustConnection,
    prefix: str,
    tmp_path: Path,
    captured: io.StringIO,
) -> None:
    bodies = _messages()
    secrets_ = personal_values(bodies)
    assert len(secrets_) >= 10, secrets_  # names, streets, postcodes and BSNs were found to look for
    app = create_app(make_settings(sqlite_url, prefix))
    await app.start()
    try:
        channel = await rabbit.channel(publisher_confirms=True)
        exchange = await channel.get_exchange(app.topology.inbound_exchange.name)
        for body in bodies:
            await exchange.publish(aio_pika.Message(body, delivery_mode=aio_pika.DeliveryMode.PERSISTENT), "")
        await channel.close()
        distinct = len(set(bodies))

        async def all_stored() -> bool:
            return (
                await count_rows(app.engine, "messages", "WHERE direction = 'in' OR status != 'sent'")
                >= distinct
            )

        await wait_for(all_stored, within=120)
        metrics = app.metrics.render().decode()
    finally:
        await app.stop()
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for i, body in enumerate(bodies):
        (inbox / f"{i:03d}.xml").write_bytes(body)
    ingest_db = f"sqlite:///{tmp_path / 'ingest.sqlite3'}"
    assert await asyncio.to_thread(main, ["ingest", "--database", ingest_db, str(inbox)]) == 0
    lines = captured.getvalue().splitlines()
    events = [json.loads(line) for line in lines]  # every line is one JSON object, with ECS names
    worker = [e for e in events if e["message"] == "processed" and e["log.logger"] == "istd.worker"]
    assert sum(e["istd.count"] for e in worker) >= distinct  # one line per batch and label set
    assert all(len(e["istd.message.identificatie"]) == e["istd.count"] for e in worker)
    processing = [e for e in events if e["message"] == "processed" and e["log.logger"] == "istd.processing"]
    assert len(processing) >= 2 * distinct
    assert {e.get("istd.message.code") for e in worker} >= {"WMO305", "JW305"}  # the type in its own field
    assert all(isinstance(e["event.duration"], int) for e in worker)  # nanoseconds
    leaks = sorted(
        {value for value in secrets_ for line in lines if re.search(rf"\b{re.escape(value)}\b", line)}
    )
    assert leaks == [], f"personal data in the logs: {leaks}"
    labels = [line for line in metrics.splitlines() if "{" in line and not line.startswith("#")]
    assert labels  # labelled series exist, so the check below has something to look at
    assert [v for v in secrets_ if re.search(rf"\b{re.escape(v)}\b", metrics)] == []


def test_the_detector_finds_what_it_looks_for() -> None:
    """The BSN and name detection on a known message: the checks above are not blind."""
    values = personal_values([(EXAMPLES / "iwmo-3.2" / "WMO301.xml").read_bytes()])
    assert "999900006" in values
    assert {"Voorbeeld", "Voorbeeldstraat", "1011AB", "Amsterdam"} <= values
    assert elfproef("999900006")
    assert not elfproef(NOT_ELFPROEF)


async def test_database_errors_do_not_quote_the_stored_values(sqlite_url: str) -> None:
    """A failing INSERT's exception text (printed by CLI commands) leaves the parameters out."""
    engine = create_engine(sqlite_url)
    await ensure_migrated(engine)
    row = {"sha256": "x" * 64, "raw": b"<Bsn>999900006</Bsn>", "received_at": datetime.now(UTC),
           "direction": "in", "status": "invalid", "codes": [], "findings": []}  # fmt: skip
    try:
        async with engine.begin() as connection:
            await connection.execute(insert(MessageRow), [row, row])  # the second breaks sha256's uniqueness
    except IntegrityError as error:
        text = str(error)
    finally:
        await engine.dispose()
    assert "UNIQUE" in text
    assert "999900006" not in text
    assert "parameters hidden" in text

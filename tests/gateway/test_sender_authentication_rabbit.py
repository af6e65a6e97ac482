"""Sender authentication on the real RabbitMQ, with two broker users of our own (removed afterwards).

User `zorg` is mapped to the provider of the shipped WMO305, user `gemeente` to the municipality of
the shipped WMO301. Each may send as itself; `gemeente` sending a 305, or anyone publishing without
`user_id`, is refused: stored with status refused (raw kept), reported on istd.errors, acked. And
RabbitMQ itself refuses a publish whose `user_id` is not the connection's user, which is why the
worker may trust the property.
"""

from __future__ import annotations

import json
import re
import secrets
import subprocess
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import aio_pika
import pytest
from sqlalchemy import text

from gateway.cli.dead_letters import dead_letters
from gateway.cli.publish import publish
from gateway.settings import SendersSettings
from gateway.worker.app import create_app
from tests.kit.services import (
    CRASH,
    RABBIT_URL,
    FaultyProcessor,
    bind_capture,
    drain,
    example,
    make_settings,
    variant,
    wait_for,
)

pytestmark = pytest.mark.rabbitmq
PROVIDER, GEMEENTE = "87654321", "0363"


def _ctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=60)


@pytest.fixture
def users(prefix: str) -> Iterator[dict[str, str]]:
    """Two broker users allowed only on `prefix`'s exchanges and queues; name -> password; deleted after."""
    tag = secrets.token_hex(3)
    created = {
        f"istd-test-{tag}-zorg": secrets.token_hex(8),
        f"istd-test-{tag}-gemeente": secrets.token_hex(8),
    }
    own = f"^{re.escape(prefix)}.*"
    try:
        for name, password in created.items():
            _ctl("add_user", name, password)
            _ctl("set_permissions", "-p", "/", name, own, own, own)
        yield created
    finally:
        for name in created:
            subprocess.run(
                ["rabbitmqctl", "-q", "delete_user", name], capture_output=True, timeout=60, check=False
            )


def _url(user: str, password: str) -> str:
    return RABBIT_URL.replace("guest:guest@", f"{user}:{password}@")


async def _publish(url: str, exchange_name: str, body: bytes, user_id: str | None) -> None:
    connection = await aio_pika.connect(url)
    try:
        channel = await connection.channel(publisher_confirms=True)
        exchange = await channel.get_exchange(exchange_name)
        await exchange.publish(aio_pika.Message(body, user_id=user_id, delivery_mode=2), "")
    finally:
        await connection.close()


async def test_each_user_sends_only_as_its_own_party(
    sqlite_url: str,
    rabbit: aio_pika.abc.AbstractRobustConnection,
    prefix: str,
    users: dict[str, str],
    tmp_path: Path,
) -> None:
    zorg, gemeente = list(users)
    settings = make_settings(sqlite_url, prefix)
    settings.senders = SendersSettings(enforce=True, users={zorg: [PROVIDER], gemeente: [GEMEENTE]})
    app = create_app(settings)
    await app.start()
    try:
        topology = app.topology
        capture = await bind_capture(rabbit, topology, topology.errors_exchange.name)
        await bind_capture(rabbit, topology, topology.out_exchange.name)
        inbound = topology.inbound_exchange.name
        # RabbitMQ refuses a user_id that is not the connection's user: the property cannot be forged.
        with pytest.raises(aio_pika.exceptions.ChannelPreconditionFailed):
            await _publish(_url(gemeente, users[gemeente]), inbound, example("WMO305"), user_id=zorg)
        own_301, own_305 = example("WMO301"), example("WMO305")
        await _publish(_url(gemeente, users[gemeente]), inbound, own_301, user_id=gemeente)
        file = tmp_path / "305.xml"
        file.write_bytes(own_305)
        as_zorg = make_settings(sqlite_url, prefix)
        as_zorg.broker.url = _url(zorg, users[zorg])
        assert await publish(as_zorg, [file]) == 1  # `istd publish` sets user_id to its login
        impostor = variant(own_305, b"<!--impostor-->")
        anonymous = variant(own_305, b"<!--anonymous-->")
        await _publish(_url(gemeente, users[gemeente]), inbound, impostor, user_id=gemeente)
        await _publish(_url(zorg, users[zorg]), inbound, anonymous, user_id=None)
        published = await drain(capture, 4)  # the 301's forward or report, the 306, two refusals
        statuses = await _statuses(app.engine)
        await wait_for(_drained(rabbit, topology.inbound_queue.name))  # refusals are acked, not requeued
    finally:
        await app.stop()
    assert statuses[own_301] in ("recorded", "rejected")  # processed (pre-flight), not refused
    assert statuses[own_305] in ("accepted", "rejected")
    assert statuses[impostor] == statuses[anonymous] == "refused"
    keys = [m.routing_key or "" for m in published]
    assert keys.count("refused.wmo305") == 2
    assert f"{PROVIDER}.wmo306" in keys  # the rightful 305 was answered; the refused ones were not
    refusals = [json.loads(m.body) for m in published if m.routing_key == "refused.wmo305"]
    reasons = sorted(report["findings"][0]["text"] for report in refusals)
    assert reasons == [
        f"broker user {gemeente} may not send as Afzender {PROVIDER} (allowed: {GEMEENTE})",
        "the message carries no user_id: the sender cannot be authenticated",
    ]


async def _statuses(engine: object) -> dict[bytes, str]:
    async with engine.connect() as connection:  # type: ignore[attr-defined]
        rows = (await connection.execute(text("SELECT raw, status FROM messages"))).all()
    return {bytes(raw): status for raw, status in rows}


def _drained(rabbit: aio_pika.abc.AbstractConnection, name: str) -> Callable[[], Awaitable[bool]]:
    async def probe() -> bool:
        channel = await rabbit.channel()
        queue = await channel.declare_queue(name, passive=True)
        await channel.close()
        return (queue.declaration_result.message_count or 0) == 0

    return probe


async def test_a_replayed_dead_letter_is_sent_as_the_replaying_user(
    sqlite_url: str, rabbit: aio_pika.abc.AbstractRobustConnection, prefix: str
) -> None:
    """Parking drops the sender's user_id; `istd dead-letters replay` publishes as its own login."""
    settings = make_settings(sqlite_url, prefix, delivery_limit=0)
    settings.senders = SendersSettings(enforce=True, users={"guest": ["87654321"]})  # WMO315's Afzender
    app = create_app(settings, processor=FaultyProcessor(settings))
    await app.start()
    try:
        inbound = app.topology.inbound_exchange.name
        await _publish(RABBIT_URL, inbound, variant(example("WMO315"), CRASH), user_id="guest")
        await wait_for(_drained(rabbit, app.topology.inbound_queue.name))
    finally:
        await app.stop()
    app = create_app(settings)  # the real processor: the replayed 315 is processed, not refused
    await app.start()
    try:
        [replayed] = await dead_letters(settings, "replay")
        stored = await wait_for(_status_of(app.engine, "WMO315"))
    finally:
        await app.stop()
    assert replayed.message == "WMO315"
    assert stored in ("accepted", "rejected")


def _status_of(engine: object, name: str) -> Callable[[], Awaitable[str | None]]:
    async def probe() -> str | None:
        async with engine.connect() as connection:  # type: ignore[attr-defined]
            query = text("SELECT status FROM messages WHERE message_name = :name")
            status = (await connection.execute(query, {"name": name})).scalar()
            return None if status is None else str(status)

    return probe

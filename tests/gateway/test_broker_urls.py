"""Several broker URLs (a cluster's nodes): parsing, the first reachable, a classic queue where a quorum one
belongs, and the blocked state read from a connection. The reconnect to another node under load is
tests/reliability/test_cluster.py (three private nodes); here a port nobody listens on stands in for
a node that is down, in front of the shared RabbitMQ."""

from __future__ import annotations

import aio_pika
import pytest

from gateway.logs import redact_url
from gateway.worker.app import StartupError, broker_refusal, connect_broker, create_app
from gateway.worker.connection import (
    FailoverConnection,
    broker_urls,
    connect_first,
    is_blocked,
    rabbit_broker,
)
from gateway.worker.topology import UNROUTED_DELIVERY_LIMIT, Topology
from tests.kit.reliability import free_port
from tests.kit.services import RABBIT_URL, make_settings


def _down() -> str:
    """The URL of a node that is not there: a free port on this machine."""
    return f"amqp://guest:guest@127.0.0.1:{free_port()}/"


def test_one_url_or_several_comma_separated() -> None:
    assert broker_urls("amqp://a/") == ["amqp://a/"]
    assert broker_urls(" amqp://a/ , amqp://b:5673/,") == ["amqp://a/", "amqp://b:5673/"]
    with pytest.raises(ValueError, match="ISTD_BROKER__URL"):
        broker_urls(" , ")


def test_every_url_of_a_list_is_redacted_and_a_refusal_names_them_all() -> None:
    setting = "amqp://u:secret1@a:5672/,amqp://u:secret2@b:5673/"
    assert redact_url(setting) == "amqp://u:***@a:5672/,amqp://u:***@b:5673/"
    line = broker_refusal(ConnectionRefusedError(), setting)
    assert "a:5672" in line
    assert "b:5673" in line
    assert "secret" not in line


def test_the_unrouted_queue_follows_its_setting() -> None:
    settings = make_settings("sqlite://", "x.")
    assert Topology.from_settings(settings.broker).unrouted_queue.arguments == {"x-queue-type": "classic"}
    settings.broker.unrouted_queue = "quorum"
    assert Topology.from_settings(settings.broker).unrouted_queue.arguments == {
        "x-queue-type": "quorum", "x-delivery-limit": UNROUTED_DELIVERY_LIMIT}


@pytest.mark.rabbitmq
async def test_the_worker_broker_skips_a_node_that_is_down_and_connects_to_the_next() -> None:
    broker = rabbit_broker(f"{_down()},{RABBIT_URL}", apply_types=False)
    try:
        connection = await broker.connect()
        assert isinstance(connection, FailoverConnection)
        assert connection.node == redact_url(RABBIT_URL)
        assert await broker.ping(timeout=2.0)
        assert not is_blocked(connection)
    finally:
        await broker.stop()


@pytest.mark.rabbitmq
async def test_a_command_connects_to_the_first_node_that_answers() -> None:
    connection = await connect_first(f"{_down()},{_down()},{RABBIT_URL}")
    try:
        assert not connection.is_closed
    finally:
        await connection.close()


@pytest.mark.rabbitmq
async def test_no_node_answering_is_one_line_naming_them() -> None:
    settings = make_settings("sqlite://", "x.")
    settings.broker.url = f"{_down()},{_down()}"
    app = create_app(settings)
    with pytest.raises(StartupError, match=r"cannot reach RabbitMQ at amqp://.*,amqp://") as caught:
        await connect_broker(app.broker, settings, app.topology)
    assert "\n" not in str(caught.value)
    await app.close()


@pytest.mark.rabbitmq
async def test_a_classic_queue_where_a_quorum_one_belongs_is_one_clear_line(
    rabbit: aio_pika.abc.AbstractRobustConnection, prefix: str
) -> None:
    settings = make_settings("sqlite://", prefix, unrouted_queue="quorum")
    topology = Topology.from_settings(settings.broker)
    channel = await rabbit.channel()
    await channel.declare_queue(topology.unrouted_queue.name, durable=True)  # classic, as before
    broker = rabbit_broker(RABBIT_URL, apply_types=False)
    try:
        refusal = rf"queue {topology.unrouted_queue.name} exists .* than the quorum queue"
        with pytest.raises(StartupError, match=refusal):
            await connect_broker(broker, settings, topology)
    finally:
        await broker.stop()

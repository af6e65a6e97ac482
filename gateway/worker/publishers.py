"""The documented publishers of the worker: retours and forwards (`istd.out`), error reports, parking.

`Publishers.publish_row` sends one outbox row and returns once the broker confirmed it;
`Publishers.publish_many` sends a page of them at once (gateway.worker.confirms), which the outbox
relay uses on a real connection; `park` puts a delivery that kept failing into the dead-letter queue.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import aio_pika.abc
import aiormq
import aiormq.exceptions
from faststream.rabbit import RabbitBroker, RabbitExchange
from faststream.rabbit.publisher import RabbitPublisher
from pamqp.commands import Basic

from gateway.worker.confirms import Outcome, Unconfirmed, publish_page
from gateway.worker.outbox import Pending
from gateway.worker.pipeline import Delivery
from gateway.worker.topology import DELIVERY_COUNT_HEADER, ERROR_HEADER, Topology

_OUT_DESCRIPTION = (
    "Retours we build (302/306/308/316/318/320) and the municipality's 301/319 that passed pre-flight, "
    "as XML; routing key `<ontvanger>.<message>` (e.g. `87654321.wmo306`); persistent, with confirms."
)
_ERRORS_DESCRIPTION = (
    "JSON error reports for documents that get no retour (not XML, XSD-invalid, unsupported) or were "
    "refused; routing key `<outcome>.<message>` (e.g. `rejected.wmo301`). No personal data."
)
_DEAD_DESCRIPTION = (
    "Deliveries whose processing raised on every allowed attempt, with the reason in header "
    f"`{ERROR_HEADER}`; messages the queue dead-lettered itself carry `x-death` instead."
)


@dataclass(frozen=True, slots=True)
class Publishers:
    """The long-lived, AsyncAPI-documented publishers of the worker."""

    topology: Topology
    out: RabbitPublisher
    errors: RabbitPublisher
    dead: RabbitPublisher
    # Outbox wire name -> (exchange, publisher), built once: `Topology.exchange_for` makes new
    # exchange objects on every call, and FastStream hashes each one to find its declared twin.
    _routes: dict[str, tuple[RabbitExchange, RabbitPublisher]] = field(default_factory=dict)
    # With a real connection: a confirming channel of the relay's own (see `open`).
    _channel: list[aio_pika.abc.AbstractChannel] = field(default_factory=list)

    async def open(self, connection: object) -> None:
        """Give the outbox its own confirming channel when `connection` is a real one.

        Rows then go to aiormq as they are: FastStream's publisher builds an aio-pika Message (two
        dozen attribute writes), a command and a middleware chain per row, a fifth of the relay's
        time. In memory (TestRabbitBroker, no connection) rows keep going through FastStream.
        """
        if isinstance(connection, aio_pika.abc.AbstractConnection) and not self._channel:
            self._channel.append(await connection.channel(publisher_confirms=True, on_return_raises=True))

    async def close(self) -> None:
        while self._channel:
            await self._channel.pop().close()

    def _route(self, wire_name: str) -> tuple[RabbitExchange, RabbitPublisher]:
        route = self._routes.get(wire_name)
        if route is None:
            exchange = self.topology.exchange_for(wire_name)
            publisher = self.errors if exchange.name == self.topology.errors_exchange.name else self.out
            route = self._routes[wire_name] = (exchange, publisher)
        return route

    async def publish_many(self, rows: Sequence[Pending], timeout_s: float) -> list[Outcome] | None:
        """A page of rows in one write and one wait for their confirms; None in memory (no channel)."""
        if not self._channel:
            return None
        underlay = await self._channel[0].get_underlay_channel()
        if not isinstance(underlay, aiormq.Channel):
            return None
        exchanges = [self._route(row.exchange)[0].name for row in rows]
        return await publish_page(underlay, exchanges, rows, timeout_s)

    async def publish_row(self, row: Pending) -> None:
        """Publish one outbox row persistently; returns once the broker confirmed it."""
        exchange, publisher = self._route(row.exchange)
        if self._channel:
            await self._publish_direct(self._channel[0], exchange.name, row)
            return
        confirm = await publisher.publish(
            row.body, exchange=exchange, routing_key=row.routing_key, persist=True,
            content_type=row.content_type, message_id=row.message_id,
        )
        _require_ack(confirm, row.routing_key)

    @staticmethod
    async def _publish_direct(channel: aio_pika.abc.AbstractChannel, exchange: str, row: Pending) -> None:
        """The properties FastStream's publisher sets (persistent, timestamp, correlation id), mandatory."""
        properties = Basic.Properties(
            content_type=row.content_type, delivery_mode=2, message_id=row.message_id,
            correlation_id=str(uuid4()), timestamp=datetime.now(UTC),
        )
        underlay = await channel.get_underlay_channel()
        try:
            confirm = await underlay.basic_publish(
                row.body, exchange=exchange, routing_key=row.routing_key, properties=properties,
                mandatory=True,
            )
        except aiormq.exceptions.PublishError as exc:  # returned: no queue is bound for the routing key
            raise Unconfirmed(f"publish to {row.routing_key} was returned by the broker") from exc
        _require_ack(confirm, row.routing_key)

    async def park(self, delivery: Delivery, reason: str) -> None:
        """Put a delivery that kept failing into the dead-letter queue, with the reason as a header."""
        headers = {k: v for k, v in delivery.headers.items() if k != DELIVERY_COUNT_HEADER}
        headers[ERROR_HEADER] = reason
        headers["x-istd-attempts"] = delivery.delivery_count + 1
        headers["x-istd-parked-at"] = datetime.now(UTC).isoformat(timespec="seconds")
        confirm = await self.dead.publish(
            delivery.body, persist=True, message_id=delivery.message_id, headers=headers,  # type: ignore[arg-type]
        )
        _require_ack(confirm, "dead-letter")


def _require_ack(confirm: object, where: str) -> None:
    # With publisher confirms, a delivered publish answers Basic.Ack; a mandatory message nobody
    # could take comes back as the returned message instead. In memory (TestRabbitBroker) it is None.
    if confirm is None or type(confirm).__name__ == "Ack":
        return
    raise Unconfirmed(f"publish to {where} was returned by the broker: no queue is bound for it")


def declare_publishers(broker: RabbitBroker, topology: Topology) -> Publishers:
    out = broker.publisher(
        exchange=topology.out_exchange, routing_key="{ontvanger}.{message}", persist=True,
        title=f"{topology.out_exchange.name}:publish", description=_OUT_DESCRIPTION, schema=bytes,
    )
    errors = broker.publisher(
        exchange=topology.errors_exchange, routing_key="{outcome}.{message}", persist=True,
        title=f"{topology.errors_exchange.name}:publish", description=_ERRORS_DESCRIPTION,
        schema=dict[str, Any],
    )
    dead = broker.publisher(
        exchange=topology.dead_exchange, persist=True,
        title=f"{topology.dead_exchange.name}:publish", description=_DEAD_DESCRIPTION, schema=bytes,
    )
    return Publishers(topology=topology, out=out, errors=errors, dead=dead)

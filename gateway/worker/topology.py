"""RabbitMQ topology: exchanges and queues (wire names, optionally prefixed) and their declaration."""

from __future__ import annotations

from dataclasses import dataclass

from aio_pika.exceptions import ChannelPreconditionFailed
from faststream.rabbit import ExchangeType, QueueType, RabbitBroker, RabbitExchange, RabbitQueue
from faststream.rabbit.schemas.queue import QuorumQueueArgs

from gateway import wire
from gateway.settings import BrokerSettings

# Header we set when we park a message in the dead-letter queue ourselves (after its last
# allowed delivery failed): the reason, as exception type and code location, never its text.
ERROR_HEADER = "x-istd-error"
# Header the publisher sets (seconds since the epoch, float) so end-to-end latency can be measured.
PUBLISHED_AT_HEADER = "x-istd-published-at"
# RabbitMQ sets this on every delivery from a quorum queue: how often it was returned before.
DELIVERY_COUNT_HEADER = "x-delivery-count"
UNROUTED_DELIVERY_LIMIT = 1_000_000  # a quorum istd.unrouted: listings never dead-letter a message


class OutExchangeWithoutAlternate(RuntimeError):
    """istd.out exists on the broker without its alternate exchange: declared by an earlier version.

    RabbitMQ refuses to redeclare an exchange with other arguments (PRECONDITION_FAILED), so the
    worker cannot add it; `istd unrouted migrate` re-creates the exchange once.
    """

    def __init__(self, exchange: str) -> None:
        super().__init__(
            f"exchange {exchange} on RabbitMQ has no alternate exchange (declared by an earlier version); "
            "stop the workers, run `istd unrouted migrate` once (it re-creates the exchange; queues "
            "bound to it must be bound again, see README), then start them"
        )
        self.exchange = exchange


@dataclass(frozen=True, slots=True)
class Topology:
    """All exchanges and queues of one deployment; `prefix` gives tests their own set."""

    prefix: str = ""
    delivery_limit: int = 5
    shards: int = 0  # > 0: exchange istd.shard and single-active-consumer queues istd.in.<n>
    unrouted_quorum: bool = False  # istd.unrouted replicated over a cluster's nodes

    @classmethod
    def from_settings(cls, broker: BrokerSettings) -> Topology:
        return cls(prefix=broker.prefix, delivery_limit=broker.delivery_limit, shards=broker.shards,
                   unrouted_quorum=broker.unrouted_queue == "quorum")

    def name(self, wire_name: str) -> str:
        """The broker-side name of a wire name from `gateway.wire`."""
        return f"{self.prefix}{wire_name}"

    @property
    def inbound_exchange(self) -> RabbitExchange:
        # Fanout: the routing key a sender uses means nothing; the document says what it is.
        return RabbitExchange(self.name(wire.EXCHANGE_IN), type=ExchangeType.FANOUT, durable=True)

    @property
    def inbound_queue(self) -> RabbitQueue:
        name = self.name(wire.QUEUE_IN)
        return RabbitQueue(name, queue_type=QueueType.QUORUM, durable=True, arguments=self._inbound_args())

    def _inbound_args(self) -> QuorumQueueArgs:
        return {
            "x-delivery-limit": self.delivery_limit,
            "x-dead-letter-exchange": self.name(wire.EXCHANGE_DEAD),
            # At-least-once dead-lettering (RabbitMQ >= 3.10) needs reject-publish overflow.
            "x-dead-letter-strategy": "at-least-once",
            "x-overflow": "reject-publish",
        }

    @property
    def shard_exchange(self) -> RabbitExchange:
        # Direct: the producer's routing key is the shard number, computed from the document.
        return RabbitExchange(self.name(wire.EXCHANGE_SHARD), type=ExchangeType.DIRECT, durable=True)

    def shard_queue(self, shard: int) -> RabbitQueue:
        """Like the inbound queue, with one active consumer at a time: the shard is processed in order."""
        arguments = self._inbound_args()
        arguments["x-single-active-consumer"] = True
        return RabbitQueue(
            self.name(wire.shard_queue(shard)), queue_type=QueueType.QUORUM, durable=True, arguments=arguments
        )

    def shard_queues(self) -> tuple[RabbitQueue, ...]:
        return tuple(self.shard_queue(n) for n in range(self.shards))

    @property
    def out_exchange(self) -> RabbitExchange:
        # A retour for a receiver that has bound no queue (yet) goes to the alternate exchange and is
        # kept in istd.unrouted: confirmed, counted, readable with `istd unrouted`.
        return RabbitExchange(
            self.name(wire.EXCHANGE_OUT), type=ExchangeType.TOPIC, durable=True,
            arguments={"alternate-exchange": self.name(wire.EXCHANGE_UNROUTED)},
        )

    @property
    def unrouted_exchange(self) -> RabbitExchange:
        return RabbitExchange(self.name(wire.EXCHANGE_UNROUTED), type=ExchangeType.FANOUT, durable=True)

    @property
    def unrouted_queue(self) -> RabbitQueue:
        # Classic by default: `istd unrouted list` returns every message it read, and a quorum queue
        # counts such returns against a delivery limit (RabbitMQ 4 sets one, 20, by default). A
        # cluster needs it replicated: quorum, with a limit no number of listings reaches.
        name = self.name(wire.QUEUE_UNROUTED)
        if self.unrouted_quorum:
            arguments: QuorumQueueArgs = {"x-delivery-limit": UNROUTED_DELIVERY_LIMIT}
            return RabbitQueue(name, queue_type=QueueType.QUORUM, durable=True, arguments=arguments)
        return RabbitQueue(name, queue_type=QueueType.CLASSIC, durable=True)

    @property
    def errors_exchange(self) -> RabbitExchange:
        return RabbitExchange(self.name(wire.EXCHANGE_ERRORS), type=ExchangeType.TOPIC, durable=True)

    @property
    def errors_queue(self) -> RabbitQueue:
        return RabbitQueue(self.name(wire.QUEUE_ERRORS), queue_type=QueueType.QUORUM, durable=True)

    @property
    def dead_exchange(self) -> RabbitExchange:
        return RabbitExchange(self.name(wire.EXCHANGE_DEAD), type=ExchangeType.FANOUT, durable=True)

    @property
    def dead_queue(self) -> RabbitQueue:
        return RabbitQueue(self.name(wire.QUEUE_DEAD), queue_type=QueueType.QUORUM, durable=True)

    def exchange_for(self, wire_exchange: str) -> RabbitExchange:
        """The exchange an outbox row names (by its wire name) in this deployment."""
        for exchange in self.all_exchanges():
            if exchange.name == self.name(wire_exchange):
                return exchange
        raise KeyError(f"outbox names an exchange we do not declare: {wire_exchange!r}")

    def all_queues(self) -> tuple[RabbitQueue, ...]:
        return (
            self.inbound_queue, self.errors_queue, self.dead_queue, self.unrouted_queue, *self.shard_queues(),
        )

    def all_exchanges(self) -> tuple[RabbitExchange, ...]:
        """In declaration order: the alternate exchange exists before istd.out names it."""
        shard = (self.shard_exchange,) if self.shards > 0 else ()
        return (
            self.unrouted_exchange, self.out_exchange, self.errors_exchange, self.inbound_exchange,
            self.dead_exchange, *shard,
        )


async def declare(broker: RabbitBroker, topology: Topology) -> None:
    """Declare every exchange, queue and binding; idempotent (same arguments every time).

    Raises `OutExchangeWithoutAlternate` when istd.out was declared by a version without it.

    The inbound queue and its binding are declared by its subscriber when the broker starts;
    declaring them here as well makes `istd publish` work before any worker has run.
    """
    for exchange in topology.all_exchanges():
        try:
            await broker.declare_exchange(exchange)
        except ChannelPreconditionFailed as exc:
            if exchange.name == topology.out_exchange.name and "alternate-exchange" in str(exc):
                raise OutExchangeWithoutAlternate(exchange.name) from exc
            raise
    bindings = (
        (topology.inbound_queue, topology.inbound_exchange, ""),
        (topology.errors_queue, topology.errors_exchange, "#"),
        (topology.dead_queue, topology.dead_exchange, ""),
        (topology.unrouted_queue, topology.unrouted_exchange, ""),
    )
    shards = tuple((topology.shard_queue(n), topology.shard_exchange, str(n)) for n in range(topology.shards))
    for queue, exchange, routing_key in (*bindings, *shards):
        declared = await broker.declare_queue(queue)
        await declared.bind(exchange.name, routing_key=routing_key)

"""Wire names in one place: exchanges, queues, routing keys and message-property names."""

from __future__ import annotations

EXCHANGE_IN = "istd.in"
QUEUE_IN = "istd.in"
EXCHANGE_OUT = "istd.out"
# The alternate exchange of istd.out (fanout) and its queue: what nobody is bound to receive is kept
# there instead of being returned to the outbox relay, which would retry it for ever.
EXCHANGE_UNROUTED = "istd.unrouted"
QUEUE_UNROUTED = "istd.unrouted"
EXCHANGE_ERRORS = "istd.errors"
QUEUE_ERRORS = "istd.errors"
EXCHANGE_DEAD = "istd.dlx"
QUEUE_DEAD = "istd.dead"
EXCHANGE_SHARD = "istd.shard"  # direct; routing key = shard number (ISTD_BROKER__SHARDS > 0)


CONTENT_TYPE_XML = "application/xml"
CONTENT_TYPE_JSON = "application/json"


def out_routing_key(ontvanger: str, message_name: str) -> str:
    """Routing key of a message we send: `<ontvanger>.<message>`, e.g. `87654321.wmo306`."""
    return f"{ontvanger}.{message_name.lower()}"


def shard_queue(shard: int) -> str:
    """The inbound queue of one shard: `istd.in.<n>`."""
    return f"{QUEUE_IN}.{shard}"

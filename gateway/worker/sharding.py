"""Per-party ordering for several workers: the shard of a document, computed from its header.

Level-3 rules read what earlier messages left behind (a 305 needs its 301, a 307 its 305, a 319
answers a 317), so two workers taking messages of one client from one queue could apply them in
another order than they were sent and reach another register than one worker would. With
`ISTD_BROKER__SHARDS=N` (N > 0) producers publish to the direct exchange `istd.shard` with routing
key `shard_of(document, N)`; each shard queue `istd.in.<n>` is a quorum queue with a single active
consumer, so every shard is processed by one worker at a time, in order, and a second worker
attached to it waits as a hot standby.

The partition key is the pair of parties in the header (municipality CBS code and provider AGB
code, order-independent), not the BSN: a 319 carries no client, and every message the rules relate
to another one (toewijzing, start, stop, verzoek, antwoord, their retours) is between the same two
parties. A document whose header cannot be read goes to shard 0; it is refused there anyway.
"""

from __future__ import annotations

import zlib

from gateway.codec import DocumentError, parse


def partition_key(raw: bytes, *, max_bytes: int) -> str:
    """`<code>|<code>` of the two parties in the header, sorted; empty when the header cannot be read."""
    try:
        document = parse(raw, max_bytes=max_bytes)
    except DocumentError:
        return ""
    parties = document.parties()
    return "|".join(sorted(code for code in (parties.afzender, parties.ontvanger) if code is not None))


def shard_of(raw: bytes, shards: int, *, max_bytes: int) -> int:
    """The shard (0 ≤ n < shards) of a document: a stable hash (CRC-32) of its partition key."""
    if shards < 1:
        raise ValueError("shards must be at least 1")
    return zlib.crc32(partition_key(raw, max_bytes=max_bytes).encode()) % shards


def parse_shard_ids(text: str, shards: int) -> tuple[int, ...]:
    """`ISTD_BROKER__SHARD_IDS` ("0,2"; empty: all) as shard numbers; one out of range is an error."""
    if not text.strip():
        return tuple(range(shards))
    ids = tuple(sorted({int(part) for part in text.split(",") if part.strip()}))
    wrong = [n for n in ids if not 0 <= n < shards]
    if wrong:
        raise ValueError(f"shard ids {wrong} outside 0..{shards - 1} (ISTD_BROKER__SHARDS={shards})")
    return ids

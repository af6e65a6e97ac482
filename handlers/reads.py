"""The register keys a heen message's handler may read and its commands write, read off the message.

    reads(msg) -> Reads        client BSNs, allocation keys, references, message identities

The batch path (gateway.processing.batch) preloads these for a run of messages in one query per
table before the handlers run once each. It is an optimisation only: the snapshot loads a key it
was not given on demand, so a key missing here costs a round trip, never a different answer.
tests/handlers/test_reads.py runs every handler against a recording state and checks that each key
it asks for, and each key its commands write under, is named here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from handlers.messages import (
    AntwoordBericht,
    Message,
    Start,
    Stop,
    Toewijzing,
    VerzoekToewijzing,
    VerzoekWijziging,
)
from handlers.outcome import AllocationKey

Ref = tuple[str, str, str]  # (standard, aanbieder, referentie_aanbieder)
Ident = tuple[str, str, str]  # (message_name, sender, identificatie)


@dataclass(slots=True)
class Reads:
    bsns: set[str] = field(default_factory=set)
    allocations: set[AllocationKey] = field(default_factory=set)
    refs: set[Ref] = field(default_factory=set)
    idents: set[Ident] = field(default_factory=set)


def reads(msg: Message) -> Reads:
    """The keys of `msg`; empty for a message without a heen handler (retours, 323, 325)."""
    found = Reads()
    match msg:
        case Toewijzing():
            _toewijzing(msg, found)
        case Start() | Stop():
            _delivery(msg, found)
        case VerzoekToewijzing():
            found.bsns.add(msg.client.bsn)
            found.refs.update((msg.meta.standard, msg.header.afzender, p.referentie_aanbieder)
                              for p in msg.client.producten)
        case VerzoekWijziging():
            found.bsns.add(msg.client.bsn)
            found.refs.add((msg.meta.standard, msg.header.afzender, msg.client.verzoek.referentie_aanbieder))
        case AntwoordBericht():
            found.refs.add((msg.meta.standard, msg.header.ontvanger, msg.antwoord.referentie_aanbieder))
        case _:
            return found
    found.idents.add(_ident(msg))
    return found


def _ident(msg: Toewijzing | Start | Stop | VerzoekToewijzing | VerzoekWijziging | AntwoordBericht) -> Ident:
    """TR056 asks whether this sender used this Identificatie for this message type before."""
    return msg.meta.name, msg.header.afzender, msg.header.identificatie


def _toewijzing(msg: Toewijzing, found: Reads) -> None:
    """TR332 and the versions: each allocation; TR379 and request settling: each reference."""
    standard, gemeente, aanbieder = msg.meta.standard, msg.header.afzender, msg.header.ontvanger
    found.bsns.add(msg.client.bsn)
    for product in msg.client.producten:
        found.allocations.add(AllocationKey(standard, gemeente, product.toewijzingnummer))
        if product.referentie_aanbieder:
            found.refs.add((standard, aanbieder, product.referentie_aanbieder))


def _delivery(msg: Start | Stop, found: Reads) -> None:
    """The client's deliveries (by BSN) and each allocation a record names (the ledger)."""
    standard, gemeente = msg.meta.standard, msg.header.ontvanger
    found.bsns.add(msg.client.bsn)
    found.allocations.update(AllocationKey(standard, gemeente, p.toewijzingnummer)
                             for p in msg.client.producten if p.toewijzingnummer is not None)

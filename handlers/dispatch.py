"""Dispatch on the message class: each decoded message to its handler's `handle` (see handlers/table.py)."""

from __future__ import annotations

from handlers import antwoord, retour, start, stop, toewijzing, verzoek
from handlers.context import Context
from handlers.messages import (
    AntwoordBericht,
    AntwoordRetour,
    Message,
    Start,
    StartRetour,
    Stop,
    StopRetour,
    Toewijzing,
    ToewijzingRetour,
    VerzoekToewijzing,
    VerzoekToewijzingRetour,
    VerzoekWijziging,
    VerzoekWijzigingRetour,
)
from handlers.outcome import Outcome
from handlers.state import State


class NoHandler(LookupError):
    """The message has no handler here: a 323 is judged by handlers.declaratie (its own verdict, the 325
    plan), a received 325 is stored only."""


async def handle(msg: Message, state: State, ctx: Context) -> Outcome:
    """The outcome of one decoded message, from the handler of its class."""
    match msg:
        case Toewijzing():
            return await toewijzing.handle(msg, state, ctx)
        case Start():
            return await start.handle(msg, state, ctx)
        case Stop():
            return await stop.handle(msg, state, ctx)
        case VerzoekToewijzing() | VerzoekWijziging():
            return await verzoek.handle(msg, state, ctx)
        case AntwoordBericht():
            return await antwoord.handle(msg, state, ctx)
        case (ToewijzingRetour() | StartRetour() | StopRetour() | VerzoekToewijzingRetour()
              | VerzoekWijzigingRetour() | AntwoordRetour()):
            return await retour.handle(msg, state, ctx)
    raise NoHandler(f"no handler for {type(msg).__name__} ({msg.meta.name})")

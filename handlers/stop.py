"""307 (stop zorg) from a provider: temporary (reden 20) and definitive stops, checked per StopProduct."""

from __future__ import annotations

from handlers.context import Context
from handlers.messages import Stop
from handlers.outcome import Outcome
from handlers.start import check_and_apply
from handlers.state import DeliveryState


async def handle(msg: Stop, state: DeliveryState, ctx: Context) -> Outcome:
    """Same flow as the start: the record rules (TR382, TR413–TR415, ...) tell the two apart."""
    return await check_and_apply(msg, state, ctx)

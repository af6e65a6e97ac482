"""Retours received (302, 306, 308, 316, 318, 320): pair with the heen message, record the verdict per class.

Pairing (IV028): the heen message has the retour's code − 1, the same standard, and the Afzender,
Ontvanger and Identificatie the retour header copied. A retour is accepted when it carries no code but
0200; otherwise the heen message counts as not sent (IV032), which storage reflects.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from handlers.context import Context
from handlers.messages import RetourMessage
from handlers.outcome import NO_REMARKS, Outcome, PairRetour
from handlers.state import RetourState


def class_codes(node: object) -> Iterator[tuple[str, tuple[str, ...]]]:
    """(xpath, codes) of every berichtklasse below `node` that carries RetourCodes."""
    if isinstance(node, tuple):
        for item in node:
            yield from class_codes(item)
        return
    if not dataclasses.is_dataclass(node) or isinstance(node, type):
        return
    codes, xpath = getattr(node, "retourcodes", None), getattr(node, "xpath", None)
    if codes and isinstance(xpath, str) and xpath != "/Bericht/Header":
        yield xpath, tuple(codes)
    for item in dataclasses.fields(node):
        if item.name not in ("retourcodes", "header", "meta"):
            yield from class_codes(getattr(node, item.name))


async def handle(msg: RetourMessage, state: RetourState, ctx: Context) -> Outcome:
    """`accepted` means "paired": False when the retour matched no heen message (kept and reported)."""
    heen = msg.header.heen
    found = await state.heen_message(
        msg.meta.standard, msg.meta.number - 1, heen.afzender, heen.ontvanger, heen.identificatie
    )
    codes = tuple(class_codes(msg))
    every_code = [*msg.header.retourcodes, *(code for _, group in codes for code in group)]
    pair = PairRetour(
        heen_message_id=found.message_id if found else None,
        identificatie_retour=msg.header.identificatie_retour,
        accepted=all(code == NO_REMARKS for code in every_code),
        header_codes=tuple(msg.header.retourcodes),
        class_codes=codes,
    )
    return Outcome(found is not None, (), (pair,), None)

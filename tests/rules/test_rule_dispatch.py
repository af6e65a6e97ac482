"""Level-2 dispatch: the rules indexed per message type once, and lines shared by the rules of one message."""

from __future__ import annotations

import dataclasses

from gateway import codec
from handlers import messages as m
from handlers.findings import Finding
from handlers.rules import in_message
from handlers.rules.checks_base import RULES, InMessageRule, finding, product_lines, toewijzing_lines
from tests.kit.examples import example


def _toewijzing() -> m.Toewijzing:
    message = codec.decode(codec.parse(example("WMO301"), max_bytes=25 * 1024 * 1024))
    assert isinstance(message, m.Toewijzing)
    return message


def test_product_lines_are_made_once_per_message_object() -> None:
    message = _toewijzing()
    assert toewijzing_lines(message) is toewijzing_lines(message)
    assert product_lines(message) == toewijzing_lines(message)


def test_an_equal_but_other_message_gets_its_own_lines() -> None:
    message = _toewijzing()
    first = toewijzing_lines(message)
    later = dataclasses.replace(message.client.producten[0], einddatum=None)
    changed = dataclasses.replace(message, client=dataclasses.replace(message.client, producten=(later,)))
    lines = toewijzing_lines(changed)
    assert lines is not first
    assert [line.end for line in lines] == [None]
    assert toewijzing_lines(message) == first  # asking for the first message again makes them anew, equal


def test_a_rule_registered_later_is_dispatched_too() -> None:
    message = _toewijzing()
    before = in_message.check(message)

    def always(msg: m.Toewijzing) -> list[Finding]:
        return [finding("ZZ999", msg.client.xpath, "registered after the first dispatch")]

    RULES.append(InMessageRule("ZZ999", frozenset({301}), frozenset({"iwmo"}), always))
    try:
        after = in_message.check(message)
    finally:
        RULES.pop()
    assert [f.code for f in after] == [*(f.code for f in before), "ZZ999"]
    assert in_message.check(message) == before

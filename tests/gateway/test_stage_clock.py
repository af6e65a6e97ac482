"""The stage clock charges each stretch of CPU time to the innermost timed block still open."""

from __future__ import annotations

import time

import pytest

from gateway.processing.stages import StageClock


@pytest.fixture
def ticks(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """A thread clock that reads the next value of the returned list on each call."""
    values: list[float] = []
    monkeypatch.setattr(time, "thread_time", lambda: values.pop(0))
    return values


def test_a_nested_block_is_not_counted_twice(ticks: list[float]) -> None:
    ticks[:] = [0.0, 1.0, 3.0, 6.0, 10.0]
    clock = StageClock()  # reads 0
    with clock.timed("sql"), clock.timed("check"):  # sql opens at 1, check at 3
        pass  # check closes at 6, sql at 10
    assert clock.seconds["sql"] == pytest.approx(2.0 + 4.0)
    assert clock.seconds["check"] == pytest.approx(3.0)


def test_blocks_of_two_tasks_that_interleave_do_not_reopen_an_ended_one(ticks: list[float]) -> None:
    ticks[:] = [0.0, 1.0, 2.0, 4.0, 7.0, 20.0]
    clock = StageClock()  # 0
    settle = clock.timed("settle")
    relay = clock.timed("relay")
    settle.__enter__()  # 1: settle waits for its ack to be written...
    relay.__enter__()  # 2: ...and the relay starts meanwhile
    settle.__exit__(None, None, None)  # 4: settle ends first
    relay.__exit__(None, None, None)  # 7
    clock.timed("sql").__enter__()  # 20: nothing was open between 7 and 20
    assert clock.seconds["settle"] == pytest.approx(1.0)
    assert clock.seconds["relay"] == pytest.approx(2.0 + 3.0)
    assert clock.seconds["sql"] == 0.0

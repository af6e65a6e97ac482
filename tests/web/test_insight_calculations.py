"""The pure calculations: percentiles, waits, usage, delivery state, signal deadlines, formatting."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from handlers.insight import signals
from handlers.insight.fmt import nl_date, nl_month, nl_number, nl_percent
from handlers.insight.stats import percentile, summarise
from handlers.insight.usage import Delivery, delivered_days, delivery_state, usage
from handlers.insight.waiting import allocation_to_start, per_month, request_to_allocation


def test_nearest_rank_percentiles() -> None:
    assert percentile([40, 3, 13, 5, 8], 50) == 8
    assert percentile([40, 3, 13, 5, 8], 90) == 40
    assert percentile(list(range(1, 11)), 90) == 9
    assert percentile([7], 90) == 7
    assert summarise([]) is None
    with pytest.raises(ValueError, match="no values"):
        percentile([], 50)


def test_waits_and_their_month() -> None:
    assert request_to_allocation("p", "02", date(2025, 1, 30), date(2025, 2, 3)).days == 4
    retro = allocation_to_start("p", "02", date(2025, 1, 1), date(2025, 3, 3), date(2025, 3, 5))
    assert (retro.days, retro.month) == (2, "2025-03")  # counted from receipt, not the Ingangsdatum
    early = allocation_to_start("p", "02", date(2025, 3, 1), date(2025, 2, 20), date(2025, 2, 27))
    assert early.days == 0  # care began before the Ingangsdatum
    [row] = per_month(
        [request_to_allocation("p", "02", date(2025, 2, 1), date(2025, 2, d)) for d in (3, 9, 28)]
    )
    assert (row.month, row.summary.count, row.summary.p50, row.summary.max) == ("2025-02", 3, 8, 27)


def test_delivery_state_follows_the_latest_start() -> None:
    on = date(2025, 3, 10)
    assert delivery_state([], on) == "not_started"
    assert delivery_state([Delivery(date(2025, 3, 11))], on) == "not_started"
    assert delivery_state([Delivery(date(2025, 1, 1), date(2025, 3, 10), "23")], on) == "started"
    assert delivery_state([Delivery(date(2025, 1, 1), date(2025, 3, 1), "20")], on) == "temporarily_stopped"
    assert (
        delivery_state([Delivery(date(2025, 1, 1), date(2025, 3, 1), "20"), Delivery(date(2025, 3, 5))], on)
        == "started"
    )
    assert delivery_state([Delivery(date(2025, 1, 1), date(2025, 3, 1), "19")], on) == "stopped"


def test_delivered_days_count_overlaps_once() -> None:
    spans = [
        Delivery(date(2025, 1, 1), date(2025, 1, 10)),
        Delivery(date(2025, 1, 5), date(2025, 1, 20)),
        Delivery(date(2025, 2, 1)),
    ]
    assert delivered_days(date(2025, 1, 1), date(2025, 2, 10), spans) == 20 + 10
    result = usage(date(2025, 1, 1), date(2025, 1, 31), spans, date(2025, 3, 1))
    assert (result.allocated_days, result.delivered_days, result.started) == (31, 20, True)
    assert result.ratio == pytest.approx(20 / 31)


def test_signal_deadlines() -> None:
    today = date(2025, 3, 10)
    assert signals.start_missing(date(2025, 3, 3), date(2025, 2, 20), False, today, "x") is None  # due 10 Mar
    late = signals.start_missing(date(2025, 3, 3), date(2025, 2, 20), False, date(2025, 3, 11), "x")
    assert late is not None
    assert (late.rule, late.due, late.age, late.overdue) == ("OP271", date(2025, 3, 10), 6, 1)
    assert signals.start_missing(date(2025, 1, 1), date(2025, 1, 1), True, today, "x") is None
    assert signals.stop_missing(None, False, today, "x") is None
    assert signals.retour_missing(date(2025, 3, 4), True, today, "x") is None
    assert signals.request_unanswered(date(2025, 1, 6), date(2025, 1, 8), False, None, today, "x") is None
    final = signals.request_unanswered(date(2025, 1, 6), date(2025, 1, 8), True, date(2025, 2, 1), today, "x")
    assert final is None


def test_dutch_formatting() -> None:
    assert nl_date(date(2025, 3, 7)) == "07-03-2025"
    assert nl_date(datetime(2025, 7, 1, 10, 0, tzinfo=UTC)) == "01-07-2025 12:00"  # CEST
    assert nl_date(datetime(2025, 7, 1, 10, 0)) == "01-07-2025 12:00"  # SQLite's zoneless UTC moment
    assert nl_date(None) == ""
    assert nl_month("2025-03") == "maart 2025"
    assert nl_number(1234567.5, 1) == "1.234.567,5"
    assert nl_percent(2 / 7) == "28,6%"

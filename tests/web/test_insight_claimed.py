"""The pure arithmetic of the usage from what was claimed (handlers.insight.claimed), worked by hand."""

from __future__ import annotations

from datetime import date

from handlers.insight.claimed import (
    Allocation,
    ClaimSum,
    Omvang,
    allocated_per_month,
    idle,
    in_allocated_unit,
    month_usage,
    months_between,
)

D = date
JAN_TO_APR = months_between(D(2025, 1, 10), D(2025, 4, 2))


def test_months_between_and_the_month_of_a_date() -> None:
    assert [D(2025, 1, 1), D(2025, 2, 1), D(2025, 3, 1), D(2025, 4, 1)] == JAN_TO_APR
    assert months_between(D(2024, 12, 31), D(2025, 1, 1)) == [D(2024, 12, 1), D(2025, 1, 1)]


def test_a_total_is_spread_by_days_in_whole_units_that_add_up() -> None:
    # 100 hours over 16 Jan - 15 Apr 2025 (90 days): January 16 days, February 28, March 31, April 15.
    # 100×16/90 = 17.8, 100×28/90 = 31.1, 100×31/90 = 34.4, 100×15/90 = 16.7: whole 17, 31, 34, 16 = 98,
    # the two largest remainders (January .78, April .67) get one more.
    spread = allocated_per_month(Omvang(100, "04", "6"), D(2025, 1, 16), D(2025, 4, 15), JAN_TO_APR)
    assert spread == {D(2025, 1, 1): 18, D(2025, 2, 1): 31, D(2025, 3, 1): 34, D(2025, 4, 1): 17}
    assert sum(v or 0 for v in spread.values()) == 100
    open_end = allocated_per_month(Omvang(100, "04", "6"), D(2025, 1, 16), None, JAN_TO_APR)
    assert set(open_end.values()) == {None}


def test_per_day_week_and_month() -> None:
    # Per day, from 10 Jan: January 22 days, then 28, 31, 30.
    per_day = allocated_per_month(Omvang(2, "14", "1"), D(2025, 1, 10), None, JAN_TO_APR)
    assert list(per_day.values()) == [44, 56, 62, 60]
    # Per week in hours (effort): ISO weeks touched within the allocation. From Fri 10 Jan: weeks of
    # 6, 13, 20, 27 Jan = 4; February 5 (27 Jan .. 24 Feb); March 6; to Wed 2 Apr: 1 week.
    per_week = allocated_per_month(Omvang(3, "04", "2"), D(2025, 1, 10), D(2025, 4, 2), JAN_TO_APR)
    assert list(per_week.values()) == [12, 15, 18, 3]
    # Output units per week (82): Sundays in the month, plus one in the month of the last Sunday when
    # the allocation does not end on a Sunday (IV077): January 3 (12, 19, 26), February 4, March 5,
    # April: no Sunday by 2 Apr, but the last Sunday (30 Mar) is in March: March 6.
    output = allocated_per_month(Omvang(1, "82", "2"), D(2025, 1, 10), D(2025, 4, 2), JAN_TO_APR)
    assert list(output.values()) == [3, 4, 6, 0]
    per_month = allocated_per_month(Omvang(8, "04", "4"), D(2025, 1, 10), None, JAN_TO_APR)
    assert list(per_month.values()) == [8, 8, 8, 8]
    assert set(allocated_per_month(None, D(2025, 1, 10), None, JAN_TO_APR).values()) == {None}


def test_minutes_on_hours_count_as_hours() -> None:
    assert in_allocated_unit(90, "01", "04") == 1.5
    assert in_allocated_unit(5, "04", "04") == 5.0
    assert in_allocated_unit(5, "14", "04") is None  # another unit does not compare


def _allocation(nr: int, omvang: Omvang | None) -> Allocation:
    return Allocation(("iwmo", "0599", nr), "12345678", "02", "3011", nr, D(2025, 1, 1), None, omvang)


def test_claims_credits_and_rejections_per_month() -> None:
    a = _allocation(1, Omvang(10, "04", "4"))
    claims = [ClaimSum(a.key, D(2025, 1, 1), "credited", "D", "04", 6, 3000),  # awarded, later credited
              ClaimSum(a.key, D(2025, 1, 1), "awarded", "C", "04", 6, 3000),  # the credit
              ClaimSum(a.key, D(2025, 1, 1), "awarded", "D", "01", 240, 2000),  # 4 hours in minutes
              ClaimSum(a.key, D(2025, 2, 1), "rejected", "D", "04", 14, 7000),
              ClaimSum(a.key, D(2025, 2, 1), "rejected", "C", "04", 3, 1500)]  # a refused credit: nothing
    jan, feb, mar = month_usage([a], claims, D(2025, 3, 5))
    assert (jan.declared_volume, jan.awarded_volume, jan.awarded_amount, jan.share, jan.over) == (
        4.0, 4.0, 2000, 0.4, False)
    assert (feb.declared_volume, feb.awarded_volume, feb.declared_amount, feb.over) == (14.0, 0.0, 7000, True)
    assert (mar.allocated, mar.declared_volume) == (10, 0.0)
    # Idle for two months on 5 March: January had an awarded claim, so not for 2; for 1 (February) yes.
    assert idle([jan, feb, mar], D(2025, 3, 5), 2) == set()
    assert idle([jan, feb, mar], D(2025, 3, 5), 1) == {a.key}


def test_a_total_is_over_when_the_declared_sum_passes_it() -> None:
    a = Allocation(("iwmo", "0599", 2), "12345678", "02", "3011", 2, D(2025, 1, 1), D(2025, 3, 31),
                   Omvang(30, "04", "6"))
    claims = [ClaimSum(a.key, D(2025, 1, 1), "awarded", "D", "04", 25, 0),
              ClaimSum(a.key, D(2025, 2, 1), "rejected", "D", "04", 10, 0)]
    jan, feb, mar = month_usage([a], claims, D(2025, 3, 31))
    assert (jan.over, feb.over, mar.over) == (False, True, True)  # 25 ≤ 30; 35 > 30 from February on

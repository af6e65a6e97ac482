"""Totals of a filtered running set: count, distinct clients, per delivery state and per standard.

Exact figures need the delivery state of every row; at register scale (a million allocations,
a quarter of a million running on a day) that is seconds of work per request. So the totals are
counted first on a sample, the allocations of 1 in 64 clients (`client_id % 64 = 0`, a partial
index of its own). A sample below `exact_below` rows means a small set: it is then counted exactly.
A larger one is reported as the sample scaled up, flagged `estimated`: sampling by client keeps both
the allocation count and the distinct-client count unbiased, with a relative error of about
1/sqrt(sample rows), under 8% from the threshold of 150 on, about 1.6% for a whole running register.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, literal, literal_column, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from storage.insight_queries.common import SAMPLE_MODULUS, Scope, delivery_state
from storage.insight_queries.running_set import RunningFilter, conditions, from_running
from storage.models import AllocationRow, AllocationVersionRow


@dataclass(frozen=True, slots=True)
class Sampling:
    modulus: int = SAMPLE_MODULUS  # only this value can use ix_insight_running_sample
    exact_below: int = 150  # sample rows under which the set is counted exactly


SAMPLING = Sampling()


@dataclass(frozen=True, slots=True)
class Totals:
    total: int
    clients: int
    by_state: dict[str, int]
    by_standard: dict[str, int]
    estimated: bool
    sample_modulus: int


def _sampled(modulus: int) -> ColumnElement[bool]:
    # A literal, as the partial index spells it: a bound parameter could not match its predicate.
    return AllocationVersionRow.client_id % literal_column(str(int(modulus))) == literal_column("0")


async def _count(session: AsyncSession, f: RunningFilter, scope: Scope,
                 sample: int | None) -> tuple[dict[tuple[str, str], int], int]:
    """Counts per (standard, state) of the set before the state filter, and the distinct clients after it.

    The state is computed once per row (a CTE); counting every state tells the caller how large the
    set is whose states must be judged, which is what an exact count costs.
    """
    where = conditions(_without_state(f), scope)
    if sample is not None:
        where.append(_sampled(sample))
    counted = (from_running(f, AllocationRow.standard, delivery_state(f.on).label("state"),
                            AllocationVersionRow.client_id).where(*where).cte("counted"))
    keep = [counted.c.state == f.state] if f.state else []
    query = union_all(
        select(counted.c.standard, counted.c.state, func.count())
        .group_by(counted.c.standard, counted.c.state),
        select(literal("*"), literal("*"), func.count(func.distinct(counted.c.client_id))).where(*keep))
    groups, clients = {}, 0
    for standard, state, count in (await session.execute(query)).all():
        if standard == "*":
            clients = int(count)
        else:
            groups[(standard, state)] = int(count)
    return groups, clients


def _without_state(f: RunningFilter) -> RunningFilter:
    """The state filter is applied on the CTE's column, so the state is not computed twice per row."""
    return dataclasses.replace(f, state=None)


async def totals(session: AsyncSession, f: RunningFilter, scope: Scope,
                 sampling: Sampling = SAMPLING) -> Totals:
    groups, clients = await _count(session, f, scope, sampling.modulus)
    scale = sampling.modulus
    if sum(groups.values()) < sampling.exact_below:
        groups, clients = await _count(session, f, scope, None)
        scale = 1
    by_state: dict[str, int] = {}
    by_standard: dict[str, int] = {}
    for (standard, state), count in groups.items():
        if f.state in (None, state):
            by_state[state] = by_state.get(state, 0) + count * scale
            by_standard[standard] = by_standard.get(standard, 0) + count * scale
    return Totals(sum(by_state.values()), clients * scale, by_state, by_standard, scale > 1, scale)

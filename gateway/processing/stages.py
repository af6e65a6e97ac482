"""CPU seconds per stage of the worker's path, for `make bench` and `/metrics` (istd_stage_cpu_seconds).

Most timed sections never wait for I/O (`with STAGES.timed("check"):`), so no other task of the
event loop runs inside one and each second is charged to the stage that spent it. Two stages wait:
`sql` (the batch transaction: SQLAlchemy, asyncpg and the round trips, less the stages nested in it)
and `relay` (the outbox relay's pages: select, publish with confirms, mark). The worker never runs
them at the same time (batches and relay take turns, gateway.worker.app), and what runs meanwhile
is either a timed stage of its own (a delivery's `receive`) or the event loop's and aiormq's own
work, which is then charged to the waiting stage. What is not timed at all (the event loop between
stages, aiormq's frame reading, the HTTP endpoints) is the rest of the process's CPU time; the
benchmark reports it as such. The clock is the thread's CPU time: the worker's asyncio loop,
SQLAlchemy's greenlets and the drivers all run on one thread.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

# The timed stages in path order: a delivery is received, checked, applied, answered and written (sql),
# logged and counted (record), settled; its retour published (relay).
NAMES = ("receive", "check", "apply", "retour", "sql", "record", "settle", "relay")


class StageClock:
    """Accumulated CPU seconds per stage name, for this process; a nested stage is not counted twice."""

    __slots__ = ("_current", "_since", "seconds")

    def __init__(self) -> None:
        self.seconds: dict[str, float] = dict.fromkeys(NAMES, 0.0)
        self._current: str | None = None
        self._since = 0.0

    @contextmanager
    def timed(self, stage: str) -> Iterator[None]:
        """Charge the CPU time of the block to `stage` (an enclosing stage gets only the time outside it)."""
        outer = self._switch(stage)
        try:
            yield
        finally:
            self._switch(outer)

    def _switch(self, stage: str | None) -> str | None:
        now = time.thread_time()
        previous = self._current
        if previous is not None:
            self.seconds[previous] = self.seconds.get(previous, 0.0) + now - self._since
        self._current, self._since = stage, now
        return previous


STAGES = StageClock()  # one per process: CPU time is a property of the process, not of an app

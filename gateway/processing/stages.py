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

# The timed stages in path order: a delivery is received, checked, applied, answered and written (sql),
# logged and counted (record), settled; its retour published (relay).
NAMES = ("receive", "check", "apply", "retour", "sql", "record", "settle", "relay")


class Section:
    """One open timed block; `with STAGES.timed(name):` makes one."""

    __slots__ = ("_clock", "stage")

    def __init__(self, clock: StageClock, stage: str) -> None:
        self._clock = clock
        self.stage = stage

    def __enter__(self) -> Section:
        self._clock.open(self)
        return self

    def __exit__(self, *_: object) -> None:
        self._clock.close(self)


class StageClock:
    """Accumulated CPU seconds per stage name, for this process; a nested stage is not counted twice.

    The time between two events (a block opened or closed) goes to the innermost block still open.
    A block that waits may see another task's block open inside it and close after it (the relay
    woken while a batch settles); closing the outer one then leaves the other one innermost, rather
    than reopening a block that has ended.
    """

    __slots__ = ("_open", "_since", "seconds")

    def __init__(self) -> None:
        self.seconds: dict[str, float] = dict.fromkeys(NAMES, 0.0)
        self._open: list[Section] = []
        self._since = time.thread_time()

    def timed(self, stage: str) -> Section:
        """Charge the CPU time of the block to `stage` (an enclosing stage gets only the time outside it)."""
        return Section(self, stage)

    def open(self, section: Section) -> None:
        self._charge()
        self._open.append(section)

    def close(self, section: Section) -> None:
        self._charge()
        if self._open and self._open[-1] is section:
            self._open.pop()
        elif section in self._open:  # Sections compare by identity
            self._open.remove(section)

    def _charge(self) -> None:
        now = time.thread_time()
        if self._open:
            stage = self._open[-1].stage
            self.seconds[stage] = self.seconds.get(stage, 0.0) + now - self._since
        self._since = now


STAGES = StageClock()  # one per process: CPU time is a property of the process, not of an app

"""The worker benchmark's report: figures, ratio to the ceiling, where the worker's time went (cProfile)."""

from __future__ import annotations

import pstats
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

GOAL_RATE = 3000.0
GOAL_RATIO = 0.5
ROUND_RATIO = 0.35  # issue 13: one worker process, this round
# Where a function lives -> the part of the pipeline it belongs to (first match wins).
BUCKETS = (
    ("/gateway/codec/", "parse + decode (codec)"),
    ("/gateway/processing/validation", "validation (levels 1-2)"),
    ("/handlers/", "rules (handlers)"),
    ("/gateway/processing", "processing glue"),
    ("/storage/", "storage (our code)"),
    ("/sqlalchemy/", "SQLAlchemy"),
    ("asyncpg", "asyncpg driver"),
    ("/lxml/", "lxml"),
    ("/faststream/", "FastStream"),
    ("/aio_pika/", "aio-pika/aiormq"),
    ("/aiormq/", "aio-pika/aiormq"),
    ("/pamqp/", "aio-pika/aiormq"),
    ("/gateway/", "gateway (worker)"),
    ("/logging/", "logging"),
    ("/json/", "logging"),
    ("/asyncio/", "asyncio loop"),
    ("selectors", "asyncio loop"),
    ("greenlet", "SQLAlchemy"),
)


STAGE_LABELS = {
    "receive": "receive (delivery -> batch)",
    "check": "check (sha256, parse, XSD, decode, lvl 2)",
    "apply": "apply (rules, register records)",
    "retour": "retour (build)",
    "sql": "sql (transaction; frames read meanwhile)",
    "record": "record (log line, metrics)",
    "settle": "settle (ack after commit)",
    "relay": "relay (outbox page, publish, confirms)",
}


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    return values[min(len(values) - 1, int(share * len(values)))]


@dataclass(frozen=True)
class Pair:
    """One ceiling run and the worker's drain of the same messages right after it (msg/s)."""

    ceiling: float
    worker: float
    published: float
    backlog: int

    @property
    def ratio(self) -> float:
        return self.worker / self.ceiling if self.ceiling else 0.0


@dataclass
class Report:
    count: int
    generate_s: float = 0.0
    publish_rate: float = 0.0
    ceiling_rate: float = 0.0
    worker_rate: float = 0.0
    latency_rate: float = 0.0
    latencies: list[float] = field(default_factory=list)
    rss_mb: float = 0.0
    exit_code: int = -1
    stop_s: float = 0.0
    outbox_pending: int = -1
    outcomes: dict[str, int] = field(default_factory=dict)
    batches: tuple[float, float] = (0.0, 0.0)  # mean messages per batch, mean batch ms (drain phase)
    backlog_after_drain: int = -1  # outbox rows not yet published when the last message was processed
    published_rate: float = 0.0  # messages/second until every retour and report was also published
    cpu_us: dict[str, float] = field(default_factory=dict)  # worker CPU µs per message: total and per stage
    processes: int = 1  # phase 4: `istd worker --processes N` on the shard queues
    processes_rate: float = 0.0
    pairs: list[Pair] = field(default_factory=list)  # ceiling and worker, interleaved

    def ratio(self) -> float:
        """The median of the pairs' ratios (each pair ran at one machine load); else of the medians."""
        if self.pairs:
            return statistics.median(p.ratio for p in self.pairs)
        return self.worker_rate / self.ceiling_rate if self.ceiling_rate else 0.0

    def render(self) -> str:
        ratio = self.ratio()
        p50, p99 = percentile(self.latencies, 0.50), percentile(self.latencies, 0.99)
        lines = [
            f"worker benchmark: {self.count} messages (301/305/307/315/317/319, iWmo + iJw, ~10 % spoiled)",
            f"  generated in {self.generate_s:.1f} s; published to istd.in at {self.publish_rate:,.0f} msg/s",
            *self._pair_lines(),
            f"  bare pipeline ceiling ..... {self.ceiling_rate:8,.0f} msg/s  "
            "(consume + parse + XSD + batched insert; median)",
            f"  worker, sustained ......... {self.worker_rate:8,.0f} msg/s  "
            f"(median; goal {GOAL_RATE:,.0f}: {'met' if self.worker_rate >= GOAL_RATE else 'NOT met'})",
            f"  worker, retours published   {self.published_rate:8,.0f} msg/s  "
            "(the same drains, until the outbox was empty too)",
            f"  ratio worker / ceiling .... {ratio:8.2f}        "
            f"(median of the pairs; goal {GOAL_RATIO}: {'met' if ratio >= GOAL_RATIO else 'NOT met'}; "
            f"this round >= {ROUND_RATIO}: {'met' if ratio >= ROUND_RATIO else 'NOT met'})",
            *self._processes_lines(),
            f"  end-to-end latency at {self.latency_rate:,.0f} msg/s offered: p50 {p50 * 1000:,.0f} ms, "
            f"p99 {p99 * 1000:,.0f} ms ({len(self.latencies)} retours matched)",
            f"  batches while draining .... {self.batches[0]:8.1f} messages, {self.batches[1]:.1f} ms each; "
            f"outbox rows unpublished at the end: {self.backlog_after_drain}",
            f"  worker peak RSS ........... {self.rss_mb:8.0f} MB",
            f"  SIGTERM -> exit {self.exit_code} in {self.stop_s:.1f} s; outbox rows pending after exit: "
            f"{self.outbox_pending}",
            f"  outcomes: {', '.join(f'{k} {v}' for k, v in self.outcomes.items())}",
            *self._cpu_lines(),
        ]
        return "\n".join(lines)

    def _pair_lines(self) -> list[str]:
        return [f"  pair {n}: ceiling {p.ceiling:8,.0f} msg/s, worker {p.worker:8,.0f} msg/s, "
                f"ratio {p.ratio:5.2f}" for n, p in enumerate(self.pairs, 1)]

    def _processes_lines(self) -> list[str]:
        if self.processes < 2:
            return []
        times = self.processes_rate / self.worker_rate if self.worker_rate else 0.0
        ratio = self.processes_rate / self.ceiling_rate if self.ceiling_rate else 0.0
        return [f"  {self.processes} processes (--processes) {self.processes_rate:8,.0f} msg/s  "
                f"({times:.2f} x one process; {ratio:.2f} x the ceiling; {2 * self.processes} shards)"]

    def _cpu_lines(self) -> list[str]:
        """The worker's CPU per message, split by the timed stages; the rest is untimed (see the label)."""
        if not self.cpu_us:
            return []
        total = self.cpu_us.get("total", 0.0)
        timed = {k: v for k, v in self.cpu_us.items() if k != "total"}
        rest = total - sum(timed.values())
        lines = [f"  worker CPU per message .... {total:8.0f} µs  (the pairs' drains: publish until drained)"]
        lines += [f"    {STAGE_LABELS.get(k, k):<40} {v:6.0f} µs" for k, v in timed.items()]
        lines.append(f"    {'rest: event loop, aiormq frames, HTTP':<40} {rest:6.0f} µs")
        return lines


def _bucket(filename: str) -> str:
    for marker, name in BUCKETS:
        if marker in filename:
            return name
    return "other"


def profile_summary(path: Path, top: int = 20) -> str:
    """Own time per pipeline part, and the functions with most own time."""
    stats = pstats.Stats(str(path))
    per_bucket: dict[str, float] = defaultdict(float)
    rows = []
    for (filename, line, function), (_, _, own, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        per_bucket[_bucket(filename)] += own
        rows.append((own, cumulative, f"{Path(filename).name}:{line}({function})"))
    total = sum(per_bucket.values()) or 1.0
    lines = ["where the worker's time went (own time, cProfile):"]
    ranked = sorted(per_bucket.items(), key=lambda item: -item[1])
    lines += [f"  {share / total:6.1%}  {name}" for name, share in ranked]
    lines.append(f"top {top} functions by own time:")
    heaviest = sorted(rows, reverse=True)[:top]
    lines += [f"  {own:7.2f} s own {cum:7.2f} s cum  {where}" for own, cum, where in heaviest]
    return "\n".join(lines)

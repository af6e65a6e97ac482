"""Prometheus metrics of one app, in its own registry; every label set is bounded (no identifiers, no BSN)."""

from __future__ import annotations

import platform
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import metadata

from prometheus_client import (
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector

from gateway.processing.stages import STAGES

__all__ = ["CONTENT_TYPE_LATEST", "Metrics"]

_LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
_BATCH_BUCKETS = (1, 2, 5, 10, 25, 50, 100, 200, 400, 800)


def _registry() -> CollectorRegistry:
    """Our instruments, plus the process (CPU, memory, open files) and Python runtime (GC, version)
    collectors that prometheus_client puts in its global registry; each app has its own registry."""
    registry = CollectorRegistry(auto_describe=True)
    for collector in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR):
        registry.register(collector)
    return registry


def version() -> str:
    """The installed istd-gateway version (pyproject.toml)."""
    try:
        return metadata.version("istd-gateway")
    except metadata.PackageNotFoundError:  # running from a checkout that was never installed
        return "unknown"


@dataclass
class Metrics:
    """The worker's instruments. Labels: standard (iwmo/ijw/unknown), message (WMO305...), outcome, code."""

    registry: CollectorRegistry = field(default_factory=_registry)

    def __post_init__(self) -> None:
        r = self.registry
        self.build_info = Gauge(
            "istd_build_info", "Always 1; the labels say which istd-gateway and Python run",
            ("version", "python"), registry=r,
        )
        self.build_info.labels(version(), platform.python_version()).set(1)
        self.messages = Counter(
            "istd_messages", "Messages processed, by standard, message and outcome",
            ("standard", "message", "outcome"), registry=r,
        )
        self.retourcodes = Counter(
            "istd_retourcodes", "Retourcodes emitted in retours, by message and code",
            ("message", "code"), registry=r,
        )
        self.processing_seconds = Histogram(
            "istd_processing_seconds", "Time to process one message inside its batch",
            buckets=_LATENCY_BUCKETS, registry=r,
        )
        self.batch_seconds = Histogram(
            "istd_batch_seconds", "Time of one batch transaction, commit included",
            buckets=_LATENCY_BUCKETS, registry=r,
        )
        self.batch_size = Histogram(
            "istd_batch_size", "Messages per batch transaction", buckets=_BATCH_BUCKETS, registry=r,
        )
        self.outbox_backlog = Gauge("istd_outbox_backlog", "Outbox rows not yet published", registry=r)
        self.outbox_published = Counter(
            "istd_outbox_published", "Outbox rows published with confirm", ("exchange",), registry=r,
        )
        self.failures = Counter(
            "istd_processing_failures", "Deliveries whose processing raised (retried)", registry=r,
        )
        self.dead_lettered = Counter(
            "istd_dead_lettered", "Messages parked in the dead-letter queue", registry=r,
        )
        self.unrouted = Gauge(
            "istd_unrouted_messages",
            "Messages kept in istd.unrouted: published to istd.out while no queue was bound for them",
            registry=r,
        )
        self.database_outages = Counter(
            "istd_database_outages", "Batches deferred because the database was down", registry=r,
        )

        r.register(_StageCollector())

    def render(self) -> bytes:
        """The text exposition format of this registry."""
        return generate_latest(self.registry)


class _StageCollector(Collector):
    """istd_stage_cpu_seconds_total{stage}: CPU time of the timed stages (gateway.processing.stages)."""

    def collect(self) -> Iterator[Metric]:
        family = CounterMetricFamily(
            "istd_stage_cpu_seconds", "CPU seconds spent in each timed stage of the path", labels=("stage",),
        )
        for stage, seconds in STAGES.seconds.items():
            family.add_metric((stage,), seconds)
        yield family

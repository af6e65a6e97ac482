"""Settings: one pydantic-settings class with nested groups, read from ISTD_* environment variables."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class BrokerSettings(BaseModel):
    # One node, or the nodes of a cluster comma separated: the worker and the commands connect to the
    # first that answers and, when they lose it, move on to the next (gateway/worker/connection.py).
    url: str = "amqp://guest:guest@localhost:5672/"
    # Measured with benchmarks/worker_bench.py: bigger batches spread the per-batch queries and the
    # commit over more messages; the prefetch keeps a full batch in hand while the previous one commits.
    prefetch: int = 512
    batch_size: int = 256
    batch_wait_ms: int = 20
    delivery_limit: int = 5
    # Prepended to every exchange and queue name: lets tests (and a second environment on one
    # broker) use their own topology. Empty in production.
    prefix: str = ""
    # Per-party ordering for several workers (gateway/worker/sharding.py): 0 keeps the one queue istd.in;
    # N > 0 adds exchange istd.shard and N single-active-consumer queues istd.in.<n>.
    shards: int = 0
    # Which shard queues this worker consumes ("0,2"); empty: all of them.
    shard_ids: str = ""
    # istd.unrouted: classic (one node keeps it) or quorum (replicated; set it for a cluster). The
    # other queues are quorum queues in any case: their delivery limit and dead-lettering need it.
    unrouted_queue: Literal["classic", "quorum"] = "classic"


class DatabaseSettings(BaseModel):
    url: str = "sqlite:///var/istd.sqlite3"
    echo: bool = False


class HttpSettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = 8080


class WebSettings(BaseModel):
    """`istd web`: the wijkteam pages and JSON API. Set `secret_key` in production (signs cookies)."""

    host: str = "127.0.0.1"
    port: int = 8090
    secret_key: str = ""  # empty: a random key per process, so sessions end on restart
    cookie_secure: bool = True  # False only for local http://
    session_hours: int = 8
    idle_minutes: int = 30  # a session unused this long ends (and is deleted)
    min_group_size: int = 5  # analysts see no figure about fewer clients than this ("< 5")
    # Rebuild the derived signals table this often (seconds), and at start-up when empty or of an older
    # day; 0: never in the web process, only by `istd insight refresh`.
    insight_refresh_seconds: int = Field(default=300, ge=0)


class ParserSettings(BaseModel):
    max_bytes: int = 25 * 1024 * 1024


class SendersSettings(BaseModel):
    """Sender authentication (gateway/processing/senders.py): broker user -> the AGB/CBS codes it may send as.

    `users` as JSON (`ISTD_SENDERS__USERS='{"zorg-a": ["87654321"], "gemeente": ["0363"]}'`) and/or
    `file`, a JSON file of the same shape. Off unless `enforce`: existing publishers keep working
    until the broker users are mapped; the worker warns at start-up while it is off.
    """

    enforce: bool = False
    users: dict[str, list[str]] = Field(default_factory=dict)
    file: str | None = None


class Settings(BaseSettings):
    """Everything configurable. `ISTD_GEMEENTEN` is a comma-separated list of CBS codes; empty means any."""

    model_config = SettingsConfigDict(env_prefix="ISTD_", env_nested_delimiter="__", extra="ignore")

    broker: BrokerSettings = Field(default_factory=BrokerSettings)
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    http: HttpSettings = Field(default_factory=HttpSettings)
    parser: ParserSettings = Field(default_factory=ParserSettings)
    web: WebSettings = Field(default_factory=WebSettings)
    senders: SendersSettings = Field(default_factory=SendersSettings)
    gemeenten: str = ""
    product_codes_file: str | None = None

    def gemeente_codes(self) -> frozenset[str]:
        return frozenset(code.strip() for code in self.gemeenten.split(",") if code.strip())

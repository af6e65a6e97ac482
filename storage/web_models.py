"""Tables of the web part: users, API tokens, login sessions, failed logins, the audit log, provider names,
the population per PC4 area.

Secrets are stored only as hashes: passwords with PBKDF2-SHA256 and a per-user salt
(`gateway.web.security`), API tokens and session tokens as SHA-256 of 32 random
bytes (high-entropy secrets need no slow KDF). The audit log names a client by its
internal id, never by BSN or name; a list view is logged with its filter and row count.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, String, TextClause, text
from sqlalchemy.orm import InstrumentedAttribute, Mapped, mapped_column

from storage.insight_queries.common import SAMPLE_MODULUS, normal_postcode, pc4
from storage.models import AllocationRow, AllocationVersionRow, Base, ClientRow, DeliveryRow, Id, MessageRow

ROLES = ("team", "analyst", "ops")


class UserRow(Base):
    """A person (or script) with one role; `gemeenten` is the comma-separated CBS codes of a team."""

    __tablename__ = "web_users"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(8))
    gemeenten: Mapped[str] = mapped_column(String(256), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def gemeente_codes(self) -> frozenset[str]:
        return frozenset(code for code in self.gemeenten.split(",") if code)


class ApiTokenRow(Base):
    """A bearer token for the JSON API; only its SHA-256 is kept."""

    __tablename__ = "web_api_tokens"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("web_users.id", ondelete="CASCADE"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # None: made before expiry
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SessionRow(Base):
    """A login session; the cookie carries the token (signed), the table its SHA-256."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("web_users.id", ondelete="CASCADE"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # the idle timeout


class LoginFailureRow(Base):
    """A wrong password (or unknown user): the throttle counts these per user name and per address."""

    __tablename__ = "web_login_failures"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    username: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64))

    __table_args__ = (Index("ix_web_login_failures_username", "username", "at"),
                      Index("ix_web_login_failures_address", "address", "at"))


class AuditRow(Base):
    """Who saw what: a client view, a list with names (filter, row count), a refusal or a failed login.

    `outcome`: shown, refused or failed (a login). `address` is the caller's IP address, `session` a
    short reference to the login session (the first hex digits of its token's SHA-256) or API token.
    """

    __tablename__ = "web_audit_log"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("web_users.id", ondelete="SET NULL"))
    username: Mapped[str] = mapped_column(String(64))  # kept when the user is removed later
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"))
    view: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(200))
    outcome: Mapped[str] = mapped_column(String(16), default="shown", server_default="shown")
    address: Mapped[str | None] = mapped_column(String(64))
    session: Mapped[str | None] = mapped_column(String(24))
    filter: Mapped[str | None] = mapped_column(String(500))
    row_count: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (Index("ix_web_audit_log_at", "at"), Index("ix_web_audit_log_client", "client_id"))


class ProviderRow(Base):
    """A provider's name by its AGB code, as the gemeente loaded it (`istd providers load`): nothing else

    writes here, so a name a provider puts in its own messages never becomes its name on the pages.
    """

    __tablename__ = "web_providers"

    agb_code: Mapped[str] = mapped_column(String(8), primary_key=True)
    naam: Mapped[str] = mapped_column(String(200))
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SignalHandledRow(Base):
    """A signal a team member marked handled: who, when and why; `key` is handlers.insight.signals.signal_key.

    `subject` names the allocation or message ("toewijzing 1234"), never a person.
    """

    __tablename__ = "web_signals_handled"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    gemeente: Mapped[str | None] = mapped_column(String(4))
    subject: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("web_users.id", ondelete="SET NULL"))
    handled_by: Mapped[str] = mapped_column(String(64))  # kept when the user is removed later
    handled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str] = mapped_column(String(200))

    # The signals' SQL finds a mark by kind and subject, then compares the key (insight_queries.signals).
    __table_args__ = (Index("ix_web_signals_handled_subject", "kind", "subject"),)


class InsightSignalRow(Base):
    """A signal open on the day of the last refresh (storage.signal_table): derived from the
    register, rebuilt whole by every refresh, never the source of truth. `key` is the signal's signal_key."""

    __tablename__ = "web_insight_signals"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32))
    rank: Mapped[int] = mapped_column(Integer)  # handlers.insight.signals.SAME_DAY_ORDER
    since: Mapped[date] = mapped_column(Date)
    subject: Mapped[str] = mapped_column(String)
    gemeente: Mapped[str | None] = mapped_column(String)
    aanbieder: Mapped[str | None] = mapped_column(String)
    client: Mapped[str | None] = mapped_column(String)  # the client's public id
    key: Mapped[str] = mapped_column(String(32))

    __table_args__ = (
        # In the list's order (newest clock first, then the kinds' order): a page stops after its rows.
        Index("ix_web_insight_signals_since", text("since DESC"), "rank"),
        Index("ix_web_insight_signals_gemeente", "gemeente", text("since DESC"), "rank"),
        Index("ix_web_insight_signals_kind", "kind", text("since DESC"), "rank"),
        Index("ix_web_insight_signals_aanbieder", "aanbieder", text("since DESC"), "rank"),
        Index("ix_web_insight_signals_client", "client"),
        Index("ix_web_insight_signals_key", "key"),
    )


class InsightSignalDayRow(Base):
    """How many signals per kind, gemeente and clock start: the counts without a provider or client filter."""

    __tablename__ = "web_insight_signal_days"

    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    gemeente: Mapped[str] = mapped_column(String, primary_key=True)  # '' for a signal without one
    since: Mapped[date] = mapped_column(Date, primary_key=True)
    signals: Mapped[int] = mapped_column(Integer)


class InsightSignalProviderRow(Base):
    """How many signals per kind, gemeente and provider: the counts of a provider without an age filter."""

    __tablename__ = "web_insight_signal_providers"

    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    gemeente: Mapped[str] = mapped_column(String, primary_key=True)  # '' for a signal without one
    aanbieder: Mapped[str] = mapped_column(String, primary_key=True)  # '' for a signal without one
    signals: Mapped[int] = mapped_column(Integer)


class InsightRefreshRow(Base):
    """When a derived table was last rebuilt: for which day, at what time, how long it took, how many rows."""

    __tablename__ = "web_insight_refreshed"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)  # "signals"
    day: Mapped[date] = mapped_column(Date)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    seconds: Mapped[float] = mapped_column(Float)
    rows: Mapped[int] = mapped_column(Integer)


class AreaPopulationRow(Base):
    """Residents of one PC4 area (optionally per age group) and its wijk, as `istd areas load` read them.

    Public figures (CBS), no personal data; the file replaces the table whole.
    """

    __tablename__ = "web_area_population"

    pc4: Mapped[str] = mapped_column(String(4), primary_key=True)
    inwoners: Mapped[int] = mapped_column(Integer)
    inwoners_0_17: Mapped[int | None] = mapped_column(Integer)
    inwoners_18_64: Mapped[int | None] = mapped_column(Integer)
    inwoners_65_plus: Mapped[int | None] = mapped_column(Integer)
    wijk: Mapped[str | None] = mapped_column(String(100))
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


# Indexes of the insight queries on register tables. They live on the web branch of the migrations
# (0102_web_insight) because only the web's read path needs them; the worker pays for them on writes.
# The partial-index predicates are written exactly as SQLAlchemy renders the queries' conditions
# (`is_current IS true` on PostgreSQL, `IS 1` on SQLite): both planners need the same terms to use them.
COUNTING = {"postgresql": "is_current IS true AND voided IS false AND deleted IS false",
            "sqlite": "is_current IS 1 AND voided IS 0 AND deleted IS 0"}
CURRENT = {"postgresql": "is_current IS true AND voided IS false",
           "sqlite": "is_current IS 1 AND voided IS 0"}
SAMPLED = f"client_id % {SAMPLE_MODULUS} = 0"
LIVE = "removed_by_message_id IS NULL"


def partial(dialect: str, *extra: str) -> TextClause:
    return text(" AND ".join((COUNTING[dialect], *extra)))


def _counting_index(name: str, *columns: InstrumentedAttribute[Any], extra: tuple[str, ...] = ()) -> Index:
    """An index over the counting versions only (current, not voided, not deleted): a third of the table."""
    return Index(name, *columns, postgresql_where=partial("postgresql", *extra),
                 sqlite_where=partial("sqlite", *extra))


_v, _a, _d = AllocationVersionRow, AllocationRow, DeliveryRow
INSIGHT_INDEXES = (
    # Running on a date, in ingangsdatum order (the sort and the walk that stops at one page).
    _counting_index("ix_insight_running", _v.ingangsdatum, _v.allocation_id, _v.einddatum),
    _counting_index("ix_insight_running_provider", _v.aanbieder, _v.product_categorie, _v.ingangsdatum),
    # 1 in 64 clients: the sample behind the estimated totals of a large running set.
    _counting_index("ix_insight_running_sample", _v.ingangsdatum, _v.einddatum, _v.client_id,
                    _v.allocation_id, extra=(SAMPLED,)),
    Index("ix_insight_allocations_number", _a.toewijzingnummer, _a.id),
    # The PC4 area filter (the same expression as storage.insight_queries.common.pc4).
    Index("ix_insight_clients_pc4", pc4(ClientRow.postcode)),
    # The delivery state: the latest live start of an allocation and the stops of that start.
    Index("ix_insight_deliveries_state", _d.standard, _d.gemeente, _d.toewijzingnummer, _d.kind,
          _d.begindatum, postgresql_where=text(LIVE), sqlite_where=text(LIVE)),
    # Signals (0106_web_signals): the newest receipts per message number (a window of the newest clocks)
    # and the ends of current versions (OP272's clock).
    Index("ix_signal_messages_received", MessageRow.message_number, MessageRow.received_at),
    Index("ix_signal_versions_end", _v.einddatum, postgresql_where=text(CURRENT["postgresql"]),
          sqlite_where=text(CURRENT["sqlite"])),
)

# Indexes of the team's pages (migration 0110_web_pages): a client's address and birth date (search,
# household), a client's deliveries (cliëntbeeld, scope), a week of messages (berichtenmonitor). The
# trigram indexes of the name and street search (GIN, `lower(column) gin_trgm_ops`) are PostgreSQL's
# only and made when pg_trgm can be created: named here, built by the migration alone.
TRIGRAM_COLUMNS = ("geslachtsnaam", "voornamen", "voorvoegsel", "straatnaam", "plaatsnaam")
TRIGRAM_INDEXES = tuple(f"ix_pages_clients_{column}_trgm" for column in TRIGRAM_COLUMNS)
PAGE_INDEXES = (
    Index("ix_pages_clients_address", normal_postcode(ClientRow.postcode), ClientRow.huisnummer),
    Index("ix_pages_clients_born", ClientRow.geboortedatum),
    Index("ix_pages_deliveries_client", _d.client_id),
    Index("ix_pages_messages_received", MessageRow.received_at, MessageRow.id),
    Index("ix_pages_messages_status", MessageRow.status, MessageRow.received_at),
)

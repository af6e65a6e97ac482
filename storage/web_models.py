"""Tables of the web part: users, API tokens, login sessions and the audit log of client views.

Secrets are stored only as hashes: passwords with scrypt and a per-user salt
(`gateway.web.passwords`), API tokens and session tokens as SHA-256 of 32 random
bytes (high-entropy secrets need no slow KDF). The audit log names a client by its
internal id, never by BSN or name.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, Id

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


class SessionRow(Base):
    """A login session; the cookie carries the token (signed), the table its SHA-256."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("web_users.id", ondelete="CASCADE"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditRow(Base):
    """One showing of one client's personal data: who, when, which client, which view and why."""

    __tablename__ = "web_audit_log"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("web_users.id", ondelete="SET NULL"))
    username: Mapped[str] = mapped_column(String(64))  # kept when the user is removed later
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    view: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(200))

    __table_args__ = (Index("ix_web_audit_log_at", "at"), Index("ix_web_audit_log_client", "client_id"))

"""Users, API tokens and login sessions: the only code that reads or writes the secrets' tables.

Functions take a session and only `add`/`flush`; the caller's unit of work commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.web.security import hash_password, new_token, token_digest, verify_password
from storage.web_models import ROLES, ApiTokenRow, AuditRow, SessionRow, UserRow

# Compared against when the username does not exist, so a wrong name costs as much time as a wrong password.
_DUMMY_HASH = hash_password("no such user")


class AccountError(ValueError):
    """A user cannot be added or changed as asked (unknown role, duplicate name, bad gemeente code)."""


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is asking: what the routes need to decide, without the row or its secrets."""

    user_id: int
    username: str
    role: str
    gemeenten: frozenset[str]


def principal(user: UserRow) -> Principal:
    return Principal(user.id, user.username, user.role, user.gemeente_codes())


def _now() -> datetime:
    return datetime.now(UTC)


def _check(username: str, role: str, gemeenten: list[str]) -> None:
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    if not username or len(username) > 64 or not username.replace("-", "").replace(".", "").isalnum():
        raise AccountError("username: 1-64 letters, digits, '.' or '-'")
    if any(len(code) != 4 or not code.isdigit() for code in gemeenten):
        raise AccountError("gemeente codes are four-digit CBS codes")
    if role == "team" and not gemeenten:
        raise AccountError("a team user needs at least one gemeente (the clients it may see)")


async def add_user(session: AsyncSession, username: str, password: str, role: str,
                   gemeenten: list[str]) -> UserRow:
    _check(username, role, gemeenten)
    if len(password) < 12:
        raise AccountError("password: at least 12 characters")
    if await session.scalar(select(UserRow.id).where(UserRow.username == username)) is not None:
        raise AccountError(f"user {username!r} exists")
    user = UserRow(username=username, password_hash=hash_password(password), role=role,
                   gemeenten=",".join(sorted(set(gemeenten))), created_at=_now(), active=True)
    session.add(user)
    await session.flush()
    return user


async def list_users(session: AsyncSession) -> list[UserRow]:
    return list(await session.scalars(select(UserRow).order_by(UserRow.username)))


async def remove_user(session: AsyncSession, username: str) -> bool:
    """Delete the user with its tokens and sessions; audit rows keep the username."""
    user_id = await session.scalar(select(UserRow.id).where(UserRow.username == username))
    if user_id is None:
        return False
    await session.execute(delete(ApiTokenRow).where(ApiTokenRow.user_id == user_id))
    await session.execute(delete(SessionRow).where(SessionRow.user_id == user_id))
    await session.execute(update(AuditRow).where(AuditRow.user_id == user_id).values(user_id=None))
    await session.execute(delete(UserRow).where(UserRow.id == user_id))
    return True


async def add_api_token(session: AsyncSession, username: str, label: str) -> str:
    """A new bearer token for the user; the plain token is returned once and never stored."""
    user_id = await session.scalar(select(UserRow.id).where(UserRow.username == username))
    if user_id is None:
        raise AccountError(f"no user {username!r}")
    token = new_token()
    session.add(ApiTokenRow(user_id=user_id, token_sha256=token_digest(token), label=label,
                            created_at=_now()))
    await session.flush()
    return token


async def authenticate(session: AsyncSession, username: str, password: str) -> Principal | None:
    user = await session.scalar(select(UserRow).where(UserRow.username == username, UserRow.active))
    if not verify_password(password, user.password_hash if user else _DUMMY_HASH) or user is None:
        return None
    return principal(user)


async def by_api_token(session: AsyncSession, token: str) -> Principal | None:
    user = await session.scalar(select(UserRow).join(ApiTokenRow, ApiTokenRow.user_id == UserRow.id)
                                .where(ApiTokenRow.token_sha256 == token_digest(token), UserRow.active))
    return principal(user) if user else None


async def start_session(session: AsyncSession, user_id: int, hours: int) -> str:
    token = new_token()
    now = _now()
    session.add(SessionRow(user_id=user_id, token_sha256=token_digest(token), created_at=now,
                           expires_at=now + timedelta(hours=hours)))
    await session.flush()
    return token


async def by_session(session: AsyncSession, token: str) -> Principal | None:
    row = await session.execute(select(UserRow, SessionRow.expires_at)
                                .join(SessionRow, SessionRow.user_id == UserRow.id)
                                .where(SessionRow.token_sha256 == token_digest(token), UserRow.active))
    found = row.first()
    if found is None:
        return None
    user, expires_at = found
    if expires_at.tzinfo is None:  # SQLite hands back naive datetimes
        expires_at = expires_at.replace(tzinfo=UTC)
    return principal(user) if expires_at > _now() else None


async def end_session(session: AsyncSession, token: str) -> None:
    await session.execute(delete(SessionRow).where(SessionRow.token_sha256 == token_digest(token)))

"""Users, API tokens, login sessions and failed logins: the only code that touches the secrets' tables.

Functions take a session and only `add`/`flush`; the caller's unit of work commits.

Logins are throttled per user name and per address: after `ACCOUNT_FAILURES` wrong passwords for
one name, or `ADDRESS_FAILURES` from one address, within `WINDOW`, further attempts are refused
(the right password too) until the oldest failure leaves the window. Sessions end after
`session_hours`, or sooner after `idle_minutes` without a request; API tokens expire after
`TOKEN_DAYS` unless given another lifetime, and can be revoked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.web import password_policy
from gateway.web.security import hash_password, needs_rehash, new_token, token_digest, verify_password
from storage.web_models import ROLES, ApiTokenRow, AuditRow, LoginFailureRow, SessionRow, UserRow

WINDOW = timedelta(minutes=15)
ACCOUNT_FAILURES = 5
ADDRESS_FAILURES = 20
TOKEN_DAYS = 90
SEEN_EVERY = timedelta(minutes=1)  # how stale `last_seen_at` may get before a request rewrites it

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
    session: str | None = None  # a reference for the audit log: "s:<hex>" or "t:<token id>"


def principal(user: UserRow, session: str | None = None) -> Principal:
    return Principal(user.id, user.username, user.role, user.gemeente_codes(), session)


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes (stored as UTC)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def session_reference(token: str) -> str:
    """Ties audit rows of one login session together without being its secret."""
    return "s:" + token_digest(token)[:16]


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
    if (refused := password_policy.problem(username, password)) is not None:
        raise AccountError(refused)
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


async def _user(session: AsyncSession, username: str) -> UserRow:
    user = await session.scalar(select(UserRow).where(UserRow.username == username))
    if user is None:
        raise AccountError(f"no user {username!r}")
    return user


async def set_password(session: AsyncSession, username: str, password: str) -> None:
    """A new password (policy checked); every session of the user ends."""
    user = await _user(session, username)
    if (refused := password_policy.problem(username, password)) is not None:
        raise AccountError(refused)
    user.password_hash = hash_password(password)
    await session.execute(delete(SessionRow).where(SessionRow.user_id == user.id))
    await session.flush()


async def disable_user(session: AsyncSession, username: str) -> None:
    """No more logins, sessions or API calls; the user and its audit trail stay."""
    user = await _user(session, username)
    user.active = False
    await session.execute(delete(SessionRow).where(SessionRow.user_id == user.id))
    await session.flush()


async def add_api_token(session: AsyncSession, username: str, label: str, days: int = TOKEN_DAYS) -> str:
    """A new bearer token for the user, valid `days`; the plain token is returned once and never stored."""
    user = await _user(session, username)
    if not 1 <= days <= 366:
        raise AccountError("token lifetime: 1 to 366 days")
    token = new_token()
    now = _now()
    session.add(ApiTokenRow(user_id=user.id, token_sha256=token_digest(token), label=label,
                            created_at=now, expires_at=now + timedelta(days=days)))
    await session.flush()
    return token


@dataclass(frozen=True, slots=True)
class TokenInfo:
    id: int
    username: str
    label: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None


async def list_tokens(session: AsyncSession, username: str | None = None) -> list[TokenInfo]:
    query = (select(ApiTokenRow, UserRow.username).join(UserRow, UserRow.id == ApiTokenRow.user_id)
             .order_by(UserRow.username, ApiTokenRow.id))
    if username is not None:
        query = query.where(UserRow.username == username)
    return [TokenInfo(t.id, name, t.label, _aware(t.created_at), t.expires_at and _aware(t.expires_at),
                      t.revoked_at and _aware(t.revoked_at)) for t, name in await session.execute(query)]


async def revoke_token(session: AsyncSession, token_id: int) -> None:
    token = await session.get(ApiTokenRow, token_id)
    if token is None:
        raise AccountError(f"no API token with id {token_id}")
    token.revoked_at = token.revoked_at or _now()
    await session.flush()


class Throttled(Exception):
    """Too many failed logins for this user name or from this address within the window."""


async def _throttled(session: AsyncSession, username: str, address: str) -> bool:
    since = _now() - WINDOW
    f = LoginFailureRow
    per_account = await session.scalar(select(func.count()).where(f.username == username, f.at >= since))
    per_address = await session.scalar(select(func.count()).where(f.address == address, f.at >= since))
    return (per_account or 0) >= ACCOUNT_FAILURES or (per_address or 0) >= ADDRESS_FAILURES


async def authenticate(session: AsyncSession, username: str, password: str,
                       address: str = "") -> Principal | None:
    """The user when name and password match; None (and a failure counted) when not.

    Raises Throttled without checking the password once the window holds too many failures. A
    successful login replaces a hash of an older scheme or lower cost and clears the name's failures.
    """
    name = username[:64]
    if await _throttled(session, name, address):
        raise Throttled
    user = await session.scalar(select(UserRow).where(UserRow.username == name, UserRow.active))
    if not verify_password(password, user.password_hash if user else _DUMMY_HASH) or user is None:
        session.add(LoginFailureRow(at=_now(), username=name, address=address[:64]))
        await session.flush()
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    await session.execute(delete(LoginFailureRow).where(LoginFailureRow.username == name))
    await session.execute(delete(LoginFailureRow).where(LoginFailureRow.at < _now() - WINDOW))
    return principal(user)


async def by_api_token(session: AsyncSession, token: str) -> Principal | None:
    """The token's user while the token is neither revoked nor expired."""
    found = (await session.execute(
        select(UserRow, ApiTokenRow.id).join(ApiTokenRow, ApiTokenRow.user_id == UserRow.id)
        .where(ApiTokenRow.token_sha256 == token_digest(token), UserRow.active,
               ApiTokenRow.revoked_at.is_(None),
               or_(ApiTokenRow.expires_at.is_(None), ApiTokenRow.expires_at > _now())))).first()
    return principal(found[0], f"t:{found[1]}") if found else None


async def start_session(session: AsyncSession, user_id: int, hours: int) -> str:
    token = new_token()
    now = _now()
    session.add(SessionRow(user_id=user_id, token_sha256=token_digest(token), created_at=now,
                           expires_at=now + timedelta(hours=hours), last_seen_at=now))
    await session.flush()
    return token


async def by_session(session: AsyncSession, token: str, idle_minutes: int) -> Principal | None:
    """The session's user while it has not expired nor been idle for `idle_minutes`; marks it seen."""
    found = (await session.execute(select(UserRow, SessionRow)
                                   .join(SessionRow, SessionRow.user_id == UserRow.id)
                                   .where(SessionRow.token_sha256 == token_digest(token), UserRow.active))
             ).first()
    if found is None:
        return None
    user, row = found
    now = _now()
    seen = _aware(row.last_seen_at or row.created_at)
    if _aware(row.expires_at) <= now or seen + timedelta(minutes=idle_minutes) <= now:
        await session.delete(row)
        return None
    if now - seen >= SEEN_EVERY:
        row.last_seen_at = now
    return principal(user, session_reference(token))


async def delete_stale_sessions(session: AsyncSession, idle_minutes: int) -> int:
    """Remove sessions past their end or idle too long; returns how many."""
    now = _now()
    idle_since = now - timedelta(minutes=idle_minutes)
    result = await session.execute(delete(SessionRow).where(or_(
        SessionRow.expires_at <= now,
        func.coalesce(SessionRow.last_seen_at, SessionRow.created_at) <= idle_since)))
    return int(getattr(result, "rowcount", 0) or 0)


async def end_session(session: AsyncSession, token: str) -> None:
    await session.execute(delete(SessionRow).where(SessionRow.token_sha256 == token_digest(token)))

"""`istd users add|list|remove|passwd|disable|token|tokens|revoke`: who may use `istd web`, and how."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.cli.common import CommandError, add_database_option, database_error, database_url
from gateway.cli.database import run_in_unit_of_work
from gateway.web import accounts
from storage.web_models import ROLES


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "users", help="manage users and API tokens of the web pages",
        description="Manage the people and scripts that may use `istd web`: add, list, remove users, "
                    "and create API tokens.")
    add_database_option(parser)
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser(
        "add", help="add a user; the password is asked for (or read from stdin)",
        description="Add a user with a role; the password is asked for twice on the terminal, or read "
                    "from standard input with --password-stdin.")
    add.add_argument("username")
    add.add_argument("--role", choices=ROLES, required=True)
    add.add_argument("--gemeente", action="append", default=[], help="CBS code a team may see (repeat)")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    add.add_argument("--token", metavar="LABEL", help="also create an API token with this label and print it")
    listing = actions.add_parser("list", help="list users (never their secrets)",
                                 description="List users with role, gemeenten and creation date.")
    remove = actions.add_parser("remove", help="remove a user with its tokens and sessions",
                                description="Remove a user with its API tokens and sessions.")
    remove.add_argument("username")
    passwd = actions.add_parser("passwd", help="set a new password; ends the user's sessions",
                                description="Set a new password (asked for twice on the terminal, or read "
                                            "with --password-stdin); ends the user's sessions.")
    passwd.add_argument("username")
    passwd.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    disable = actions.add_parser("disable", help="stop a user logging in; ends its sessions",
                                 description="Stop a user logging in; ends its sessions.")
    disable.add_argument("username")
    token = actions.add_parser("token", help="create an API token for a user and print it once",
                               description="Create an API token for a user and print it once.")
    token.add_argument("username")
    token.add_argument("--label", default="")
    token.add_argument("--days", type=int, default=accounts.TOKEN_DAYS,
                       help=f"valid this many days (1-366, default {accounts.TOKEN_DAYS})")
    tokens = actions.add_parser("tokens", help="list API tokens (id, user, label, dates; never the token)",
                                description="List API tokens: id, user, label and dates; never the token.")
    tokens.add_argument("username", nargs="?")
    revoke = actions.add_parser("revoke", help="revoke an API token by its id (see `istd users tokens`)",
                                description="Revoke an API token by its id (see `istd users tokens`).")
    revoke.add_argument("token_id", type=int)
    for action in (add, listing, remove, passwd, disable, token, tokens, revoke):
        add_database_option(action)
    parser.set_defaults(handler=run)


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    if not sys.stdin.isatty():
        role = f" --role {args.role}" if args.action == "add" else ""
        raise CommandError(
            "no terminal to ask the password on; pipe it in with --password-stdin (e.g. "
            f"printenv PASSWORD | istd users {args.action} {args.username}{role} --password-stdin)")
    first = getpass.getpass("Wachtwoord: ")
    if first != getpass.getpass("Nogmaals: "):
        raise accounts.AccountError("passwords differ")
    return first


async def _add(session: AsyncSession, args: argparse.Namespace, password: str) -> str:
    user = await accounts.add_user(session, args.username, password, args.role, args.gemeente)
    lines = [f"added {user.username} ({user.role})"]
    if args.token is not None:
        lines.append(f"token: {await accounts.add_api_token(session, user.username, args.token)}")
    return "\n".join(lines)


async def _list(session: AsyncSession) -> str:
    rows = [f"{u.username}\t{u.role}\t{u.gemeenten or '-'}\t{u.created_at:%Y-%m-%d}"
            for u in await accounts.list_users(session)]
    return "\n".join(["username\trole\tgemeenten\tcreated", *rows])


async def _remove(session: AsyncSession, username: str) -> str:
    if not await accounts.remove_user(session, username):
        raise accounts.AccountError(f"no user {username!r}")
    return f"removed {username}"


async def _token(session: AsyncSession, args: argparse.Namespace) -> str:
    return f"token: {await accounts.add_api_token(session, args.username, args.label, args.days)}"


async def _passwd(session: AsyncSession, username: str, password: str) -> str:
    await accounts.set_password(session, username, password)
    return f"password of {username} changed; its sessions ended"


async def _disable(session: AsyncSession, username: str) -> str:
    await accounts.disable_user(session, username)
    return f"disabled {username}"


def _day(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d}" if moment else "-"


async def _tokens(session: AsyncSession, username: str | None) -> str:
    rows = [f"{t.id}\t{t.username}\t{t.label or '-'}\t{_day(t.created_at)}\t{_day(t.expires_at)}\t"
            f"{_day(t.revoked_at)}" for t in await accounts.list_tokens(session, username)]
    return "\n".join(["id\tusername\tlabel\tcreated\texpires\trevoked", *rows])


async def _revoke(session: AsyncSession, token_id: int) -> str:
    await accounts.revoke_token(session, token_id)
    return f"revoked token {token_id}"


def run(args: argparse.Namespace) -> int:
    url = database_url(args)
    try:
        password = _password(args) if args.action in ("add", "passwd") else ""
        work: dict[str, Callable[[AsyncSession], Awaitable[str]]] = {
            "add": lambda s: _add(s, args, password), "list": _list,
            "remove": lambda s: _remove(s, args.username), "token": lambda s: _token(s, args),
            "passwd": lambda s: _passwd(s, args.username, password),
            "disable": lambda s: _disable(s, args.username), "tokens": lambda s: _tokens(s, args.username),
            "revoke": lambda s: _revoke(s, args.token_id)}
        print(run_in_unit_of_work(url, work[args.action]))
    except accounts.AccountError as error:
        print(f"istd users: {error}", file=sys.stderr)
        return 2
    except (SQLAlchemyError, OSError) as error:
        raise database_error(error, url) from None
    return 0

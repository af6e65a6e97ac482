"""`istd users` and `istd audit` against a real SQLite register file."""

from __future__ import annotations

import argparse
import asyncio
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from gateway.cli import audit, users
from gateway.web import accounts
from gateway.web import audit as audit_log
from storage.engine import create_engine, ensure_migrated, session_factory
from storage.models import ClientRow
from storage.unit_of_work import unit_of_work
from storage.web_models import UserRow


def _istd(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="istd")
    sub = parser.add_subparsers(dest="command")
    users.register(sub)
    audit.register(sub)
    args = parser.parse_args(argv)
    code: int = args.handler(args)
    return code


async def _user_rows(url: str) -> list[tuple[str, str, str, str]]:
    engine = create_engine(url)
    async with session_factory(engine)() as session:
        rows = (await session.execute(select(UserRow.username, UserRow.role, UserRow.gemeenten,
                                             UserRow.password_hash))).all()
    await engine.dispose()
    return [(row[0], row[1], row[2], row[3]) for row in rows]


def test_users_add_list_remove(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                               capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    monkeypatch.setattr("sys.stdin", io.StringIO("een lang wachtwoord\n"))
    assert _istd("users", "--database", url, "add", "wijk1", "--role", "team", "--gemeente", "0599",
                 "--password-stdin", "--token", "script") == 0
    out = capsys.readouterr().out
    assert "added wijk1 (team)" in out
    token = out.split("token: ")[1].strip()
    assert len(token) >= 40
    [(name, role, gemeenten, password_hash)] = asyncio.run(_user_rows(url))
    assert (name, role, gemeenten) == ("wijk1", "team", "0599")
    assert password_hash.startswith("pbkdf2_sha256$")
    assert "een lang wachtwoord" not in password_hash
    assert _istd("users", "--database", url, "list") == 0
    assert "wijk1\tteam\t0599\t" in capsys.readouterr().out
    assert _istd("users", "--database", url, "remove", "wijk1") == 0
    assert asyncio.run(_user_rows(url)) == []
    assert _istd("users", "--database", url, "remove", "wijk1") == 2
    assert "no user 'wijk1'" in capsys.readouterr().err


def test_users_add_refuses_a_short_password(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("kort\n"))
    url = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    assert _istd("users", "--database", url, "add", "x", "--role", "ops", "--password-stdin") == 2
    assert "at least 12 characters" in capsys.readouterr().err


async def _seed_audit(url: str) -> int:
    engine = create_engine(url)
    await ensure_migrated(engine)
    async with unit_of_work(session_factory(engine)) as session:
        client = ClientRow(bsn="999900006", geslachtsnaam="Jansen")
        session.add(client)
        await session.flush()
        user = await accounts.add_user(session, "wijk1", "een lang wachtwoord", "team", ["0599"])
        await audit_log.record_view(session, accounts.principal(user), client.id, "clientbeeld",
                                    "  huisbezoek   morgen ")
        client_id = client.id
    await engine.dispose()
    return client_id


def test_audit_lists_views_without_personal_data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    client_id = asyncio.run(_seed_audit(url))
    assert _istd("audit", "--database", url, "--format", "json") == 0
    [entry] = json.loads(capsys.readouterr().out)
    assert entry["user"] == "wijk1"
    assert entry["client_id"] == client_id
    assert entry["view"] == "clientbeeld"
    assert entry["reason"] == "huisbezoek morgen"
    assert _istd("audit", "--database", url, "--user", "someone-else") == 0
    out = capsys.readouterr().out
    assert out.strip() == "at\tuser\tclient_id\tview\treason\toutcome\taddress\tsession\tfilter\trows"
    assert "999900006" not in out
    assert "Jansen" not in out


def test_audit_searches_by_bsn(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    client_id = asyncio.run(_seed_audit(url))
    assert _istd("audit", "--database", url, "--bsn", "999900006", "--format", "json") == 0
    assert [e["client_id"] for e in json.loads(capsys.readouterr().out)] == [client_id]
    assert _istd("audit", "--database", url, "--bsn", "999900018", "--format", "json") == 0
    assert json.loads(capsys.readouterr().out) == []


def test_users_passwd_disable_tokens_revoke(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    monkeypatch.setattr("sys.stdin", io.StringIO("een lang wachtwoord\n"))
    assert _istd("users", "--database", url, "add", "wijk1", "--role", "team", "--gemeente", "0599",
                 "--password-stdin", "--token", "script") == 0
    [(_, _, _, before)] = asyncio.run(_user_rows(url))
    monkeypatch.setattr("sys.stdin", io.StringIO("Welkom12345678\n"))
    assert _istd("users", "--database", url, "passwd", "wijk1", "--password-stdin") == 2
    assert "too easy to guess" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("paarse fiets onder de brug\n"))
    assert _istd("users", "--database", url, "passwd", "wijk1", "--password-stdin") == 0
    [(_, _, _, after)] = asyncio.run(_user_rows(url))
    assert after != before
    capsys.readouterr()
    assert _istd("users", "--database", url, "tokens") == 0
    header, line = capsys.readouterr().out.strip().splitlines()
    assert header == "id\tusername\tlabel\tcreated\texpires\trevoked"
    token_id, name, label, _, expires, revoked = line.split("\t")
    assert (name, label, revoked) == ("wijk1", "script", "-")
    assert expires != "-"
    assert _istd("users", "--database", url, "revoke", token_id) == 0
    assert _istd("users", "--database", url, "tokens", "wijk1") == 0
    assert capsys.readouterr().out.strip().splitlines()[1].split("\t")[5] != "-"
    assert _istd("users", "--database", url, "revoke", "999") == 2
    assert _istd("users", "--database", url, "disable", "wijk1") == 0
    assert "disabled wijk1" in capsys.readouterr().out

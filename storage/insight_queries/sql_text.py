"""SQL pieces that PostgreSQL and SQLite spell differently: a timestamp's UTC day, a day as ISO text,
codepoint order of text, and a sha256 in hex (SQLite: the function storage.engine registers).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Date, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.visitors import InternalTraversal

SQLITE_SHA256 = "istd_sha256_hex"  # registered per SQLite connection by storage.engine


class _Wrap(ColumnElement[Any]):
    """One inner expression, part of the statement's cache key (the compiled SQL is cached per shape)."""

    inherit_cache = True
    _traverse_internals = [("inner", InternalTraversal.dp_clauseelement)]  # noqa: RUF012 (SQLAlchemy's protocol)

    def __init__(self, inner: ColumnElement[Any] | QueryableAttribute[Any]) -> None:
        self.inner = inner if isinstance(inner, ColumnElement) else inner.expression


class UtcDay(_Wrap):
    """The UTC calendar day of a timestamp column, as Python's `received_at.date()` reads it."""

    inherit_cache = True
    type = Date()


class IsoDay(_Wrap):
    """A date as 'YYYY-MM-DD' text, whatever the server's DateStyle."""

    inherit_cache = True
    type = String()


class Codepoint(_Wrap):
    """Text compared by codepoint, as Python sorts strings (SQLite's default; PostgreSQL's "C")."""

    inherit_cache = True
    type = String()


class Sha256Hex(_Wrap):
    """The sha256 of a text's UTF-8 bytes in lowercase hex."""

    inherit_cache = True
    type = String()


@compiles(UtcDay, "postgresql")
def _utc_day_pg(element: UtcDay, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(timezone('UTC', {compiler.process(element.inner, **kw)}) AS DATE)"


@compiles(UtcDay)
def _utc_day(element: UtcDay, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite keeps timestamps as UTC text 'YYYY-MM-DD HH:MM:SS.ffffff'.
    return f"date({compiler.process(element.inner, **kw)})"


@compiles(IsoDay, "postgresql")
def _iso_day_pg(element: IsoDay, compiler: SQLCompiler, **kw: Any) -> str:
    return f"to_char({compiler.process(element.inner, **kw)}, 'YYYY-MM-DD')"


@compiles(IsoDay)
def _iso_day(element: IsoDay, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.inner, **kw)  # dates are ISO text on SQLite already


@compiles(Codepoint, "postgresql")
def _codepoint_pg(element: Codepoint, compiler: SQLCompiler, **kw: Any) -> str:
    return f'({compiler.process(element.inner, **kw)}) COLLATE "C"'


@compiles(Codepoint)
def _codepoint(element: Codepoint, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.inner, **kw)


@compiles(Sha256Hex, "postgresql")
def _sha256_pg(element: Sha256Hex, compiler: SQLCompiler, **kw: Any) -> str:
    return f"encode(sha256(convert_to({compiler.process(element.inner, **kw)}, 'UTF8')), 'hex')"


@compiles(Sha256Hex)
def _sha256(element: Sha256Hex, compiler: SQLCompiler, **kw: Any) -> str:
    return f"{SQLITE_SHA256}({compiler.process(element.inner, **kw)})"

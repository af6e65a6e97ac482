"""SQL building blocks shared by the register's batch reads and writes and the outbox relay."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY


def one_of(column: Any, values: Iterable[Any], postgres: bool) -> ColumnElement[bool]:
    """`column IN values`; on PostgreSQL `= ANY(array)`, one SQL text for any number of values, so
    SQLAlchemy's compiled cache and asyncpg's prepared statements are reused batch after batch."""
    items = sorted(set(values))
    if postgres:
        return column == any_(bindparam(None, items, type_=ARRAY(column.type)))  # type: ignore[no-any-return]
    return column.in_(items)  # type: ignore[no-any-return]

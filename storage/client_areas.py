"""The area facts of a client per gemeente (client_areas): written with every 301, read by the wijkanalyse.

A 301 is the gemeente's own word on where its client lives and when they were born. Both write paths
(storage.commands for one message, storage.batch for many) call `upsert_areas` with the 301s they apply,
so the wijkanalyse groups counting versions by these columns and never joins back to the messages.
A row is only replaced by a later message (a higher id): replaying an older 301 does not move a client.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base


class ClientAreaRow(Base):
    """What the wijkanalyse needs of a client as one gemeente knows them: the PC4 and birth date of that
    gemeente's latest 301 (`upsert_areas` writes it with every 301, in both write paths).

    `pending`: filled by migration 0402 from a client row another gemeente's 301 wrote; the page reads
    this gemeente's own latest 301 (message_id) instead until its next 301 replaces the row.
    """

    __tablename__ = "client_areas"

    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), primary_key=True)
    gemeente: Mapped[str] = mapped_column(String(4), primary_key=True)
    pc4: Mapped[str | None] = mapped_column(String(4))
    geboortedatum: Mapped[date | None] = mapped_column(Date)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"))
    pending: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (
        # The PC4 filter of /lopend: the pairs in an area, then their versions by client.
        Index("ix_client_areas_pc4", "pc4", "gemeente"),
        # The rows still to be read from their 301 (usually none): found without a scan.
        Index("ix_client_areas_pending", "client_id", postgresql_where=text("pending IS true"),
              sqlite_where=text("pending IS 1")),
    )


@dataclass(frozen=True, slots=True)
class ClientArea:
    client_id: int
    gemeente: str
    postcode: str | None
    geboortedatum: date | None
    message_id: int


def pc4_of(postcode: str | None) -> str | None:
    """The four digits of a postcode, as storage.insight_queries.common.pc4 takes them in SQL."""
    return postcode[:4] if postcode else None


async def upsert_areas(session: AsyncSession, areas: Sequence[ClientArea]) -> None:
    """Insert or replace (when the message is later) one row per (client, gemeente); executemany."""
    if not areas:
        return
    table = ClientAreaRow.__table__
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement: Any = dialect.insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.client_id, table.c.gemeente],
        set_={name: statement.excluded[name] for name in ("pc4", "geboortedatum", "message_id", "pending")},
        where=statement.excluded.message_id >= table.c.message_id,
    )
    await session.execute(statement, [
        {"client_id": a.client_id, "gemeente": a.gemeente, "pc4": pc4_of(a.postcode),
         "geboortedatum": a.geboortedatum, "message_id": a.message_id, "pending": False} for a in areas])

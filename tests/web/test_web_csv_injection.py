"""CSV exports never hand a spreadsheet a formula: cells starting with = + - @ get a leading quote."""

from __future__ import annotations

import csv
import io

import httpx
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.web.render import csv_cell
from storage.models import ClientRow, MessageRow
from storage.unit_of_work import unit_of_work
from tests.web.web_helpers import bearer


def test_formula_cells_are_quoted_and_numbers_kept() -> None:
    assert [csv_cell(v) for v in ("=1+1", "+31", "-2", "@SUM(A1)", "\t=x", "Jansen", -2, None)] == [
        "'=1+1", "'+31", "'-2", "'@SUM(A1)", "'\t=x", "Jansen", -2, ""]


async def test_names_and_identifications_from_messages_come_out_as_text(
    client: httpx.AsyncClient, register: dict[str, str], sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with unit_of_work(sessions) as session:
        await session.execute(update(ClientRow).where(ClientRow.bsn == "999900006")
                              .values(voorletters=None, voornamen=None, geslachtsnaam="=1+1"))
        await session.execute(update(MessageRow).where(MessageRow.identificatie == "T0001")
                              .values(identificatie="=2*21"))
    team = bearer(register["wijk"])
    running = await client.get("/api/running.csv", params={"on": "2025-03-10", "format": "plain"},
                             headers=team)
    names = {row["client_name"] for row in csv.DictReader(io.StringIO(running.text))}
    assert "'=1+1" in names
    assert "=1+1" not in names
    messages = await client.get("/api/messages.csv", params={"since": "2024-01-01", "format": "plain"},
                                headers=bearer(register["beheer"]))
    identifications = {row["identificatie"] for row in csv.DictReader(io.StringIO(messages.text))}
    assert "'=2*21" in identifications
    assert "=2*21" not in identifications

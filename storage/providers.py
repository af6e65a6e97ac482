"""The provider register: replaced whole by `istd providers load`, read by the pages for names."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.insight.provider_file import Provider
from storage.web_models import ProviderRow


async def replace_providers(session: AsyncSession, providers: list[Provider], at: datetime) -> None:
    """The file is the register: every earlier name goes, in the caller's transaction."""
    await session.execute(delete(ProviderRow))
    session.add_all(ProviderRow(agb_code=p.agb_code, naam=p.naam, loaded_at=at) for p in providers)
    await session.flush()


async def all_providers(session: AsyncSession) -> list[ProviderRow]:
    return list(await session.scalars(select(ProviderRow).order_by(ProviderRow.agb_code)))


async def provider_names(session: AsyncSession) -> dict[str, str]:
    return {row.agb_code: row.naam for row in await all_providers(session)}


async def register_version(session: AsyncSession) -> tuple[datetime | None, int]:
    """When the register was last loaded and how many names it holds: a cheap test for a cached copy."""
    row = (await session.execute(select(func.max(ProviderRow.loaded_at), func.count()))).one()
    return row[0], int(row[1])

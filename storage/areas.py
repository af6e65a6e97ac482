"""The population per PC4 area: replaced whole by `istd areas load`, read by the wijkanalyse."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.insight.area_file import AreaPopulation
from storage.web_models import AreaPopulationRow


async def replace_areas(session: AsyncSession, areas: list[AreaPopulation], at: datetime) -> None:
    """The file is the table: every earlier row goes, in the caller's transaction (all or nothing)."""
    await session.execute(delete(AreaPopulationRow))
    session.add_all(AreaPopulationRow(pc4=a.pc4, inwoners=a.inwoners, wijk=a.wijk, loaded_at=at,
                                      **dict(zip(("inwoners_0_17", "inwoners_18_64", "inwoners_65_plus"),
                                                 a.by_age or (None, None, None), strict=True)))
                    for a in areas)
    await session.flush()


async def all_areas(session: AsyncSession) -> list[AreaPopulation]:
    rows = await session.scalars(select(AreaPopulationRow).order_by(AreaPopulationRow.pc4))
    return [AreaPopulation(r.pc4, r.inwoners, None if r.inwoners_0_17 is None or r.inwoners_18_64 is None
                           or r.inwoners_65_plus is None else (r.inwoners_0_17, r.inwoners_18_64,
                                                               r.inwoners_65_plus), r.wijk) for r in rows]

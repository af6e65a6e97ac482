"""A register for the wijkanalyse tests: 15 clients of gemeente 0599 in three PC4 areas, both laws.

Reference date 2025-03-10. Written through storage.commands.apply (tests.web.register_scenario).

    3011  6 Wmo clients (3 born 1950: 65+, 3 born 1990: 18-64), 2 Jeugd clients born 2015
    3012  1 Wmo client born 1980
    3013  6 Jeugd clients born 2012, running since 2024-06-01 (the others since 2025-01-01)

Every client has one allocation (categorie 02 Wmo, 45 Jeugd).
"""

from __future__ import annotations

from datetime import date, time

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.insight.area_file import AreaPopulation
from handlers.outcome import AllocationKey, RecordAllocationVersion, UpsertClient
from tests.web.register_scenario import P1, G, Scenario

ON = date(2025, 3, 10)
BSNS = ("999900006", "999900018", "999900031", "999900043", "999900055", "999900067", "999900079",
        "999900080", "999900092", "999900109", "999900110", "999900122", "999900134", "999900146",
        "999900158")
# (postcode, birth date, standard, start) per client, in BSNS order.
CLIENTS = (
    *[("3011AB", date(1950, 5, 1), "iwmo", date(2025, 1, 1))] * 3,
    *[("3011AC", date(1990, 5, 1), "iwmo", date(2025, 1, 1))] * 3,
    *[("3011AD", date(2015, 5, 1), "ijw", date(2025, 1, 1))] * 2,
    ("3012CD", date(1980, 5, 1), "iwmo", date(2025, 1, 1)),
    *[("3013EF", date(2012, 5, 1), "ijw", date(2024, 6, 1))] * 6,
)
POPULATION = [AreaPopulation("3011", 2000, (400, 1200, 400)), AreaPopulation("3012", 1000, (200, 600, 200)),
              AreaPopulation("3013", 500, (100, 300, 100))]
WIJKEN = [AreaPopulation("3011", 2000, (400, 1200, 400), "Centrum"),
          AreaPopulation("3012", 1000, (200, 600, 200), "Centrum"),
          AreaPopulation("3013", 500, (100, 300, 100), "Noord")]


async def build(session: AsyncSession) -> None:
    s = Scenario(session)
    for n, (bsn, (postcode, born, standard, start)) in enumerate(zip(BSNS, CLIENTS, strict=True)):
        client = UpsertClient(bsn, f"Achternaam{n}", None, None, "A", born, "Hoofdstraat", n + 1, None, None,
                              postcode, "Rotterdam", full=True)
        version = RecordAllocationVersion(AllocationKey(standard, G, 7000 + n), bsn, P1, start,
                                          start, time(10), "02" if standard == "iwmo" else "45")
        await s.message("JW301" if standard == "ijw" else "WMO301", G, P1, start, [client, version])

"""A varied register for the derived wijkanalyse and household tables (test_area_tables.py).

About 60 clients of three gemeenten (some known to two, at different addresses), sharing a dozen
addresses (with and without huisletter and toevoeging), born on and around the age groups' cutoffs
of the test days (and unknown); one to three allocations each under either law, of several categories
(one without), five providers, begun from 2024 to mid-2025, some ending, some with a later version
that shortens or deletes them (RedenWijziging 13). Seeded: the same register every run. Test BSNs
(9999xxxxx, elfproef-valid) only.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.outcome import AllocationKey, RecordAllocationVersion, UpsertClient
from tests.web.register_scenario import OTHER, G, Scenario

GEMEENTEN = (G, OTHER, "0363")
PROVIDERS = ("12345678", "87654321", "11112222", "33334444", "55556666")
DAYS = (date(2025, 3, 10), date(2025, 2, 28), date(2024, 12, 31))
BIRTHS = (None, date(2007, 3, 10), date(2007, 3, 11), date(1960, 3, 10), date(1960, 3, 11), date(1990, 1, 1),
          date(2008, 2, 29), date(1945, 6, 1), date(2015, 5, 5), date(2006, 12, 31))
CATEGORIES = {"iwmo": ("02", "03", "04", None), "ijw": ("45", "46", "02")}


def valid_bsns() -> Iterator[str]:
    """BSNs of the test range 9999xxxxx that pass the elfproef, in order."""
    for n in range(100000):
        digits = [int(d) for d in f"9999{n:05d}"]
        if sum(d * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) % 11 == digits[8]:
            yield "".join(map(str, digits))


async def build(session: AsyncSession, clients: int = 60) -> None:
    rng, s = random.Random(20261207), Scenario(session)
    addresses = [(f"30{11 + i % 4}A{'BCD'[i % 3]}", 1 + i, rng.choice((None, "A")), rng.choice((None, "2")))
                 for i in range(12)]
    number = 5000
    bsns = valid_bsns()
    for n in range(clients):
        bsn = next(bsns)
        postcode, huisnummer, letter, toevoeging = rng.choice(addresses)
        born = rng.choice(BIRTHS)
        for gemeente in rng.sample(GEMEENTEN, rng.choice((1, 1, 1, 2))):
            if rng.random() < 0.25:  # this gemeente knows them at another address
                postcode = f"35{rng.randrange(11, 14)}XY"
            client = UpsertClient(bsn, f"Naam{n}", None, None, "A", born, "Hoofdstraat", huisnummer, letter,
                                  toevoeging, postcode, "Plaats", full=True)
            for _ in range(rng.randrange(1, 4)):
                number += 1
                standard = rng.choice(("iwmo", "ijw"))
                key, provider = AllocationKey(standard, gemeente, number), rng.choice(PROVIDERS)
                categorie = rng.choice(CATEGORIES[standard])
                ingang = date(2024, 1, 1) + timedelta(days=rng.randrange(0, 520))
                eind = ingang + timedelta(days=rng.randrange(30, 400)) if rng.random() < 0.6 else None
                name = "JW301" if standard == "ijw" else "WMO301"
                version = RecordAllocationVersion(key, bsn, provider, ingang, ingang, time(10), categorie,
                                                  None, eind)
                await s.message(name, gemeente, provider, ingang, [client, version])
                if rng.random() < 0.2:  # a later version: shortened, or deleted
                    later = ingang + timedelta(days=20)
                    reden = rng.choice(("01", "13"))
                    version = RecordAllocationVersion(key, bsn, provider, ingang, later, time(11), categorie,
                                                      None, later + timedelta(days=10), reden)
                    await s.message(name, gemeente, provider, later, [client, version])

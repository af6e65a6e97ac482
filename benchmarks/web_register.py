"""A register of N allocations for the insight benchmarks (PostgreSQL by COPY, SQLite by executemany).

    .venv/bin/python benchmarks/web_register.py --url postgresql://postgres@127.0.0.1:5432/istd_webbench
    .venv/bin/python benchmarks/web_register.py --url sqlite:///var/bench/insight.sqlite3

The spread follows what a region of municipalities sees: six gemeenten of different size, a few hundred
providers with a long tail, Wmo and Jeugd product categories, allocations granted over five years for
3 to 24 months (some open-ended, some retroactive), 15% with a second version, households of one to
four clients sharing an address, PC4 areas per gemeente, starts for most allocations and stops (final
or temporary) for some. The schema comes from the migrations; rows go straight into the tables.

The BSN-shaped numbers deliberately FAIL the elfproef, so none can be a real person's BSN (the 9999xxxxx
test range holds too few valid numbers for 400,000 clients); names come from a short list of common
surnames. A PostgreSQL target database is dropped and created again: give it a name of its own.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from typing import Any

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy.engine import make_url

from storage.engine import create_engine, ensure_migrated

GEMEENTEN = {"0599": 30, "0344": 18, "0363": 40, "0518": 25, "0772": 12, "0014": 10}  # code: weight
PC4_RANGE = {"0599": (3000, 3089), "0344": (3500, 3585), "0363": (1000, 1109), "0518": (2490, 2599),
             "0772": (5600, 5658), "0014": (9700, 9747)}
WMO_CATEGORIES = ["01", "02", "03", "04", "05", "06", "07", "08", "10", "11", "14", "15", "16"]
JW_CATEGORIES = ["40", "41", "42", "43", "44", "45", "46", "47", "48", "49", "50", "51", "52", "53", "54"]
SURNAMES = ["Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder",
            "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit",
            "Dijkstra", "Smits", "de Graaf", "van der Meer", "van der Linden", "Kok", "Jacobs", "Vermeulen"]
LETTERS = "ABCDEGHJKLMNPRSTVWXZ"
FIRST_DAY, DAYS = date(2021, 1, 1), 5 * 365
RECEIVED = datetime(2025, 1, 1, tzinfo=UTC)


def _not_a_bsn(i: int) -> str:
    """A nine-digit number that fails the elfproef: never a real BSN."""
    digits = [int(d) for d in f"{100000000 + i * 7:09d}"]
    total = sum(d * w for d, w in zip(digits, (9, 8, 7, 6, 5, 4, 3, 2, -1), strict=True))
    if total % 11 == 0:
        digits[-1] = (digits[-1] + 1) % 10
    return "".join(map(str, digits))


@dataclass
class Register:
    """Rows per table, as tuples in the column order of `COLUMNS`."""

    tables: dict[str, list[tuple[Any, ...]]] = field(default_factory=lambda: {t: [] for t in COLUMNS})


COLUMNS: dict[str, tuple[str, ...]] = {
    "messages": ("id", "sha256", "raw", "standard", "message_name", "sender", "receiver", "identificatie",
                 "received_at", "direction", "status", "codes", "findings"),
    "clients": ("id", "public_id", "bsn", "geslachtsnaam", "voorletters", "geboortedatum", "straatnaam",
                "huisnummer", "postcode", "plaatsnaam"),
    "allocations": ("id", "standard", "gemeente", "toewijzingnummer"),
    "allocation_versions": (
        "id", "allocation_id", "message_id", "client_id", "aanbieder", "product_categorie", "product_code",
        "ingangsdatum", "einddatum", "toewijzingsdatum", "toewijzingstijd", "reden_wijziging", "volume",
        "eenheid", "frequentie", "deleted", "voided", "is_current"),
    "deliveries": ("id", "standard", "gemeente", "aanbieder", "client_id", "kind", "toewijzingnummer",
                   "product_categorie", "product_code", "begindatum", "reden_beeindiging", "einddatum",
                   "message_id"),
}


def _clients(rng: random.Random, n: int) -> Iterator[tuple[Any, ...]]:
    """Clients in households of 1-4 at one address; yields (row, gemeente) per client."""
    i = 0
    gemeenten, weights = list(GEMEENTEN), list(GEMEENTEN.values())
    while i < n:
        gemeente = rng.choices(gemeenten, weights)[0]
        low, high = PC4_RANGE[gemeente]
        postcode = f"{rng.randint(low, high)}{rng.choice(LETTERS)}{rng.choice(LETTERS)}"
        number, surname = rng.randint(1, 250), rng.choice(SURNAMES)
        for _ in range(min(rng.choices((1, 2, 3, 4), (55, 25, 12, 8))[0], n - i)):
            i += 1
            born = FIRST_DAY - timedelta(days=rng.randint(2 * 365, 90 * 365))
            yield (i, f"b{i:014d}", _not_a_bsn(i), surname, rng.choice("ABCDEFGHJKLMNPRSTW"), born,
                   "Dorpsstraat", number, postcode, "Plaats"), gemeente


def _providers(rng: random.Random) -> tuple[list[str], list[float]]:
    codes = [f"{rng.randint(10000000, 99999999):08d}" for _ in range(400)]
    return codes, [1 / (rank + 1) ** 0.8 for rank in range(400)]  # a long tail: few large, many small


def _allocation(rng: random.Random, reg: Register, ids: dict[str, int], client: tuple[Any, ...],
                gemeente: str, providers: tuple[list[str], list[float]]) -> None:
    jeugd = client[5] > FIRST_DAY - timedelta(days=18 * 365)
    standard = "ijw" if jeugd else "iwmo"
    category = rng.choice(JW_CATEGORIES if jeugd else WMO_CATEGORIES)
    code = f"{category}{rng.choice('ABC')}{rng.randint(1, 20):02d}"
    granted = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
    ingang = granted + timedelta(days=rng.randint(-30, 30))  # some retroactive
    months = rng.choices((3, 6, 12, 24, 0), (15, 25, 35, 15, 10))[0]
    einde = ingang + timedelta(days=months * 30) if months else None
    aanbieder = rng.choices(*providers)[0]
    ids["allocation"] += 1
    allocation = ids["allocation"]
    reg.tables["allocations"].append((allocation, standard, gemeente, allocation))
    message = allocation // 20 + 1
    versions = [(ingang, einde, granted)]
    if rng.random() < 0.15 and einde:  # a change: the end moved (shortened or extended)
        moved = einde + timedelta(days=rng.choice((-60, 30, 90)))
        versions.append((ingang, moved, granted + timedelta(days=45)))
    for number, (start, end, day) in enumerate(versions, 1):
        ids["version"] += 1
        reg.tables["allocation_versions"].append((
            ids["version"], allocation, message, client[0], aanbieder, category, code, start, end, day,
            clock(9, number), "01" if number > 1 else None, rng.randint(1, 40), "04", "2",
            False, False, number == len(versions)))
    _deliveries(rng, reg, ids, (standard, gemeente, aanbieder, client[0], allocation, category, code),
                versions[-1][0], versions[-1][1], message)


def _deliveries(rng: random.Random, reg: Register, ids: dict[str, int], key: tuple[Any, ...], ingang: date,
                einde: date | None, message: int) -> None:
    """Most allocations start within weeks; some stop (final, or temporarily with reden 20)."""
    if rng.random() < 0.12:
        return
    begin = ingang + timedelta(days=rng.randint(0, 25))
    ids["delivery"] += 1
    start = (ids["delivery"], *key[:4], "start", *key[4:], begin, None, None, message)
    reg.tables["deliveries"].append(start)
    if rng.random() < 0.35:
        stop = begin + timedelta(days=rng.randint(20, 400))
        if einde and stop > einde:
            stop = einde
        reason = rng.choices(("01", "02", "20", "09"), (40, 20, 25, 15))[0]
        ids["delivery"] += 1
        reg.tables["deliveries"].append((ids["delivery"], *key[:4], "stop", *key[4:], begin, reason, stop,
                                         message))


def generate(n: int, seed: int = 42) -> Register:
    rng = random.Random(seed)
    reg, ids = Register(), {"allocation": 0, "version": 0, "delivery": 0}
    providers = _providers(rng)
    clients = list(_clients(rng, n * 2 // 5))  # 2.5 allocations per client on average
    for client, _ in clients:
        reg.tables["clients"].append(client)
    while ids["allocation"] < n:
        client, gemeente = clients[rng.randrange(len(clients))]
        _allocation(rng, reg, ids, client, gemeente, providers)
    reg.tables["messages"] = [(i, f"{i:064x}", b"", "iwmo", "WMO301", "0599", "12345678", f"B{i:07d}",
                               RECEIVED, "in", "recorded", "[]", "[]") for i in range(1, n // 20 + 2)]
    return reg


async def load_postgres(url: str, reg: Register) -> None:
    """Recreate the database, migrate it, COPY every table, then ANALYZE."""
    target = make_url(url)
    admin = await asyncpg.connect(host=target.host, port=target.port, user=target.username,
                                  database="postgres")
    await admin.execute(f'DROP DATABASE IF EXISTS "{target.database}"')
    await admin.execute(f'CREATE DATABASE "{target.database}"')
    await admin.close()
    engine = create_engine(url)
    await ensure_migrated(engine)
    await engine.dispose()
    db = await asyncpg.connect(host=target.host, port=target.port, user=target.username,
                               database=target.database)
    for table, rows in reg.tables.items():
        await db.copy_records_to_table(table, records=rows, columns=list(COLUMNS[table]))
        await db.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {len(rows) + 1})")
    await db.execute("VACUUM ANALYZE")  # the visibility map lets index-only scans skip the heap
    await db.close()


def _sqlite_value(value: Any) -> Any:
    """Dates and times as SQLAlchemy writes them on SQLite (ISO text)."""
    if isinstance(value, clock):
        return value.strftime("%H:%M:%S.%f")
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    return value.isoformat() if isinstance(value, date) else value


async def load_sqlite(url: str, reg: Register) -> None:
    path = make_url(url).database
    assert path
    engine = create_engine(url)
    await ensure_migrated(engine)
    await engine.dispose()
    db = sqlite3.connect(path)
    for table, rows in reg.tables.items():
        marks = ", ".join("?" * len(COLUMNS[table]))
        db.executemany(f"INSERT INTO {table} ({', '.join(COLUMNS[table])}) VALUES ({marks})",
                       ([_sqlite_value(v) for v in row] for row in rows))
    db.commit()
    db.execute("ANALYZE")
    db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/istd_webbench")
    parser.add_argument("--allocations", type=int, default=1_000_000)
    args = parser.parse_args()
    began = time.perf_counter()
    reg = generate(args.allocations)
    counts = ", ".join(f"{table} {len(rows):,}" for table, rows in reg.tables.items())
    print(f"generated in {time.perf_counter() - began:.0f} s: {counts}")
    began = time.perf_counter()
    sqlite = make_url(args.url).get_backend_name() == "sqlite"
    asyncio.run(load_sqlite(args.url, reg) if sqlite else load_postgres(args.url, reg))
    print(f"loaded into {make_url(args.url).get_backend_name()} in {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()

"""A register of N allocations for the insight benchmarks (PostgreSQL by COPY, SQLite by executemany).

    .venv/bin/python benchmarks/web_register.py --url postgresql://postgres@127.0.0.1:5432/istd_webbench
    .venv/bin/python benchmarks/web_register.py --url sqlite:///var/bench/insight.sqlite3

The spread follows what a region of municipalities sees: six gemeenten of different size, a few hundred
providers with a long tail, Wmo and Jeugd product categories, allocations granted over five years for
3 to 24 months (some open-ended, some retroactive), 15% with a second version, households of one to
four clients sharing an address, PC4 areas per gemeente, starts for most allocations and stops (final
or temporary) for some. Around them (benchmarks/web_register_exchanges.py): each 301, 305, 307 its own
message with the provider's retour on ours; a third of the allocations asked for by a 315 (a change by
a 317) and 5% of requests never honoured (rejected or under investigation by a 319, or not answered);
monthly declarations (323, judged per Prestatie, 325 sent) for a third of the started allocations from
2024 to mid-2025; the provider register, web users with tokens, their audit trail and signal marks.
The schema comes from the migrations; rows go straight into the tables. The generator is seeded: the
same --allocations gives the same register.

The BSN-shaped numbers deliberately FAIL the elfproef, so none can be a real person's BSN (the 9999xxxxx
test range holds too few valid numbers for 400,000 clients), except the first thousand clients', which
are valid numbers of that test range (the search by BSN accepts valid numbers only). Names and streets
are made up from parts, beside a short list of common surnames. A PostgreSQL target database is dropped
and created again: give it a name of its own.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from typing import Any

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy.engine import make_url
from web_register_exchanges import (
    EXCHANGE_COLUMNS,
    MESSAGE_COLUMNS,
    Claimable,
    Exchanges,
    add_claims,
    add_people,
    add_request,
)

from gateway.web.security import hash_password, token_digest
from storage.engine import create_engine, ensure_migrated

GEMEENTEN = {"0599": 30, "0344": 18, "0363": 40, "0518": 25, "0772": 12, "0014": 10}  # code: weight
PC4_RANGE = {"0599": (3000, 3089), "0344": (3500, 3585), "0363": (1000, 1109), "0518": (2490, 2599),
             "0772": (5600, 5658), "0014": (9700, 9747)}
PLAATS = {"0599": "Rotterdam", "0344": "Utrecht", "0363": "Amsterdam", "0518": "'s-Gravenhage",
          "0772": "Eindhoven", "0014": "Groningen"}
WMO_CATEGORIES = ["01", "02", "03", "04", "05", "06", "07", "08", "10", "11", "14", "15", "16"]
JW_CATEGORIES = ["40", "41", "42", "43", "44", "45", "46", "47", "48", "49", "50", "51", "52", "53", "54"]
SURNAMES = ["Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder",
            "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit",
            "Dijkstra", "Smits", "de Graaf", "van der Meer", "van der Linden", "Kok", "Jacobs", "Vermeulen"]
# Made-up surnames and streets from parts: a long tail of rare names beside the common ones above.
STEMS = ["Ber", "Hoog", "Lange", "Wester", "Ooster", "Zuider", "Noord", "Vliet", "Brink", "Hol", "Kamp",
         "Molen", "Linde", "Esch", "Hei", "Veen", "Wijn", "Rijn", "Maas", "Dijk", "Sterk", "Blom", "Haver"]
ENDS = ["kamp", "hout", "man", "huis", "veld", "berg", "stra", "ink", "ing", "beek", "dijk", "hof", "sma",
        "horst", "land", "broek", "water", "weg", "rust", "ma"]
STREET_ENDS = ["straat", "laan", "weg", "plein", "singel", "kade", "hof", "dreef", "pad", "gracht"]
FIRST_NAMES = ["Anna", "Bram", "Daan", "Emma", "Fatima", "Fleur", "Hendrik", "Ilse", "Johan", "Julia",
               "Kees", "Lotte", "Mohamed", "Noah", "Olga", "Pieter", "Sanne", "Sem", "Tess", "Willem",
               "Yara", "Zeynep"]
LETTERS = "ABCDEGHJKLMNPRSTVWXZ"
FIRST_DAY, DAYS = date(2021, 1, 1), 5 * 365


def _elfproef(digits: list[int]) -> bool:
    return sum(d * w for d, w in zip(digits, (9, 8, 7, 6, 5, 4, 3, 2, -1), strict=True)) % 11 == 0


TEST_BSNS = [n for n in (f"9999{i:05d}" for i in range(100_000)) if _elfproef([int(d) for d in n])][:1000]


def _bsn(i: int) -> str:
    """The first thousand clients get a test BSN (9999xxxxx, valid, for the search by BSN); the rest none."""
    return TEST_BSNS[i - 1] if i <= len(TEST_BSNS) else _not_a_bsn(i)


def _not_a_bsn(i: int) -> str:
    """A nine-digit number that fails the elfproef: never a real BSN."""
    digits = [int(d) for d in f"{100000000 + i * 7:09d}"]
    if _elfproef(digits):
        digits[-1] = (digits[-1] + 1) % 10
    return "".join(map(str, digits))


@dataclass
class Register:
    """Rows per table, as tuples in the column order of `COLUMNS`."""

    tables: dict[str, list[tuple[Any, ...]]] = field(default_factory=lambda: {t: [] for t in COLUMNS})


COLUMNS: dict[str, tuple[str, ...]] = {
    "messages": MESSAGE_COLUMNS,
    "clients": ("id", "public_id", "bsn", "geslachtsnaam", "voornamen", "voorletters", "geboortedatum",
                "straatnaam", "huisnummer", "postcode", "plaatsnaam", "updated_by_message_id"),
    # Each generated client has allocations of one gemeente only, so its row there is the client row's.
    "client_areas": ("client_id", "gemeente", "pc4", "geboortedatum", "message_id", "pending"),
    "allocations": ("id", "standard", "gemeente", "toewijzingnummer"),
    "allocation_versions": (
        "id", "allocation_id", "message_id", "client_id", "aanbieder", "product_categorie", "product_code",
        "ingangsdatum", "einddatum", "toewijzingsdatum", "toewijzingstijd", "reden_wijziging", "volume",
        "eenheid", "frequentie", "referentie_aanbieder", "deleted", "voided", "is_current"),
    "deliveries": ("id", "standard", "gemeente", "aanbieder", "client_id", "kind", "toewijzingnummer",
                   "product_categorie", "product_code", "toewijzing_ingangsdatum", "begindatum",
                   "reden_beeindiging", "einddatum", "message_id"),
    **EXCHANGE_COLUMNS,
}
BORN, POSTCODE = 6, 9  # the positions of geboortedatum and postcode in a client row


def _surname(rng: random.Random) -> str:
    if rng.random() < 0.35:
        return rng.choice(SURNAMES)
    return rng.choice(STEMS) + rng.choice(ENDS)


def _clients(rng: random.Random, n: int) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Clients in households of 1-4 at one address; yields (row, gemeente) per client."""
    i = 0
    gemeenten, weights = list(GEMEENTEN), list(GEMEENTEN.values())
    while i < n:
        gemeente = rng.choices(gemeenten, weights)[0]
        low, high = PC4_RANGE[gemeente]
        postcode = f"{rng.randint(low, high)}{rng.choice(LETTERS)}{rng.choice(LETTERS)}"
        street = rng.choice(STEMS) + rng.choice(ENDS) + rng.choice(STREET_ENDS)
        number, surname = rng.randint(1, 250), _surname(rng)
        for _ in range(min(rng.choices((1, 2, 3, 4), (55, 25, 12, 8))[0], n - i)):
            i += 1
            born = FIRST_DAY - timedelta(days=rng.randint(2 * 365, 90 * 365))
            first = rng.choice(FIRST_NAMES)
            yield (i, f"b{i:014d}", _bsn(i), surname, first, first[0], born, street[:24], number,
                   postcode, PLAATS[gemeente]), gemeente


def _providers(rng: random.Random) -> tuple[list[str], list[float]]:
    codes = [f"{rng.randint(10000000, 99999999):08d}" for _ in range(400)]
    return codes, [1 / (rank + 1) ** 0.8 for rank in range(400)]  # a long tail: few large, many small


@dataclass
class Build:
    """What the generator carries from one allocation to the next."""

    rng: random.Random
    reg: Register
    ex: Exchanges
    providers: tuple[list[str], list[float]]
    ids: dict[str, int] = field(default_factory=lambda: {"allocation": 0, "version": 0, "delivery": 0})
    claimable: list[Claimable] = field(default_factory=list)
    written_by: dict[int, int] = field(default_factory=dict)  # client id: the latest 301 about the client


def _allocation(b: Build, client: tuple[Any, ...], gemeente: str) -> None:
    rng, reg, ids = b.rng, b.reg, b.ids
    jeugd = client[BORN] > FIRST_DAY - timedelta(days=18 * 365)
    standard = "ijw" if jeugd else "iwmo"
    category = rng.choice(JW_CATEGORIES if jeugd else WMO_CATEGORIES)
    code = f"{category}{rng.choice('ABC')}{rng.randint(1, 20):02d}"
    granted = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
    ingang = granted + timedelta(days=rng.randint(-30, 30))  # some retroactive
    months = rng.choices((3, 6, 12, 24, 0), (15, 25, 35, 15, 10))[0]
    einde = ingang + timedelta(days=months * 30) if months else None
    aanbieder = rng.choices(*b.providers)[0]
    ids["allocation"] += 1
    allocation = ids["allocation"]
    reg.tables["allocations"].append((allocation, standard, gemeente, allocation))
    versions = [(ingang, einde, granted, "vot" if rng.random() < 0.33 else None)]
    if rng.random() < 0.15 and einde:  # a change: the end moved (shortened or extended)
        moved = einde + timedelta(days=rng.choice((-60, 30, 90)))
        versions.append((ingang, moved, granted + timedelta(days=45), "vow" if rng.random() < 0.4 else None))
    volume = rng.randint(1, 40)
    for number, (start, end, day, asked) in enumerate(versions, 1):
        ids["version"] += 1
        message = b.ex.own_heen(standard, 301, gemeente, aanbieder, day)
        b.written_by[client[0]] = message
        reference = f"{asked.upper()}{allocation:010d}{number}" if asked else None
        reg.tables["allocation_versions"].append((
            ids["version"], allocation, message, client[0], aanbieder, category, code, start, end, day,
            clock(9, number), "01" if number > 1 else None, volume, "04", "2", reference,
            False, False, number == len(versions)))
        if asked and reference:
            details = ({"product_categorie": category, "product_code": code, "toewijzing_ingangsdatum":
                        start.isoformat(), "volume": volume} if asked == "vot" else
                       {"reden_verzoek": "01", "te_wijzigen": str(allocation)})
            add_request(b.ex, (standard, gemeente, aanbieder, client[0]), asked, reference,
                        day - timedelta(days=rng.randint(3, 50)), details, message)
    if rng.random() < 0.05:  # a request the gemeente did not honour (rejected, in onderzoek, or open)
        reference = f"VOT{allocation:010d}X"
        add_request(b.ex, (standard, gemeente, aanbieder, client[0]), "vot", reference,
                    granted + timedelta(days=rng.randint(0, 90)), {"product_categorie": category}, None)
    key = (standard, gemeente, aanbieder, client[0], allocation, category, code, ingang)
    if _deliveries(b, key, versions[-1][1]):
        claimable = rng.random() < 0.33 and (einde is None or einde >= date(2024, 1, 1))
        if claimable:
            b.claimable.append(Claimable(standard, gemeente, aanbieder, client[0], allocation, ids["version"],
                                         category, code, max(ingang, granted), versions[-1][1], volume))


def _deliveries(b: Build, key: tuple[Any, ...], einde: date | None) -> bool:
    """Most allocations start within weeks; some stop (final, or temporarily with reden 20)."""
    rng, ids = b.rng, b.ids
    if rng.random() < 0.12:
        return False
    standard, gemeente, aanbieder, client, nummer, category, code, ingang = key
    begin = ingang + timedelta(days=rng.randint(0, 25))
    ids["delivery"] += 1
    sent = begin + timedelta(days=rng.randint(0, 5))
    message = b.ex.provider_heen(standard, 305, aanbieder, gemeente, sent)
    b.reg.tables["deliveries"].append((ids["delivery"], standard, gemeente, aanbieder, client, "start",
                                       nummer, category, code, ingang, begin, None, None, message))
    if rng.random() < 0.35:
        stop = begin + timedelta(days=rng.randint(20, 400))
        if einde and stop > einde:
            stop = einde
        reason = rng.choices(("01", "02", "20", "09"), (40, 20, 25, 15))[0]
        ids["delivery"] += 1
        sent = stop + timedelta(days=rng.randint(0, 5))
        message = b.ex.provider_heen(standard, 307, aanbieder, gemeente, sent)
        b.reg.tables["deliveries"].append((ids["delivery"], standard, gemeente, aanbieder, client, "stop",
                                           nummer, category, code, ingang, begin, reason, stop, message))
    return True


def generate(n: int, seed: int = 42) -> Register:
    rng = random.Random(seed)
    reg = Register()
    build = Build(rng, reg, Exchanges(rng, reg.tables), _providers(rng))
    clients = list(_clients(rng, n * 2 // 5))  # 2.5 allocations per client on average
    while build.ids["allocation"] < n:
        client, gemeente = clients[rng.randrange(len(clients))]
        _allocation(build, client, gemeente)
    reg.tables["clients"] = [(*client, build.written_by.get(client[0])) for client, _ in clients]
    reg.tables["client_areas"] = [(client[0], gemeente, client[POSTCODE][:4], client[BORN],
                                   build.written_by[client[0]], False)
                                  for client, gemeente in clients if client[0] in build.written_by]
    add_claims(build.ex, build.claimable)
    add_people(build.ex, list(GEMEENTEN), build.providers[0], len(clients), DAYS, FIRST_DAY, hash_password,
               token_digest)
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
        if "id" in COLUMNS[table]:
            await db.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                             f"coalesce(max(id), 0) + 1, false) FROM {table}")
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

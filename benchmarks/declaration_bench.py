"""One large declaration: a 323 with --lines Prestaties over --clients clients judged and answered.

    python benchmarks/declaration_bench.py [--clients 2000] [--lines 10000] [--database URL]

Sets up one allocation per client (2024, 10 hours per week) with 301s on the batch path, then times
`Processor.process` of one 323 (judge every Prestatie, record the declaration and its lines, build
and queue the 325) in one transaction, on a temporary SQLite file unless --database names another.
Prints prestaties per second next to the ceiling it is compared with: the bare work on the same
bytes (hardened parse, XSD validation, decode, one executemany of one row per Prestatie into a bare
table), and the issue's target of 2 s for 10,000 Prestaties.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import BigInteger, Column, Integer, MetaData, String, Table  # noqa: E402
from sqlalchemy.ext.asyncio import create_async_engine  # noqa: E402

from gateway import codec  # noqa: E402 - after the path set-up, like the other benchmarks
from gateway.processing.batch import BatchItem  # noqa: E402
from gateway.processing.processor import Processor  # noqa: E402
from gateway.settings import Settings  # noqa: E402
from handlers.messages import DeclaratieBericht  # noqa: E402
from storage.engine import create_engine, ensure_migrated, normalise_url, session_factory  # noqa: E402
from storage.unit_of_work import unit_of_work  # noqa: E402

TARGET_S_PER_10000 = 2.0
TODAY = date(2024, 6, 5)
metadata = MetaData()
bare = Table("bare_lines", metadata, Column("id", Integer, primary_key=True), Column("ref", String(20)),
             Column("bedrag", BigInteger))  # fmt: skip


def _messages() -> ModuleType:
    path = ROOT / "tests" / "declarations" / "declaratie_messages.py"
    spec = importlib.util.spec_from_file_location("declaratie_messages", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_bsn(i: int) -> str:
    """The i-th 11-proof BSN in the 9999xxxxx test range (about one in eleven numbers fits)."""
    found = -1
    for n in range(100000):
        digits = f"9999{n:05d}"
        total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - int(digits[8])
        if total % 11 == 0:
            found += 1
            if found == i:
                return digits
    raise ValueError("not that many test BSNs")


def build(m: ModuleType, clients: int, lines: int) -> tuple[list[bytes], bytes]:
    """The 301s (one allocation per client) and the 323 (lines spread over the clients, Jan-May)."""
    bsns = [test_bsn(i) for i in range(clients)]
    allocations = [m.toewijzing("iwmo", f"T{i}", date(2024, 1, 5), m.Allocated(nr=10000 + i), bsn=bsn)
                   for i, bsn in enumerate(bsns)]  # fmt: skip
    per_client = -(-lines // clients)
    months = [(date(2024, k, 1), date(2024, k, (31, 29, 31, 30, 31)[k - 1])) for k in range(1, 6)]
    claims, left = [], lines
    for i, bsn in enumerate(bsns):
        count = min(per_client, left, len(months))
        left -= count
        claims.append((bsn, tuple(m.Line(f"R{i}-{k}", nr=10000 + i, begin=months[k][0], end=months[k][1])
                                  for k in range(count))))  # fmt: skip
    if left:
        raise ValueError("at most 5 Prestaties per client (one per month, January to May 2024)")
    raw = m.declaratie("iwmo", "DBENCH", date(2024, 6, 3), "NBENCH", *claims, periode=months[-1])
    return allocations, raw


async def ceiling(url: str, raw: bytes) -> float:
    """Seconds for the bare work on the same bytes: parse, XSD, decode, one executemany per line."""
    engine = create_async_engine(normalise_url(url))
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    started = time.perf_counter()
    doc = codec.parse(raw, max_bytes=Settings().parser.max_bytes)
    assert codec.validate_xsd(doc) == []
    msg = codec.decode(doc)
    assert isinstance(msg, DeclaratieBericht)
    rows = [{"ref": p.referentienummer, "bedrag": p.ingediend_bedrag.bedrag}
            for c in msg.declaratie.clienten for p in c.prestaties]  # fmt: skip
    async with engine.begin() as connection:
        await connection.execute(bare.insert(), rows)
    took = time.perf_counter() - started
    await engine.dispose()
    return took


async def run(url: str, clients: int, lines: int) -> None:
    allocations, raw = build(_messages(), clients, lines)
    engine = create_engine(url)
    await ensure_migrated(engine)
    processor = Processor(Settings())
    sessions = session_factory(engine)
    now = datetime.now(UTC)
    for start in range(0, len(allocations), 500):
        items = [BatchItem(body, now) for body in allocations[start : start + 500]]
        async with unit_of_work(sessions) as session:
            done = await processor.process_batch(session, items, TODAY)
        assert {d.outcome for d in done} == {"recorded"}, {d.outcome for d in done}
    started = time.perf_counter()
    async with unit_of_work(sessions) as session:
        result = await processor.process(session, raw, received_at=now, today=TODAY)
    took = time.perf_counter() - started
    await engine.dispose()
    assert result.outcome == "accepted", (result.outcome, result.codes[:5])
    bare_s = await ceiling(url, raw)
    target = TARGET_S_PER_10000 * lines / 10000
    print(f"323 of {len(raw) / 2**20:.1f} MiB, {lines} Prestaties over {clients} clients: judged, recorded "
          f"and answered in {took:.2f} s = {lines / took:.0f} Prestaties/s")
    print(f"ceiling (parse + XSD + decode + one executemany of the lines): {bare_s:.2f} s = "
          f"{lines / bare_s:.0f} Prestaties/s; target: {target:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=2000)
    parser.add_argument("--lines", type=int, default=10000)
    parser.add_argument("--database", help="database URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        asyncio.run(run(url, args.clients, args.lines))


if __name__ == "__main__":
    main()

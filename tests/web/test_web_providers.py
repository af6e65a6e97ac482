"""Names, not codes: the provider register file, `istd providers load|list` and the names on the pages."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from web_helpers import login

from handlers.insight.provider_file import Provider, ProviderFileError, read_providers
from storage.models import ClientRow
from storage.providers import replace_providers
from storage.unit_of_work import unit_of_work

ISTD = Path(sys.executable).with_name("istd")
GOOD = "\ufeffAGB_code;Naam\n12345678;Zorg Noord B.V.\n87654321;  Thuishulp   Zuid \n".encode()


def test_the_file_is_read_whole_in_either_separator() -> None:
    assert read_providers(GOOD) == [Provider("12345678", "Zorg Noord B.V."),
                                    Provider("87654321", "Thuishulp Zuid")]
    assert read_providers(b"naam,agb,plaats\n\"Zorg, Noord\",12345678,Rotterdam\n\n") == [
        Provider("12345678", "Zorg, Noord")]


@pytest.mark.parametrize(("data", "says"), [
    (b"", "line 1: the file is empty"),
    (b"code;naam\n12345678;Zorg\n", "line 1: the header must name the columns agb_code and naam"),
    (b"agb;naam\n12345678;Zorg\n1234567;Kort\n", "line 3: AGB code '1234567' is not 8 digits"),
    (b"agb;naam\n12345678;Zorg\n12345678;Weer\n", "line 3: AGB code 12345678 appears twice"),
    (b"agb;naam\n12345678;\n", "line 2: the name must be 1 to 200 characters"),
    (b"agb;naam\n12345678\n", "line 2: expected an AGB code and a name"),
    (b"agb;naam\n12345678;Zorg\n87654321;Caf\xe9\n", "line 3: not UTF-8"),
    (b"agb;naam\n", "the file holds no providers"),
])
def test_a_bad_file_names_its_line(data: bytes, says: str) -> None:
    with pytest.raises(ProviderFileError, match=says):
        read_providers(data)


def _istd(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(ISTD), *argv], capture_output=True, text=True, timeout=120, check=False)


def test_istd_providers_load_and_list_and_a_bad_file_loads_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'register.sqlite3'}"
    good, bad = tmp_path / "aanbieders.csv", tmp_path / "fout.csv"
    good.write_bytes(GOOD)
    bad.write_bytes(b"agb;naam\n11111111;Nieuw\n2222;Fout\n")
    loaded = _istd("providers", "--database", url, "load", str(good))
    assert (loaded.returncode, loaded.stdout) == (0, "loaded 2 providers\n")

    refused = _istd("providers", "--database", url, "load", str(bad))
    assert refused.returncode == 1
    assert refused.stderr == (f"istd providers: {bad}: line 3: AGB code '2222' is not 8 digits; "
                              "nothing loaded\n")
    missing = _istd("providers", "--database", url, "load", str(tmp_path / "nergens.csv"))
    assert (missing.returncode, missing.stderr.count("\n")) == (1, 1)
    assert "cannot read it" in missing.stderr

    listed = _istd("providers", "--database", url, "list")
    assert listed.stdout == "agb_code\tnaam\n12345678\tZorg Noord B.V.\n87654321\tThuishulp Zuid\n"


async def test_pages_show_the_loaded_names_and_a_new_load_at_once(
    client: httpx.AsyncClient, register: dict[str, str], sessions: async_sessionmaker[AsyncSession]
) -> None:
    await login(client, "wijk")
    before = (await client.get("/lopend", params={"on": "2025-03-10", "aanbieder": "12345678"})).text
    assert "Zorg Noord" not in before
    assert "<td>12345678</td>" in before
    async with unit_of_work(sessions) as session:
        await replace_providers(session, read_providers(GOOD), datetime.now(UTC))
        public_id = await session.scalar(select(ClientRow.public_id).where(ClientRow.bsn == "999900006"))
    running = (await client.get("/lopend", params={"on": "2025-03-10", "aanbieder": "12345678"})).text
    assert "<td>Zorg Noord B.V. (12345678)</td>" in running
    assert "<td>12345678</td>" not in running
    picture = (await client.get(f"/clienten/{public_id}")).text
    assert "<td>Zorg Noord B.V. (12345678)</td>" in picture  # allocation 1001
    assert "<td>Thuishulp Zuid (87654321)</td>" in picture  # allocation 1002
    async with unit_of_work(sessions) as session:
        await replace_providers(session, [Provider("12345678", "Zorg Noord Rijnmond")], datetime.now(UTC))
    again = (await client.get(f"/clienten/{public_id}")).text
    assert "<td>Zorg Noord Rijnmond (12345678)</td>" in again
    assert "Thuishulp Zuid" not in again
    assert "<td>87654321</td>" in again

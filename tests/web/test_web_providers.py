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

from handlers.insight.code_texts import PRODUCT_CATEGORIES, RETOURCODES, category_text
from handlers.insight.provider_file import Provider, ProviderFileError, read_providers
from schemas.spec.codes import code_lists
from storage.models import ClientRow, DeliveryRow, MessageRow, RetourRow
from storage.providers import replace_providers
from storage.unit_of_work import unit_of_work
from tests.web.web_helpers import login

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
    assert refused.stderr == (f"istd providers load: {bad}: line 3: AGB code '2222' is not 8 digits; "
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


@pytest.mark.parametrize("standard", ["iwmo", "ijw"])
def test_every_category_and_retourcode_of_the_standard_has_a_text(standard: str) -> None:
    lists = code_lists(standard)
    assert set(lists["LDT_ProductCategorie"]) <= set(PRODUCT_CATEGORIES)
    assert set(lists["LDT_RetourCode"]) == set(RETOURCODES)
    assert (category_text("02"), category_text("-"), category_text(None)) == ("02 Begeleiding", "generiek",
                                                                              "generiek")


async def test_the_client_view_shows_categories_and_retourcodes_with_their_meaning(
    client: httpx.AsyncClient, register: dict[str, str], sessions: async_sessionmaker[AsyncSession]
) -> None:
    """P Jansen's allocations 1001 (category 02) and 1002 (01); its 305's retour gets codes 9326 and 0200."""
    async with unit_of_work(sessions) as session:
        public_id, client_id = (await session.execute(select(ClientRow.public_id, ClientRow.id)
                                                      .where(ClientRow.bsn == "999900006"))).one()
        start = await session.scalar(select(MessageRow)
                                     .join(DeliveryRow, DeliveryRow.message_id == MessageRow.id)
                                     .where(DeliveryRow.client_id == client_id))
        assert start is not None
        retour = await session.scalar(select(RetourRow).where(RetourRow.heen_message_id == start.id))
        assert retour is not None
        retour.header_codes, retour.class_codes, retour.accepted = ["0200"], {"StartProduct": ["9326"]}, False
    await login(client, "wijk")
    html = (await client.get(f"/clienten/{public_id}")).text
    versions = html[html.index('id="versions"'):html.index('id="deliveries"')]
    assert "<td>02 Begeleiding / 02A01</td>" in versions
    assert "<td>01 Hulp bij het huishouden</td>" in versions
    timeline = html[html.index('id="timeline"'):]
    assert ('<span class="code">0200 goedgekeurd (geen opmerking)</span>'
            '<span class="code">9326 lopende levering nog niet gestopt (TR326)</span>') in timeline

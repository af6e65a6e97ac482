"""Each 323 rule failing through the real pipeline, on SQLite and PostgreSQL and both standards: the code
in the 325 where IV087 puts it, and the register (a rejected line carries its codes; nothing recorded
when the header fails)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.processing.processor import Processor
from gateway.settings import Settings
from handlers.context import parse_product_codes
from storage.engine import session_factory
from storage.models import ContractRow
from storage.unit_of_work import unit_of_work
from tests.declarations.declaratie_messages import (
    OTHER_BSN,
    OTHER_PRODUCT,
    PRODUCT,
    Allocated,
    Line,
    declaratie,
    one_client,
    toewijzing,
)
from tests.declarations.declaration_harness import Harness, read_325

DAG = date(2024, 5, 3)
MARCH = (date(2024, 3, 1), date(2024, 3, 31))
APRIL = (date(2024, 4, 1), date(2024, 4, 30))
Make = Callable[[str], bytes]


def _march_claim(*lines: Line) -> Make:
    return lambda s: one_client(s, "E1", date(2024, 4, 2), "NE1", *lines, periode=MARCH)


def _april(*lines: Line, **kw: object) -> Make:
    return lambda s: one_client(s, "F1", DAG, "NF1", *lines, **kw)  # type: ignore[arg-type]


def _other_code(s: str) -> tuple[str, str]:
    categorie, code = PRODUCT[s]
    return categorie, code[:-1] + "9"


@dataclass(frozen=True)
class Case:
    code: str
    expected: tuple[str, ...]  # the codes of the failing class
    where: str  # prestatie | antwoord | header
    claim: Make
    allocations: tuple[Allocated, ...] = (Allocated(),)
    earlier: tuple[Make, ...] = ()
    contract_tarief: int | None = None
    product_list: bool = False
    products: Callable[[str], tuple[Allocated, ...]] | None = field(default=None)


MARCH_LINE = Line("R0", begin=MARCH[0], end=MARCH[1])
CASES = [
    Case("TR338", ("9338",), "prestatie", _april(Line("R1", nr=9999))),
    Case(
        "TR384", ("9384",), "prestatie", _april(Line("R1")), (Allocated(einde=date(2024, 1, 1), reden="13"),)
    ),
    Case(
        "TR304", ("8187",), "prestatie", lambda s: declaratie(s, "F1", DAG, "NF1", (OTHER_BSN, (Line("R1"),)))
    ),
    Case("TR339", ("9339", "9340"), "prestatie", lambda s: _april(Line("R1", product=OTHER_PRODUCT[s]))(s)),
    Case("TR340", ("9340",), "prestatie", lambda s: _april(Line("R1", product=_other_code(s)))(s)),
    Case("TR341", ("9341",), "prestatie", _april(Line("R1", eenheid="14"))),
    Case("TR307", ("9307", "9387"), "prestatie", _april(Line("R1")), (Allocated(ingang=date(2024, 4, 10)),)),
    Case("TR308", ("9308", "9388"), "prestatie", _april(Line("R1")), (Allocated(einde=date(2024, 4, 20)),)),
    Case("TR387", ("9387",), "prestatie", _april(Line("R1", begin=date(2024, 4, 2)))),
    Case("TR388", ("9388",), "prestatie", _april(Line("R1", end=date(2024, 4, 29)))),
    Case("TR319", ("9319",), "prestatie", _april(Line("R1"), periode=MARCH)),
    Case("TR314", ("8021",), "prestatie", _april(Line("R0")), earlier=(_march_claim(MARCH_LINE),)),
    Case(
        "TR389",
        ("9389",),
        "prestatie",
        _april(Line("R1", begin=MARCH[0], end=MARCH[1])),
        earlier=(_march_claim(MARCH_LINE),),
    ),
    Case(
        "TR323",
        ("8017",),
        "prestatie",
        _april(Line("C1", begin=MARCH[0], end=MARCH[1], credit_of="R9")),
        earlier=(_march_claim(MARCH_LINE),),
    ),
    Case("TR321", ("9321",), "prestatie", _april(Line("R1", volume=51))),
    Case(
        "TR322",
        ("9322",),
        "prestatie",
        _april(Line("R1", volume=3)),
        (Allocated(frequentie="6"),),
        earlier=(_march_claim(Line("R0", begin=MARCH[0], end=MARCH[1], volume=8)),),
    ),
    Case("TR346", ("9346",), "prestatie", _april(Line("R1", bedrag=50001))),
    Case("TR418", ("0611",), "prestatie", _april(Line("R1")), contract_tarief=4900),
    Case("TR381", ("S329",), "prestatie", _april(Line("R1")), product_list=True),
    Case(
        "TR333",
        ("9333",),
        "antwoord",
        _april(Line("R1")),
        earlier=(lambda s: one_client(s, "E1", date(2024, 4, 2), "NF1", MARCH_LINE, periode=MARCH),),
    ),
    Case(
        "TR318",
        ("8214",),
        "antwoord",
        _april(Line("R1")),
        earlier=(lambda s: one_client(s, "E1", DAG, "NE1", Line("R0")),),
    ),
    Case(
        "TR056",
        ("9056",),
        "header",
        _april(Line("R1")),
        earlier=(lambda s: one_client(s, "F1", date(2024, 4, 2), "NE1", MARCH_LINE, periode=MARCH),),
    ),
    Case("TR135", ("8848",), "header", lambda s: one_client(s, "F1", date(2024, 5, 9), "NF1", Line("R1"))),
]


async def _contract(h: Harness, standard: str, tarief: int) -> None:
    categorie, code = PRODUCT[standard]
    async with unit_of_work(session_factory(h.engine)) as session:
        session.add(
            ContractRow(
                standard=standard,
                gemeente="0363",
                aanbieder="87654321",
                product_categorie=categorie,
                product_code=code,
                begindatum=date(2024, 1, 1),
                einddatum=None,
                tarief=tarief,
                eenheid="04",
                loaded_at=datetime.now(UTC),
            )
        )


@pytest.mark.parametrize("standard", ["iwmo", "ijw"])
@pytest.mark.parametrize("case", CASES, ids=[c.code for c in CASES])
async def test_each_323_rule_failing(engine: AsyncEngine, standard: str, case: Case) -> None:
    h = Harness(engine)
    assert (
        await h.send(toewijzing(standard, "T301", date(2024, 1, 5), *case.allocations))
    ).outcome == "recorded"
    if case.product_list:  # after the 301, which the list would refuse too (TR381 in its pre-flight)
        listed = f"{standard},{PRODUCT[standard][0]},99A01"  # the claimed code is not in the list
        product_codes = parse_product_codes(f"standard,categorie,code\n{listed}\n")
        h.processor = Processor(Settings(), product_codes=product_codes)
    if case.contract_tarief is not None:
        await _contract(h, standard, case.contract_tarief)
    for earlier in case.earlier:
        assert (await h.send(earlier(standard))).outcome == "accepted"
    before = len(await h.declarations())
    result = await h.send(case.claim(standard))
    assert result.retour is not None
    answer = read_325(result.retour)
    assert result.outcome == "rejected"
    if case.where == "header":
        assert (answer.header_codes, answer.antwoord_codes) == (case.expected, None)
        assert len(await h.declarations()) == before  # nothing recorded
        return
    assert answer.header_codes == ("0200",)
    if case.where == "antwoord":
        assert (answer.antwoord_codes, answer.toegekend, answer.prestaties) == (case.expected, 0, {})
        assert (await h.declarations())[-1].assessed is False
        return
    assert answer.antwoord_codes == ("0200",)
    [(ref, codes)] = answer.prestaties.items()
    assert codes == case.expected
    line = (await h.lines())[ref] if case.code != "TR314" else None
    if line is not None:
        assert (line.status, tuple(line.codes)) == ("rejected", case.expected)
    assert result.codes == ("0200", *case.expected)

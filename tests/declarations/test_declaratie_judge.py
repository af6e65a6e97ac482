"""The pure 323 judge (handlers.declaratie): each level-3/4 rule passing and failing; credits first."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from handlers import declaratie as judge
from handlers.claims import AWARDED, CREDITED, NOT_ASSESSED, REJECTED, ContractView
from handlers.context import Context, parse_product_codes
from handlers.messages import DeclaratieBericht
from handlers.rules import claim_volume as vol
from tests.declarations.claims_kit import (
    AANBIEDER,
    GEMEENTE,
    MemoryClaims,
    allocation,
    context,
    earlier_line,
    one,
    typed,
)
from tests.declarations.declaratie_messages import BSN, OTHER_BSN, Line, declaratie

STANDARDS = ["iwmo", "ijw"]
P1 = "/Bericht/Declaratie/Clienten/Client/Prestaties/Prestatie"
MARCH = (date(2024, 3, 1), date(2024, 3, 31))


def register(standard: str, **alloc: object) -> MemoryClaims:
    return MemoryClaims(allocations=[allocation(standard, **alloc)])


async def judged(msg: DeclaratieBericht, state: MemoryClaims, ctx: Context | None = None) -> judge.Judgement:
    return await judge.handle(msg, state, ctx or context())


async def codes_of(standard: str, line: Line, state: MemoryClaims | None = None) -> tuple[str, ...]:
    """The codes on the single Prestatie of a one-line 323 (empty when awarded)."""
    result = await judged(one(standard, line), state or register(standard))
    return result.plan.prestatie_codes.get(P1, ())


@pytest.mark.parametrize("standard", STANDARDS)
async def test_fully_awarded_declaration(standard: str) -> None:
    result = await judged(one(standard, Line("R1")), register(standard))
    assert (result.status, result.plan.header_codes, result.plan.antwoord_codes) == (
        "accepted",
        ("0200",),
        ("8001",),
    )
    assert (result.plan.toegekend, result.plan.prestatie_codes) == (50000, {})
    assert result.command is not None
    [line] = result.command.lines
    assert (line.status, line.allocation_version_id, line.bedrag, line.tarief) == (AWARDED, 1001, 50000, 5000)
    assert (result.command.ingediend, result.command.toegekend, result.command.status) == (
        50000,
        50000,
        "accepted",
    )


@pytest.mark.parametrize("standard", STANDARDS)
async def test_partial_declaration_returns_only_the_rejected_line(standard: str) -> None:
    raw = declaratie(
        standard,
        "D1",
        date(2024, 5, 3),
        "N1",
        (BSN, (Line("R1"),)),
        (OTHER_BSN, (Line("R2", nr=4242, volume=2),)),
    )
    result = await judged(typed(raw), register(standard))
    assert result.status == "partial"
    assert result.plan.prestatie_codes == {
        "/Bericht/Declaratie/Clienten/Client[2]/Prestaties/Prestatie": ("9338",)
    }
    assert (result.plan.antwoord_codes, result.plan.toegekend) == (("0200",), 50000)
    assert result.command is not None
    assert [(x.referentienummer, x.status, x.codes) for x in result.command.lines] == [
        ("R1", AWARDED, ()),
        ("R2", REJECTED, ("9338",)),
    ]


async def test_tr338_unknown_or_foreign_allocation() -> None:
    assert await codes_of("iwmo", Line("R1")) == ()
    assert await codes_of("iwmo", Line("R1", nr=1002)) == ("9338",)
    assert await codes_of("ijw", Line("R1"), register("ijw", aanbieder="11112222")) == ("9338",)


async def test_tr384_claim_on_deleted_allocation() -> None:
    deleted = register("iwmo", einddatum=date(2024, 1, 1), reden_wijziging="13")
    assert await codes_of("iwmo", Line("R1"), deleted) == ("9384",)
    assert await codes_of("iwmo", Line("R1"), register("iwmo", reden_wijziging="03")) == ()


async def test_tr304_client_of_the_allocation() -> None:
    assert await codes_of("iwmo", Line("R1"), register("iwmo", bsn=OTHER_BSN)) == ("8187",)
    assert await codes_of("iwmo", Line("R1"), register("iwmo", bsn=BSN)) == ()


async def test_tr339_tr340_product_of_the_allocation() -> None:
    assert await codes_of("ijw", Line("R1", product=("54", "45A01"))) == ("9339",)
    assert await codes_of("ijw", Line("R1", product=("45", "45A02"))) == ("9340",)
    generic = register("ijw", product_categorie=None, product_code=None)
    assert await codes_of("ijw", Line("R1", product=("54", "54A01")), generic) == ()


async def test_tr341_unit_of_the_allocation() -> None:
    assert await codes_of("iwmo", Line("R1", eenheid="14")) == ("9341",)
    assert await codes_of("iwmo", Line("R1", eenheid="01", volume=600, tarief=5000, bedrag=50000)) == ()


async def test_tr307_tr387_period_begins_within_the_allocation() -> None:
    later = register("iwmo", ingangsdatum=date(2024, 4, 10))
    assert await codes_of("iwmo", Line("R1"), later) == ("9307", "9387")
    assert await codes_of("iwmo", Line("R1", begin=date(2024, 4, 10)), later) == ()
    assert await codes_of("iwmo", Line("R1", begin=date(2024, 4, 2))) == ("9387",)


async def test_tr308_tr388_period_ends_within_the_allocation() -> None:
    ending = register("ijw", einddatum=date(2024, 4, 20))
    assert await codes_of("ijw", Line("R1"), ending) == ("9308", "9388")
    assert await codes_of("ijw", Line("R1", end=date(2024, 4, 20)), ending) == ()
    assert await codes_of("ijw", Line("R1", end=date(2024, 4, 29))) == ("9388",)


async def test_tr319_period_not_after_the_declaratieperiode() -> None:
    assert await codes_of("iwmo", Line("R1", begin=date(2024, 5, 1), end=date(2024, 5, 31))) == ("9319",)
    assert await codes_of("iwmo", Line("R1", begin=MARCH[0], end=MARCH[1])) == ()


async def test_tr314_reference_used_before() -> None:
    state = register("iwmo")
    state.lines.append(earlier_line("iwmo", "R1"))
    assert await codes_of("iwmo", Line("R1"), state) == ("8021",)
    state.lines[0] = earlier_line("iwmo", "R0")
    assert await codes_of("iwmo", Line("R1"), state) == ()


async def test_tr323_credit_needs_an_awarded_debit() -> None:
    credit = Line("C1", begin=MARCH[0], end=MARCH[1], credit_of="R0")
    assert await codes_of("ijw", credit) == ("8017",)
    state = register("ijw")
    state.lines.append(earlier_line("ijw", "R0", status=REJECTED))
    assert await codes_of("ijw", credit, state) == ("8017",)
    state.lines[0] = earlier_line("ijw", "R0")
    result = await judged(one("ijw", credit), state)
    assert (result.status, result.plan.toegekend) == ("accepted", -50000)


async def test_tr390_second_credit_of_one_debit() -> None:
    state = register("iwmo")
    state.lines.append(earlier_line("iwmo", "R0", status=CREDITED))
    assert await codes_of("iwmo", Line("C2", begin=MARCH[0], end=MARCH[1], credit_of="R0"), state) == (
        "9390",
    )
    state.lines[0] = earlier_line("iwmo", "R0")
    assert await codes_of("iwmo", Line("C2", begin=MARCH[0], end=MARCH[1], credit_of="R0"), state) == ()


async def test_tr389_second_debit_only_after_credit_credits_first() -> None:
    state = register("iwmo")
    state.lines.append(earlier_line("iwmo", "R0"))
    again = Line("R1", begin=MARCH[0], end=MARCH[1])
    assert await codes_of("iwmo", again, state) == ("9389",)
    # The credit comes after the debit in the document but is judged first (OP366).
    result = await judged(one("iwmo", again, Line("C1", begin=MARCH[0], end=MARCH[1], credit_of="R0")), state)
    assert (result.status, result.plan.toegekend) == ("accepted", 0)
    assert result.command is not None
    assert [x.referentienummer for x in result.command.lines] == ["C1", "R1"]


async def test_tr321_volume_per_period() -> None:
    assert await codes_of("iwmo", Line("R1", volume=50)) == ()  # April 2024 touches 5 ISO weeks
    assert await codes_of("iwmo", Line("R1", volume=51)) == ("9321",)
    assert await codes_of("iwmo", Line("R1", eenheid="01", volume=3000, bedrag=250000)) == ()  # minutes
    assert await codes_of("iwmo", Line("R1", eenheid="01", volume=3001, bedrag=250083)) == ("9321",)
    housekeeping = register("iwmo", product_categorie="01", product_code="01A01")
    hh = ("01", "01A01")
    assert await codes_of("iwmo", Line("R1", volume=60, product=hh), housekeeping) == ()  # 6 × the week
    assert await codes_of("iwmo", Line("R1", volume=61, product=hh), housekeeping) == ("9321",)


async def test_tr322_volume_over_the_whole_allocation() -> None:
    state = register("ijw")  # 2024-01-01 .. 2024-12-31 touches 53 ISO weeks: 530 hours
    state.lines.append(earlier_line("ijw", "R0", volume=500))
    assert await codes_of("ijw", Line("R1", volume=30), state) == ()
    assert await codes_of("ijw", Line("R1", volume=31), state) == ("9322",)


async def test_tr369_budget() -> None:
    state = register("iwmo", volume=None, eenheid=None, frequentie=None, budget=100000)
    state.lines.append(earlier_line("iwmo", "R0", eenheid="83", volume=60000, bedrag=60000))
    euros = {"eenheid": "83", "tarief": None}
    assert await codes_of("iwmo", Line("R1", volume=40000, bedrag=40000, **euros), state) == ()  # type: ignore[arg-type]
    assert await codes_of("iwmo", Line("R1", volume=40001, bedrag=40001, **euros), state) == ("9369",)  # type: ignore[arg-type]


async def test_tr346_amount_is_volume_times_tariff() -> None:
    assert await codes_of("ijw", Line("R1", bedrag=50001)) == ("9346",)
    assert await codes_of("ijw", Line("R1", eenheid="01", volume=45, tarief=5001, bedrag=3751)) == ()  # IV081
    assert (
        vol.period_maximum(
            3, "04", "2", False, date(2025, 10, 7), date(2025, 10, 31), date(2025, 10, 7), date(2025, 12, 30)
        )
        == 12
    )  # IV077 example: 4 weeks in October


def test_iv077_examples() -> None:
    start, end = date(2025, 10, 7), date(2025, 12, 30)
    assert [
        vol.period_maximum(3, "04", "2", False, b, e, start, end)
        for b, e in ((date(2025, 11, 1), date(2025, 11, 30)), (date(2025, 12, 1), date(2025, 12, 31)))
    ] == [15, 15]
    assert vol.total_maximum(3, "04", "2", start, end) == 39
    start, end = date(2025, 7, 7), date(2025, 9, 5)  # output-based: Sundays, +1 in the last Sunday's month
    assert vol.period_maximum(300, "83", "2", False, date(2025, 7, 1), date(2025, 7, 31), start, end) == 900
    assert vol.period_maximum(300, "83", "2", False, date(2025, 8, 1), date(2025, 8, 31), start, end) == 1800


async def test_tr418_contract_tariff() -> None:
    state = register("iwmo")
    state.contracts[("02", "02A01")] = ContractView(5000, "04")
    assert await codes_of("iwmo", Line("R1"), state) == ()
    state.contracts[("02", "02A01")] = ContractView(4900, "04")
    assert await codes_of("iwmo", Line("R1"), state) == ("0611",)


async def test_tr381_product_code_list_on_claims() -> None:
    codes = parse_product_codes("standard,categorie,code\nijw,45,45A01\n")
    ctx = replace(context(), product_codes=codes)
    assert (await judged(one("ijw", Line("R1")), register("ijw"), ctx)).status == "accepted"
    other = register("ijw", product_code=None)
    result = await judged(one("ijw", Line("R1", product=("45", "45B07"))), other, ctx)
    assert result.plan.prestatie_codes == {P1: ("S329",)}


@pytest.mark.parametrize("standard", STANDARDS)
async def test_tr333_duplicate_declaratienummer_rejects_the_declaration(standard: str) -> None:
    state = register(standard)
    state.numbers.add((standard, AANBIEDER, "N1"))
    result = await judged(one(standard, Line("R1")), state)
    assert (result.status, result.plan.antwoord_codes, result.plan.toegekend) == ("rejected", ("9333",), 0)
    assert result.plan.prestatie_codes == {}
    assert result.command is not None
    assert [x.status for x in result.command.lines] == [NOT_ASSESSED]
    assert (await judged(one(standard, Line("R1"), nummer="N2"), state)).status == "accepted"


async def test_tr318_declaration_periods_follow_each_other() -> None:
    state = register("iwmo")
    state.periods[("iwmo", GEMEENTE, AANBIEDER)] = date(2024, 3, 1)
    assert (await judged(one("iwmo", Line("R1")), state)).status == "accepted"
    state.periods[("iwmo", GEMEENTE, AANBIEDER)] = date(2024, 4, 1)
    assert (await judged(one("iwmo", Line("R1")), state)).plan.antwoord_codes == ("8214",)
    state.periods[("iwmo", GEMEENTE, AANBIEDER)] = date(2024, 2, 1)  # March skipped, but care in March
    march = Line("R2", begin=MARCH[0], end=MARCH[1])
    assert (await judged(one("iwmo", Line("R1"), march), state)).plan.antwoord_codes == ("8214",)
    assert (await judged(one("iwmo", Line("R1")), state)).status == "accepted"  # no care in March


@pytest.mark.parametrize("standard", STANDARDS)
async def test_header_rules_answer_header_only(standard: str) -> None:
    future = await judged(one(standard, Line("R1"), dag=date(2024, 6, 1)), register(standard))
    assert (future.plan.processed, future.plan.header_codes, future.command) == (False, ("8848",), None)
    state = register(standard)
    state.identificaties.add((f"{'WMO' if standard == 'iwmo' else 'JW'}323", AANBIEDER, "D1"))
    seen = await judged(one(standard, Line("R1")), state)
    assert (seen.plan.processed, seen.plan.header_codes) == (False, ("9056",))

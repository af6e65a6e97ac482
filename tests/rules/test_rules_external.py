"""Level-4 rules: TR135 against today, TR378 against the CBS list by date, TR381 against a product list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from handlers.context import Context, ProductCodesError, parse_product_codes
from handlers.findings import Finding
from handlers.messages import Product
from handlers.rules import external
from tests.kit.typed_messages import TODAY, antwoord_msg, product, start_msg, start_record, toewijzing_msg

CODES = parse_product_codes("standard,categorie,code\niwmo,02,02A01\nijw,45,45A48\n")


def rc(findings: Sequence[Finding]) -> list[str]:
    return [str(f.retourcode) for f in findings]


def test_tr135_dagtekening_today_passes() -> None:
    msg = start_msg(start_record(), dag=TODAY)
    assert external.tr135_dagtekening_not_in_future(msg, Context(TODAY)) == []


def test_tr135_dagtekening_tomorrow_fails() -> None:
    msg = start_msg(start_record(), dag=date(2024, 3, 5))
    assert rc(external.tr135_dagtekening_not_in_future(msg, Context(TODAY))) == ["8848"]


def test_tr378_current_gemeente_passes() -> None:
    assert external.tr378_gemeente_in_cbs_list(start_msg(start_record()), Context(TODAY)) == []


def test_tr378_unknown_gemeente_fails_on_the_header() -> None:
    base = toewijzing_msg(product())
    msg = replace(base, header=replace(base.header, afzender="9999"))
    found = external.tr378_gemeente_in_cbs_list(msg, Context(TODAY))
    assert rc(found) == ["S300"]
    assert found[0].xpath == "/Bericht/Header/Afzender"


def test_tr378_merged_gemeente_allowed_for_products_that_started_before() -> None:
    brielle = "0501"  # merged into Voorne aan Zee on 2023-01-01
    before = toewijzing_msg(product(ingang=date(2022, 6, 1)))
    before = replace(before, header=replace(before.header, afzender=brielle))
    after = toewijzing_msg(product(ingang=date(2024, 1, 1)))
    after = replace(after, header=replace(after.header, afzender=brielle))
    assert external.tr378_gemeente_in_cbs_list(before, Context(TODAY)) == []
    assert rc(external.tr378_gemeente_in_cbs_list(after, Context(TODAY))) == ["S300"]


def test_tr378_woonplaatsbeginsel_gemeente_checked_on_its_class() -> None:
    from handlers.messages import Woonplaatsbeginsel

    bad = Woonplaatsbeginsel("0000", "/Bericht/Antwoord/Woonplaatsbeginsel")
    base = antwoord_msg(standard="ijw")
    msg = replace(base, antwoord=replace(base.antwoord, woonplaatsbeginsel=bad))
    found = external.tr378_gemeente_in_cbs_list(msg, Context(TODAY))
    assert rc(found) == ["S300"]
    assert found[0].xpath.endswith("Woonplaatsbeginsel")


def test_tr381_code_of_its_category_passes() -> None:
    assert external.tr381_product_code_in_list(start_msg(start_record()), Context(TODAY, CODES)) == []


def test_tr381_code_not_in_the_list_fails() -> None:
    msg = start_msg(start_record(product=Product("02", "45A48")))
    assert rc(external.tr381_product_code_in_list(msg, Context(TODAY, CODES))) == ["S329"]


def test_tr381_off_without_a_product_code_list() -> None:
    msg = start_msg(start_record(product=Product("02", "45A48")))
    assert external.tr381_product_code_in_list(msg, Context(TODAY)) == []


def test_tr381_lists_of_the_two_standards_stay_apart() -> None:
    jw_code_in_wmo = start_msg(start_record(product=Product("45", "45A48")))
    jw_code_in_jw = start_msg(start_record(product=Product("45", "45A48")), standard="ijw")
    assert rc(external.tr381_product_code_in_list(jw_code_in_wmo, Context(TODAY, CODES))) == ["S329"]
    assert external.tr381_product_code_in_list(jw_code_in_jw, Context(TODAY, CODES)) == []


def test_tr381_product_list_with_unknown_standard_is_refused() -> None:
    import pytest

    with pytest.raises(ProductCodesError):
        parse_product_codes("standard,categorie,code\nwlz,02,02A01\n")

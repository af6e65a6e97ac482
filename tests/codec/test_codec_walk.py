"""The generated readers build what the dataclass would, keep __init__ where they must, read in one pass."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time

import pytest
from lxml import etree

from gateway.codec import DocumentError
from gateway.codec.shapes import clock, cls, integer, items, one, part, text
from gateway.codec.shapes import date as date_child
from gateway.codec.walk import compile_shape
from handlers import messages as m

NS = "{urn:test}"


def element(children: str) -> etree._Element:
    return etree.fromstring(f'<Top xmlns="urn:test">{children}</Top>')


def test_a_frozen_dataclass_is_built_equal_to_its_init_with_defaults_filled() -> None:
    shape = cls(m.ToegewezenProduct, integer("ToewijzingNummer", "toewijzingnummer"),
                date_child("Toewijzingsdatum", "toewijzingsdatum"),
                clock("Toewijzingstijd", "toewijzingstijd"),
                date_child("Ingangsdatum", "ingangsdatum"), integer("Budget", "budget"))
    made = compile_shape(shape, NS, NS)(element(
        "<ToewijzingNummer>7</ToewijzingNummer><Toewijzingsdatum>2025-01-02</Toewijzingsdatum>"
        "<Toewijzingstijd>12:00:00</Toewijzingstijd><Ingangsdatum>2025-02-01</Ingangsdatum>"
        "<Unlisted>x</Unlisted><Budget>300</Budget>"), "/Bericht/Client")
    assert made == m.ToegewezenProduct(7, date(2025, 1, 2), time(12), date(2025, 2, 1), "/Bericht/Client",
                                       budget=300)
    assert type(made) is m.ToegewezenProduct
    assert (made.product, made.retourcodes) == (None, ())
    with pytest.raises(AttributeError):
        made.budget = 1  # type: ignore[misc]  # still frozen


def test_a_missing_required_field_is_an_error_not_a_half_object() -> None:
    shape = part(m.Omvang, integer("Volume", "volume"), text("Eenheid", "eenheid"),
                 text("Frequentie", "frequentie"))
    with pytest.raises(KeyError, match="eenheid"):
        compile_shape(shape, NS, NS)(element("<Volume>1</Volume><Frequentie>4</Frequentie>"), "/")


def test_post_init_and_default_factories_keep_their_init() -> None:
    @dataclass(frozen=True, slots=True)
    class Checked:
        value: int

        def __post_init__(self) -> None:
            if self.value < 0:
                raise ValueError("negative")

    @dataclass(frozen=True)
    class Listed:
        items: list[int] = field(default_factory=list)

    with pytest.raises(ValueError, match="negative"):
        compile_shape(part(Checked, integer("Value", "value")), NS, NS)(element("<Value>-1</Value>"), "/")
    read = compile_shape(part(Listed), NS, NS)
    first, second = read(element(""), "/"), read(element(""), "/")
    assert first.items == []
    assert first.items is not second.items


def test_a_plain_function_is_called_with_the_elements_present_as_keywords() -> None:
    shape = part(dict, text("A", "a"), text("B", "b"))
    assert compile_shape(shape, NS, NS)(element("<A>1</A>"), "/") == {"a": "1"}


def test_classes_get_their_xpath_with_a_position_only_when_repeated() -> None:
    item = cls(m.Contact, text("Soort", "soort"))
    shape = part(dict, items("Lijst", "Item", "lijst", item), one("Enkel", "enkel", part(dict, items(
        "Lijst", "Item", "lijst", item))))
    read = compile_shape(shape, NS, NS)
    made = read(element("<Lijst><Item><Soort>01</Soort></Item><Item><Soort>02</Soort></Item>"
                        "</Lijst><Enkel><Lijst><Item><Soort>03</Soort></Item></Lijst></Enkel>"), "/B")
    assert [p.xpath for p in made["lijst"]] == ["/B/Lijst/Item[1]", "/B/Lijst/Item[2]"]
    assert [p.xpath for p in made["enkel"]["lijst"]] == ["/B/Enkel/Lijst/Item"]


def test_an_unrepresentable_date_names_its_element() -> None:
    shape = part(m.Periode, date_child("Begindatum", "begindatum"))
    with pytest.raises(DocumentError) as raised:
        compile_shape(shape, NS, NS)(element("<Begindatum>12023-01-01</Begindatum>"), "/B/Periode")
    assert raised.value.findings[0].xpath == "/B/Periode/Begindatum"


def test_a_dataclass_with_a_base_is_built_through_its_slots_all_the_same() -> None:
    @dataclass(frozen=True, slots=True)
    class Base:
        value: str

    @dataclass(frozen=True, slots=True)
    class Derived(Base):
        extra: str = "-"

    made = compile_shape(part(Derived, text("Value", "value")), NS, NS)(element("<Value>v</Value>"), "/")
    assert made == Derived("v")
    assert type(made) is Derived
    with pytest.raises(AttributeError):
        made.extra = "x"  # type: ignore[misc]


def test_a_composite_read_in_place_names_its_own_element_in_an_error() -> None:
    shape = cls(m.Contact, text("Soort", "soort"), one("Periode", "periode", part(
        m.Periode, date_child("Begindatum", "begindatum"), date_child("Einddatum", "einddatum"))))
    read = compile_shape(shape, NS, NS)
    made = read(element("<Soort>04</Soort><Periode><Begindatum>2025-01-01</Begindatum></Periode>"), "/B/C")
    assert made.periode == m.Periode(date(2025, 1, 1), None)
    with pytest.raises(DocumentError) as raised:
        read(element("<Soort>04</Soort><Periode><Einddatum>12025-01-01</Einddatum></Periode>"), "/B/C")
    assert raised.value.findings[0].xpath == "/B/C/Periode/Einddatum"

"""The decoder's fast constructor builds what the dataclass would, and keeps __init__ where it must."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pytest

from gateway.codec.walk import constructor
from handlers import messages as m


def test_a_frozen_dataclass_is_built_equal_to_its_init_with_defaults_filled() -> None:
    values = {"toewijzingnummer": 7, "toewijzingsdatum": date(2025, 1, 2), "toewijzingstijd": None,
              "ingangsdatum": date(2025, 2, 1), "xpath": "/Bericht/Client", "budget": 300}
    made = constructor(m.ToegewezenProduct)(values)
    assert made == m.ToegewezenProduct(**values)  # type: ignore[arg-type]
    assert type(made) is m.ToegewezenProduct
    assert (made.product, made.retourcodes) == (None, ())
    with pytest.raises(AttributeError):
        made.budget = 1  # type: ignore[misc]  # still frozen


def test_a_missing_required_field_is_an_error_not_a_half_object() -> None:
    with pytest.raises(KeyError, match="eenheid"):
        constructor(m.Omvang)({"volume": 1, "frequentie": "4"})


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
        constructor(Checked)({"value": -1})
    first, second = constructor(Listed)({}), constructor(Listed)({})
    assert first.items == []
    assert first.items is not second.items


def test_a_plain_function_is_called_with_the_values_as_keywords() -> None:
    assert constructor(dict)({"a": 1}) == {"a": 1}

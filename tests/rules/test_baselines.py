"""The valid baseline messages of every checked type pass all level-2 rules, in both standards."""

from __future__ import annotations

from dataclasses import replace

import pytest

from handlers.messages import Standard
from handlers.rules.in_message import check
from tests.kit.typed_messages import BASELINES, STANDARDS, meta, start


@pytest.mark.parametrize("number", sorted(BASELINES))
@pytest.mark.parametrize("standard", STANDARDS)
def test_valid_baseline_has_no_level2_findings(standard: Standard, number: int) -> None:
    assert check(BASELINES[number](standard)) == []


def test_check_refuses_a_message_of_the_wrong_class() -> None:
    mislabelled = replace(start("iwmo"), meta=meta("iwmo", 301))
    with pytest.raises(TypeError, match="301"):
        check(mislabelled)

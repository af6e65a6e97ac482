"""Reference data shipped with the service: the CBS municipality list with validity dates (TR378).

`cbs_gemeenten.csv` (code, name, valid_from, valid_to) is our own table of the CBS municipal
classification: the 342 codes of the 2026 list plus the codes that disappeared through mergers since
2015 (valid_to = the last day before the merger). Empty dates mean "no bound known / still valid".
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from importlib import resources


@dataclass(frozen=True, slots=True)
class Municipality:
    code: str
    name: str
    valid_from: date | None
    valid_to: date | None

    def valid_on(self, on: date) -> bool:
        after_start = self.valid_from is None or self.valid_from <= on
        before_end = self.valid_to is None or on <= self.valid_to
        return after_start and before_end


@dataclass(frozen=True, slots=True)
class Municipalities:
    """The CBS list: which gemeente codes existed on a date."""

    by_code: dict[str, tuple[Municipality, ...]]

    def valid_on(self, code: str, on: date) -> bool:
        return any(entry.valid_on(on) for entry in self.by_code.get(code, ()))

    def __len__(self) -> int:
        return sum(len(entries) for entries in self.by_code.values())


def _date(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def parse_municipalities(text: str) -> Municipalities:
    by_code: dict[str, list[Municipality]] = {}
    for row in csv.DictReader(io.StringIO(text)):
        entry = Municipality(row["code"], row["name"], _date(row["valid_from"]), _date(row["valid_to"]))
        by_code.setdefault(entry.code, []).append(entry)
    return Municipalities({code: tuple(entries) for code, entries in by_code.items()})


def load_municipalities() -> Municipalities:
    """The packaged CBS list."""
    text = resources.files("handlers.data").joinpath("cbs_gemeenten.csv").read_text(encoding="utf-8")
    return parse_municipalities(text)

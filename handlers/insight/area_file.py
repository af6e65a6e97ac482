"""The population file of `istd areas load`: residents per PC4, optionally per age group and wijk.

Columns (a header row first, names case-insensitive, in any order; other columns are ignored):

    pc4              required  the four digits of the postcode area (1000-9999), once per file
    inwoners         required  residents of the area, a whole number >= 0
    inwoners_0_17    optional  residents aged 0 to 17 \
    inwoners_18_64   optional  residents aged 18 to 64  } all three or none; they add up to `inwoners`
    inwoners_65_plus optional  residents aged 65 or older /
    wijk             optional  the wijk the area belongs to (1 to 100 characters); when any row names
                               one, every row must, and the wijkanalyse groups by wijk

Separator `;` (Dutch Excel) or `,`, whichever the header uses more; UTF-8, with or without a
byte-order mark. A file with any bad row is refused as a whole, with that row's line number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from handlers.insight.user_csv import csv_rows

AGE_GROUPS = ("0-17", "18-64", "65+")
AGE_HEADERS = ("inwoners_0_17", "inwoners_18_64", "inwoners_65_plus")
WIJK_MAX = 100
MAX_RESIDENTS = 10_000_000
PC4 = re.compile(r"[1-9]\d{3}")


class AreaFileError(ValueError):
    """The file cannot be loaded: the message names the line and what is wrong with it."""


@dataclass(frozen=True, slots=True)
class AreaPopulation:
    pc4: str
    inwoners: int
    by_age: tuple[int, int, int] | None = None  # 0-17, 18-64, 65+
    wijk: str | None = None


@dataclass(frozen=True, slots=True)
class _Columns:
    pc4: int
    inwoners: int
    ages: tuple[int, int, int] | None
    wijk: int | None


def _columns(header: list[str]) -> _Columns:
    names = [h.strip().lower() for h in header]
    if "pc4" not in names or "inwoners" not in names:
        raise AreaFileError("line 1: the header must name the columns pc4 and inwoners")
    ages = [names.index(h) for h in AGE_HEADERS if h in names]
    if ages and len(ages) != len(AGE_HEADERS):
        raise AreaFileError(f"line 1: give all of {', '.join(AGE_HEADERS)} or none of them")
    return _Columns(names.index("pc4"), names.index("inwoners"),
                    (ages[0], ages[1], ages[2]) if ages else None,
                    names.index("wijk") if "wijk" in names else None)



def _count(cell: str, name: str, line: int) -> int:
    value = cell.strip()
    if re.fullmatch(r"\d{1,3}(\.\d{3})+", value):  # 12.345: Dutch thousands
        value = value.replace(".", "")
    if not value.isdigit() or int(value) > MAX_RESIDENTS:
        raise AreaFileError(f"line {line}: {name} {cell.strip()[:20]!r} is not a whole number of residents")
    return int(value)


def _row(row: list[str], cols: _Columns, line: int) -> AreaPopulation:
    wanted = [cols.pc4, cols.inwoners, *(cols.ages or ()), *([cols.wijk] if cols.wijk is not None else [])]
    if len(row) <= max(wanted):
        raise AreaFileError(f"line {line}: expected {len(wanted)} columns, found {len(row)}")
    code = row[cols.pc4].strip()
    if not PC4.fullmatch(code):
        raise AreaFileError(f"line {line}: pc4 {code[:20]!r} is not four digits (1000-9999)")
    total = _count(row[cols.inwoners], "inwoners", line)
    ages = None
    if cols.ages:
        a, b, c = (_count(row[i], name, line) for i, name in zip(cols.ages, AGE_HEADERS, strict=True))
        if a + b + c != total:
            raise AreaFileError(f"line {line}: the age groups add up to {a + b + c}, not inwoners {total}")
        ages = (a, b, c)
    wijk = " ".join(row[cols.wijk].split()) if cols.wijk is not None else None
    if cols.wijk is not None and not 0 < len(wijk or "") <= WIJK_MAX:
        raise AreaFileError(f"line {line}: the wijk must be 1 to {WIJK_MAX} characters")
    return AreaPopulation(code, total, ages, wijk)


def read_areas(data: bytes) -> list[AreaPopulation]:
    """Every area of the file, in file order; an AreaFileError at the first bad line."""
    header, rows = csv_rows(data, AreaFileError)
    cols = _columns(header)
    areas: dict[str, AreaPopulation] = {}
    for row in rows:
        if not any(cell.strip() for cell in row):
            continue
        area = _row(row, cols, rows.line_num)
        if area.pc4 in areas:
            raise AreaFileError(f"line {rows.line_num}: pc4 {area.pc4} appears twice")
        areas[area.pc4] = area
    if not areas:
        raise AreaFileError("the file holds no areas (a header only)")
    return list(areas.values())

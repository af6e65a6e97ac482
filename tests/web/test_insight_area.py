"""The wijkanalyse's arithmetic without a database: the population file, age groups, dates, withheld cells,
and `istd areas load|list` as a subprocess."""

from __future__ import annotations

import itertools
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from handlers.insight.area_file import AreaFileError, AreaPopulation, read_areas
from handlers.insight.area_table import (
    COUNTS,
    AgeCount,
    LawCount,
    _relations,
    age_group,
    birth_cutoffs,
    build_rows,
    suppress,
    trend_dates,
)

ISTD = Path(sys.executable).with_name("istd")
GOOD = ("\ufeffPC4;Inwoners;inwoners_0_17;inwoners_18_64;inwoners_65_plus;Wijk\n"
        "3011;2.000;400;1200;400;Centrum\n3012;1000;200;600;200;  Centrum \n\n").encode()


def test_the_file_is_read_in_either_separator_with_or_without_age_groups_and_wijk() -> None:
    assert read_areas(GOOD) == [AreaPopulation("3011", 2000, (400, 1200, 400), "Centrum"),
                                AreaPopulation("3012", 1000, (200, 600, 200), "Centrum")]
    assert read_areas(b"inwoners,pc4,gemeente\n500,3013,Rotterdam\n") == [AreaPopulation("3013", 500)]


@pytest.mark.parametrize(("data", "says"), [
    (b"", "line 1: the file is empty"),
    (b"postcode;inwoners\n3011;5\n", "line 1: the header must name the columns pc4 and inwoners"),
    (b"pc4;inwoners;inwoners_0_17\n3011;5;1\n", "line 1: give all of inwoners_0_17, inwoners_18_64"),
    (b"pc4;inwoners\n3011;5\n301;4\n", "line 3: pc4 '301' is not four digits"),
    (b"pc4;inwoners\n3011;5\n0123;4\n", "line 3: pc4 '0123' is not four digits"),
    (b"pc4;inwoners\n3011;5\n3011;4\n", "line 3: pc4 3011 appears twice"),
    (b"pc4;inwoners\n3011;-5\n", "line 2: inwoners '-5' is not a whole number"),
    (b"pc4;inwoners\n3011;veel\n", "line 2: inwoners 'veel' is not a whole number"),
    (b"pc4;inwoners\n3011\n", "line 2: expected 2 columns, found 1"),
    (b"pc4;inwoners;inwoners_0_17;inwoners_18_64;inwoners_65_plus\n3011;10;1;2;3\n",
     "line 2: the age groups add up to 6, not inwoners 10"),
    (b"pc4;inwoners;wijk\n3011;10;Noord\n3012;5;\n", "line 3: the wijk must be 1 to 100 characters"),
    (b"pc4;inwoners;wijk\n3011;10;Caf\xe9\n", "line 2: not UTF-8"),
    (b"pc4;inwoners\n", "the file holds no areas"),
])
def test_a_bad_file_names_its_line(data: bytes, says: str) -> None:
    with pytest.raises(AreaFileError, match=says):
        read_areas(data)


@pytest.mark.parametrize(("born", "on", "group"), [
    (date(2007, 3, 10), date(2025, 3, 10), "18-64"),  # 18 today
    (date(2007, 3, 11), date(2025, 3, 10), "0-17"),
    (date(1960, 3, 10), date(2025, 3, 10), "65+"),
    (date(1960, 3, 11), date(2025, 3, 10), "18-64"),
    (date(2008, 2, 29), date(2026, 2, 28), "0-17"),  # a leap-day birthday counts from 1 March
    (date(2008, 2, 29), date(2026, 3, 1), "18-64"),
    (None, date(2025, 3, 10), "onbekend"),
])
def test_age_group_on_the_date_and_its_sql_cutoffs_agree(born: date | None, on: date, group: str) -> None:
    assert age_group(born, on) == group
    if born is not None:  # the SQL twin: under 18 when born after the first cutoff, under 65 after the second
        adult, senior = birth_cutoffs(on)
        assert ("0-17" if born > adult else "18-64" if born > senior else "65+") == group


def test_the_trend_is_each_month_end_and_the_date_itself() -> None:
    dates = trend_dates(date(2024, 3, 15))
    assert (len(dates), dates[0], dates[-2], dates[-1]) == (12, date(2023, 4, 30), date(2024, 2, 29),
                                                            date(2024, 3, 15))


@pytest.mark.parametrize("sizes", list(itertools.product([0, 1, 3, 5, 9], repeat=3)))
def test_no_relation_is_left_with_exactly_one_withheld_cell(sizes: tuple[int, int, int]) -> None:
    """Three areas of Wmo clients, every age in one group: whatever the sizes, nothing small is shown and
    no total minus the shown parts gives back a withheld cell."""
    areas = [(pc4, n) for pc4, n in zip(("3011", "3012", "3013"), sizes, strict=True) if n]
    laws = [LawCount("0599", "iwmo", pc4, n, n) for pc4, n in areas]
    ages = [AgeCount("0599", pc4, "65+", n) for pc4, n in areas]
    rows = build_rows(laws, ages, {})
    shown_before = {(r.area, name): v for r in rows for name, v in r.counts.items()}
    suppress(rows, 5)
    hidden = {(i, name) for i, r in enumerate(rows) for name in r.withheld}
    for relation in _relations(len(rows)):
        assert sum(cell in hidden for cell in relation) != 1, relation
    for r in rows:
        for name in COUNTS:
            value = r.counts[name]
            assert value is None or value == 0 or value >= 5
            assert (name in r.small) == (value is None and 0 < (shown_before[(r.area, name)] or 0) < 5)


def test_istd_areas_load_list_and_a_bad_file_loads_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'register.sqlite3'}"
    good, bad = tmp_path / "bevolking.csv", tmp_path / "fout.csv"
    good.write_bytes(GOOD)
    bad.write_bytes(b"pc4,inwoners\n3013,500\n30x4,12\n")

    def istd(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(ISTD), *argv], capture_output=True, text=True, timeout=120, check=False)

    loaded = istd("areas", "--database", url, "load", str(good))
    assert (loaded.returncode, loaded.stdout, loaded.stderr) == (0, "loaded 2 areas in 1 wijk\n", "")
    refused = istd("areas", "load", str(bad), "--database", url)
    assert (refused.returncode, refused.stdout) == (1, "")
    assert refused.stderr == (f"istd areas load: {bad}: line 3: pc4 '30x4' is not four digits (1000-9999); "
                              "nothing loaded\n")
    listed = istd("areas", "--database", url, "list")  # the earlier load, whole
    assert listed.stdout.splitlines() == [
        "pc4\tinwoners\tinwoners_0_17\tinwoners_18_64\tinwoners_65_plus\twijk",
        "3011\t2000\t400\t1200\t400\tCentrum", "3012\t1000\t200\t600\t200\tCentrum"]
    missing = istd("areas", "--database", url, "load", str(tmp_path / "nergens.csv"))
    assert missing.returncode == 1
    assert missing.stderr.count("\n") == 1
    assert "cannot read it" in missing.stderr
    helped = istd("areas", "load", "--help")
    assert "inwoners_0_17" in helped.stdout

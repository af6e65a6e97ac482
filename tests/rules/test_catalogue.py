"""docs/rules.md is generated and current; every level-2 rule is dispatched, tested and complete."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from handlers.rules.catalogue import ROOT, XSD_ENFORCED, load_rule_modules, render, rule_tests
from handlers.rules.checks_base import RULES
from handlers.rules.registry import CATALOGUE
from tests.kit import reference

REGELS = reference.REFERENCE / "regels"


def level2_codes() -> set[str]:
    load_rule_modules()
    return {info.code for info in CATALOGUE.values() if info.level == 2}


def test_docs_rules_md_is_up_to_date() -> None:
    current = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert current == render(), "docs/rules.md is stale: run `make generate`"


def test_every_level2_rule_has_a_covering_test() -> None:
    index = rule_tests()
    assert sorted(code for code in level2_codes() if not index.get(code.lower())) == []


def test_every_level2_rule_in_the_catalogue_is_dispatched_and_back() -> None:
    assert level2_codes() == {entry.code for entry in RULES}
    for entry in RULES:
        info = CATALOGUE[(entry.code, 2)]
        assert entry.messages <= info.messages
        assert entry.standards <= info.standards
        assert info.retourcode == "0001"


def test_no_code_is_both_implemented_and_judged_xsd_enforced() -> None:
    enforced = {code for codes, _, _ in XSD_ENFORCED for code in codes}
    assert enforced.isdisjoint(level2_codes())


def _iwmo_table(text: str) -> set[tuple[str, int, str]]:
    """(code, message number, retourcode) from the iWmo CD/CS/RS table."""
    rows = set()
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.split("|")]
        if (
            len(cells) > 11
            and re.fullmatch(r"WMO\d{3}", cells[1])
            and re.fullmatch(r"(CD|CS|RS)\d{3}", cells[8])
        ):
            rows.add((cells[8], int(cells[1][3:]), cells[11]))
    return rows


def _ijw_table(text: str) -> set[tuple[str, int, str]]:
    """(code, message number, retourcode) from the iJw CD/CS/RS document (one block per rule)."""
    rows = set()
    for block in text.split("\n# Regel ")[1:]:
        code = block.split(" ", 1)[0]
        bericht = re.search(r"^- Bericht: JW(\d{3})$", block, re.MULTILINE)
        retour = re.search(r"^- Retourcode: (\S*)$", block, re.MULTILINE)
        if bericht:
            rows.add((code, int(bericht.group(1)), retour.group(1) if retour else ""))
    return rows


def _xslt_rules(standard: str) -> set[tuple[str, int]]:
    """(code, message number) from the in-message (xslt) technical rules of one standard."""
    rows = set()
    for path in sorted((REGELS / standard / "technische-regels" / "xslt").glob("TR*.md")):
        used = path.read_text(encoding="utf-8").split("Gebruik in berichten", 1)[1]
        rows |= {
            (path.stem, int(number)) for number in re.findall(r"^- (?:WMO|JW)(\d{3})", used, re.MULTILINE)
        }
    return rows


def _table(standard: str) -> set[tuple[str, int, str]]:
    folder = REGELS / standard / "condities-constraints"
    text = "\n".join(path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.md")))
    return _iwmo_table(text) if standard == "iwmo" else _ijw_table(text)


@reference.needs_reference
@pytest.mark.parametrize("standard", ["iwmo", "ijw"])
def test_every_reference_rule_is_implemented_or_judged_xsd_enforced(standard: str) -> None:
    reference.require()
    load_rule_modules()
    enforced = {code for codes, _, _ in XSD_ENFORCED for code in codes}
    table = _table(standard)
    assert len(table) > 100, "the reference table did not parse"
    wanted = {(code, number) for code, number, retour in table if retour == "0001"} | _xslt_rules(standard)
    missing = sorted((code, number) for code, number in wanted if not _implemented(code, number, standard))
    assert missing == []
    unaccounted = sorted({code for code, _, retour in table if retour != "0001"} - enforced - level2_codes())
    assert unaccounted == []


def _implemented(code: str, number: int, standard: str) -> bool:
    info = CATALOGUE.get((code, 2))
    return info is not None and number in info.messages and standard in info.standards


@reference.needs_reference
def test_reference_parsers_read_known_rows() -> None:
    reference.require()
    assert ("CS002", 301, "0001") in _table("iwmo")
    assert ("CD085", 319, "0001") in _table("ijw")
    assert ("TR377", 319) in _xslt_rules("ijw")
    assert ("TR377", 319) not in _xslt_rules("iwmo")
    assert Path(REGELS / "iwmo").is_dir()

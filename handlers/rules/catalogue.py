"""Generate docs/rules.md from the rule catalogue: `python -m handlers.rules.catalogue > docs/rules.md`."""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections import defaultdict
from pathlib import Path

import handlers.rules
from handlers.rules.checks_base import RULES
from handlers.rules.registry import CATALOGUE, IMPLEMENTATIONS, RuleInfo

ROOT = Path(__file__).resolve().parents[2]
STANDARD_ORDER = ("iwmo", "ijw")
NONE = "—"

# Conditions, constraints and restrictions of the CD/CS/RS tables that the 3.2 XSDs already enforce
# (level 1), so no level-2 function exists for them: (codes, what the rule says, the XSD facet enforcing it).
XSD_ENFORCED: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (("CS015", "CS025"), "BerichtSubversie 2 / BerichtVersie 3", "pattern `2` / `3` in every message XSD"),
    (("CS319",), "323 DeclaratieNummer letters and digits only", "pattern `([a-zA-Z0-9])+` in the 323 XSD"),
    (("RS001", "RS002", "RS004", "RS005", "RS006", "RS040"), "minimum 0 / maximum 99 ... 999999999999",
     "minInclusive / maxInclusive on the integer types"),
    (("RS008", "RS009", "RS010", "RS011", "RS012", "RS013", "RS014", "RS015", "RS016", "RS017", "RS018",
      "RS019", "RS020", "RS021", "RS023", "RS024", "RS025", "RS026", "RS028"), "maximum length 1 ... 200",
     "maxLength on the string types"),
    (("RS031", "RS033"), "no empty elements, Commentaar not empty",
     "minLength 1 and not-blank patterns; empty dates and integers are invalid lexically"),
    (("RS032", "RS034"), "dates and times without time zone",
     "patterns `[^:Z]*` / `[^Z+-]+` on LDT_Datum/LDT_Tijd"),
    (("RS035", "RS036", "RS037"), "4 / 8 / 9 digits (gemeente, AGB code, BSN)",
     "patterns `[0-9]{4}` ... `[0-9]{9}`"),
    (("RS045", "RS046"), "Voorletters and Telefoonnummer contiguous",
     "patterns on LDT_Voorletters, LDT_Telefoonnummer"),
    (("RS047", "RS048"), "BerichtCode per message, version N.N.N",
     "pattern pinning the code; pattern on LDT_Versie"),
)

CHOICES = (
    "TR101 points at the second occurrence of the duplicated berichtklasse; the keys are the Sleutelelement "
    "columns of the CD/CS/RS tables (Contact: Soort; Relatie: Nummer; 305/307: the IV008 keys; 323/325: Bsn "
    "and ProductReferentie).",
    "TR134 (no element list in its rule file) covers dates of things already done: Geboortedatum, "
    "Toewijzingsdatum (301), start Begindatum (305), stop Begindatum and Einddatum (307), "
    "DeclaratieDagtekening and the Begindatum of DeclaratiePeriode/ProductPeriode (323, 325).",
    "TR380 (no element list) covers the Einddatum of TeWijzigenProduct and NieuwProduct in a 317: the FAQ "
    "allows a past GewensteIngangsdatum, and the reference example WMO317 has GewensteIngangsdatum = "
    "Dagtekening.",
    "TR002 and CS139 also cover the Geboortedatum of each Relatie in a 301; TR006 and the address conditions "
    "cover every berichtklasse Contact (client and relatie). CD005, CD025, CD034 and CS089 are conditions on "
    "children of Adres and are checked when an Adres is present. CS089 takes the Dutch format as 1234AB.",
    "TR061 asks for an Adres of Soort 01, 02 or 03 (its rule text), and IV047 says the 301 always carries "
    "the BRP or residence address: so a client whose only such Contact has no Adres (a telephone number "
    "only) is refused. CD034 (Postcode for Soort 01/03) is a condition on the Adres and applies when one "
    "is present.",
    "Stacking (TR302, TR386, TR410): the hulpmiddelen exception (categories 11-14) applies to iWmo only; "
    "TR377/TR409 (Woonplaatsbeginsel) run for iJw only.",
    "323 (handlers/declaratie.py): TR304 is judged per Prestatie (the Bsn of its Client against the Bsn of "
    "the allocation it is claimed on), so a Client is never rejected as a whole. TR338 and TR384 stop the "
    "other checks of a Prestatie. A declaration rejected as a whole (TR333, TR318) is recorded with its "
    "lines `not_assessed`; its number, period and references then do not count for TR333, TR318 and TR314.",
    "TR318 reads 'care delivered every period' from the claim itself: a DeclaratiePeriode not after the "
    "previous one is refused, and so is one that skips months when a debit Prestatie of this 323 lies in a "
    "skipped month. TR323 relates a credit to its debit by VorigReferentieNummer and the key fields Bsn, "
    "ToewijzingNummer, ProductCategorie, ProductCode and ProductPeriode.",
    "Volumes (TR321/TR322, IV077): units 82 and 83 count as output-based (Sundays), the other units as "
    "effort-based (ISO weeks); per month, the total over an allocation counts every calendar month it "
    "touches; per day/week/month without an Einddatum there is no total to check. TR369 sums the awarded "
    "IngediendBedrag (euro cents) of the debit lines against the Budget.",
    "TR346 is level 4 as its rule file says; with Eenheid 01 (minutes) the amount may also be the hourly "
    "tariff × minutes / 60, rounded half up to cents (IV081). TR418 compares ProductTarief with the contract "
    "loaded for the gemeente, aanbieder, product and the ProductPeriode's Begindatum; a product without a "
    "contract is not refused by TR418. TR341 uses the contract's unit for an allocation without Omvang.",
    "Usage from what was claimed (not a rule, but the same arithmetic; handlers/insight/claimed.py): the "
    "volume allocated for a calendar month is what TR321 lets the provider claim for it (per day, per ISO "
    "week or per Sunday as above, per month once), without the iWmo category-01 allowance; a total "
    "(Frequentie 6) is spread over the allocation's months by their days, in whole units that add up to it, "
    "and is unknown without an Einddatum. Details and the filters in docs/operations.md (\"Usage from what "
    "was claimed\").",
)


def load_rule_modules() -> list[str]:
    """Import every module of the handlers.rules package so that all rules are registered."""
    names = []
    for module in pkgutil.iter_modules(handlers.rules.__path__, "handlers.rules."):
        if module.name != "handlers.rules.catalogue":  # this generator registers nothing
            importlib.import_module(module.name)
            names.append(module.name)
    return names


def rule_tests(root: Path = ROOT) -> dict[str, list[str]]:
    """Lower-case rule code -> the tests whose name carries it as a word (`test_cs002_...`), as file::name."""
    index: dict[str, list[str]] = defaultdict(list)
    definition = re.compile(r"^\s*(?:async\s+)?def (test_\w+)\s*\(", re.MULTILINE)
    for path in sorted((root / "tests").rglob("*.py")):
        for name in definition.findall(path.read_text(encoding="utf-8")):
            for word in set(name.split("_")):
                index[word].append(f"{path.relative_to(root).as_posix()}::{name}")
    return index


def where(info: RuleInfo) -> str:
    """module:function(s) of a rule; level-2 functions are read from the dispatcher's own list."""
    if info.level == 2:
        by_module: dict[str, list[str]] = defaultdict(list)
        for entry in RULES:
            if entry.code == info.code:
                by_module[entry.run.__module__].append(entry.run.__qualname__)
        if by_module:
            return "; ".join(f"`{module}:{', '.join(funcs)}`" for module, funcs in by_module.items())
    places: dict[str, list[str]] = defaultdict(list)
    registered = IMPLEMENTATIONS.get((info.code, info.level), {(info.module, info.function)})
    for module, function in sorted(registered):
        places[module].append(function)
    return "; ".join(f"`{module}:{', '.join(funcs)}`" for module, funcs in places.items())


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _row(info: RuleInfo, tests: list[str]) -> str:
    messages = ", ".join(str(number) for number in sorted(info.messages))
    standards = ", ".join(s for s in STANDARD_ORDER if s in info.standards)
    cells = (info.code, str(info.level), messages, standards, info.retourcode, _cell(info.summary),
             where(info), str(len(tests)) if tests else NONE)
    return "| " + " | ".join(cells) + " |"


def render(root: Path = ROOT) -> str:
    """The whole docs/rules.md."""
    load_rule_modules()
    index = rule_tests(root)
    rules = sorted(CATALOGUE.values(), key=lambda info: (info.level, info.code))
    lines = ["<!-- Generated by `python -m handlers.rules.catalogue` (make generate) from the rule registry: "
             "do not edit. -->",
             "# Rule catalogue", "",
             "Level 2 rules reject the whole message with retourcode 0001; levels 3 and 4 carry their own "
             "code.",
             "", f"{len(rules)} rules.", "",
             "| Code | Level | Messages | Standards | Retourcode | Summary | Implemented in | Tests |",
             "|---|---|---|---|---|---|---|---|"]
    lines += [_row(info, index.get(info.code.lower(), [])) for info in rules]
    lines += ["", "## Tests per rule", ""]
    for info in rules:
        tests = index.get(info.code.lower(), [])
        listed = ", ".join(f"`{test}`" for test in tests) or NONE
        lines.append(f"- **{info.code}** (level {info.level}): {listed}")
    lines += ["", "## Enforced by the XSD (level 1), so not implemented as level-2 functions", "",
              "| Codes | Rule | Enforced by |", "|---|---|---|"]
    lines += [f"| {', '.join(codes)} | {_cell(text)} | {_cell(facet)} |"
              for codes, text, facet in XSD_ENFORCED]
    lines += ["", "## Choices where the rule text leaves room", ""]
    lines += [f"- {choice}" for choice in CHOICES]
    return "\n".join(lines) + "\n"


def main() -> None:
    print(render(), end="")


if __name__ == "__main__":
    main()

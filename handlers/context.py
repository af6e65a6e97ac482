"""What a handler may know besides the message and the register: today's date and the reference lists."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from handlers.data import Municipalities, load_municipalities


@dataclass(frozen=True, slots=True)
class ProductCodes:
    """The agreed product code list (TR381): per standard, per ProductCategorie, the allowed codes.

    CSV columns: `standard` (iwmo | ijw), `categorie`, `code`. The two standards' lists stay apart.
    """

    codes: dict[tuple[str, str], frozenset[str]]

    def allows(self, standard: str, categorie: str, code: str) -> bool:
        return code in self.codes.get((standard, categorie), frozenset())

    def __len__(self) -> int:
        return sum(len(codes) for codes in self.codes.values())


class ProductCodesError(ValueError):
    """The product code list could not be read (missing columns or unknown standard)."""


def parse_product_codes(text: str) -> ProductCodes:
    collected: dict[tuple[str, str], set[str]] = {}
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or not {"standard", "categorie", "code"} <= set(reader.fieldnames):
        raise ProductCodesError("product code list needs the columns standard, categorie, code")
    for number, row in enumerate(reader, start=2):
        standard = row["standard"].strip().lower()
        if standard not in ("iwmo", "ijw"):
            raise ProductCodesError(f"line {number}: standard must be iwmo or ijw, not {standard!r}")
        collected.setdefault((standard, row["categorie"].strip()), set()).add(row["code"].strip())
    return ProductCodes({key: frozenset(codes) for key, codes in collected.items()})


def load_product_codes(path: str) -> ProductCodes:
    with open(path, encoding="utf-8") as handle:
        return parse_product_codes(handle.read())


@dataclass(frozen=True, slots=True)
class Context:
    """today: the date TR135 and deadlines use; product_codes None means TR381 is off (none configured)."""

    today: date
    product_codes: ProductCodes | None = None
    municipalities: Municipalities = field(default_factory=load_municipalities)

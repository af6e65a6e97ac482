"""Reads the children of one element of a schema-valid document into Python values, namespace-aware.

Elements declared in a message XSD are in the message namespace; the children of the composite
datatypes of the basisschema (Product/Categorie, Naam/Geslachtsnaam, ...) are in the basisschema
namespace (STANDARD §2.2). A `Node` knows which of the two its children are in: `cls()` steps into
a message element, `part()` into a composite datatype. Each element's children are indexed once.
"""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

from lxml import etree

from gateway.codec import paths
from gateway.codec.document import REJECTED_RULES, DocumentError
from handlers.findings import IN_MESSAGE, TECHNICAL_REJECTION, Finding

T = TypeVar("T")


class Node:
    """One element: its XPath, its children by Clark name, and typed accessors for them."""

    __slots__ = ("_basis", "_element", "_kids", "_ns", "xpath")

    def __init__(self, element: etree._Element, xpath: str, ns: str, basis: str) -> None:
        # One pass over the children; a repeated name keeps its last element here, `classes()` reads all.
        self._kids: dict[str, etree._Element] = {child.tag: child for child in element}
        self._element = element
        self._ns = ns  # "{namespace}" of this element's children
        self._basis = basis
        self.xpath = xpath

    # ------------------------------------------------------------ structure

    def cls(self, name: str) -> Node | None:
        """The only child message element `name` (a class or a wrapper such as StartProducten)."""
        found = self._kids.get(self._ns + name)
        return None if found is None else Node(found, f"{self.xpath}/{name}", self._ns, self._basis)

    def cls_req(self, name: str) -> Node:
        found = self._kids.get(self._ns + name)
        if found is None:
            raise self._missing(name)
        return Node(found, f"{self.xpath}/{name}", self._ns, self._basis)

    def classes(self, name: str) -> list[Node]:
        """Repeating child message elements, with `[n]` in their XPath when there is more than one."""
        if self._ns + name not in self._kids:
            return []
        found = list(self._element.iterchildren(self._ns + name))
        if len(found) == 1:
            return [Node(found[0], f"{self.xpath}/{name}", self._ns, self._basis)]
        return [Node(el, f"{self.xpath}/{name}[{n}]", self._ns, self._basis) for n, el in enumerate(found, 1)]

    def part(self, name: str) -> Node | None:
        """The child `name` of a composite datatype: its own children are in the basisschema namespace."""
        found = self._kids.get(self._ns + name)
        return None if found is None else Node(found, f"{self.xpath}/{name}", self._basis, self._basis)

    def part_req(self, name: str) -> Node:
        found = self._kids.get(self._ns + name)
        if found is None:
            raise self._missing(name)
        return Node(found, f"{self.xpath}/{name}", self._basis, self._basis)

    def texts(self, name: str) -> tuple[str, ...]:
        return tuple(el.text or "" for el in self._element.iterchildren(self._ns + name))

    # ------------------------------------------------------------ values

    def text(self, name: str) -> str | None:
        found = self._kids.get(self._ns + name)
        return None if found is None else (found.text or "")

    def text_req(self, name: str) -> str:
        found = self._kids.get(self._ns + name)
        if found is None:
            raise self._missing(name)
        return found.text or ""

    def integer(self, name: str) -> int | None:
        found = self._kids.get(self._ns + name)
        return None if found is None else int(found.text or "")  # xs:integer: "+007" and " 7 " are 7

    def integer_req(self, name: str) -> int:
        return int(self.text_req(name))

    def date(self, name: str) -> dt.date | None:
        found = self._kids.get(self._ns + name)
        return None if found is None else self._date(name, found.text or "")

    def date_req(self, name: str) -> dt.date:
        return self._date(name, self.text_req(name))

    def time_req(self, name: str) -> dt.time:
        value = self.text_req(name)
        try:
            return dt.time.fromisoformat(value.strip())
        except ValueError:
            what = "the time 24:00:00 (write 00:00:00 of the next day)"
            raise self._unrepresentable(name, what) from None

    def _date(self, name: str, value: str) -> dt.date:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
        try:
            return dt.date.fromisoformat(value.strip())  # xs:date allows surrounding white space
        except ValueError:
            raise self._unrepresentable(name, "a date with a year outside 0001-9999") from None

    def _missing(self, name: str) -> ValueError:
        return ValueError(f"{self.xpath}/{name} is missing: decode() needs a schema-valid document")

    def _unrepresentable(self, name: str, what: str) -> DocumentError:
        element = self._kids[self._ns + name]
        text = f"{name} is schema-valid but cannot be processed: {what} is not supported"
        finding = Finding(IN_MESSAGE, "VALUE", TECHNICAL_REJECTION, f"{self.xpath}/{name}", text,
                          paths.line(element))
        return DocumentError(REJECTED_RULES, [finding])


def required(value: T | None) -> T:
    """`value`, which a schema-valid document always has."""
    if value is None:
        raise ValueError("a required element is missing: decode() needs a schema-valid document")
    return value


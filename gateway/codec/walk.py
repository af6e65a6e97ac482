"""One pass over a schema-valid lxml tree into the typed models, driven by compiled `Shape` tables.

Decoding is most of the cost of a message after libxml2 has parsed and validated it, and from Python
the cost is per element touched: each `child.tag`, `child.text` and proxy object. So every element is
visited exactly once, in document order, and looked up by its Clark name in a table compiled once per
message namespace; nothing is searched (`find`, XPath) and no XPath string is built for a leaf. The
XPath of a class (`/Bericht/Client/StartProducten/StartProduct[2]`) is built as the walk descends,
with a position only when its wrapper holds more than one (the convention of `gateway.codec.paths`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

from lxml import etree

from gateway.codec import paths
from gateway.codec.document import REJECTED_RULES, DocumentError
from gateway.codec.shapes import CODES, DATE, INLINE, INTEGER, ITEMS, ONE, TEXT, Shape
from handlers.findings import IN_MESSAGE, TECHNICAL_REJECTION, Finding

Entry = tuple[int, str, Any, str]  # kind, field, compiled argument, local name
_date_from = dt.date.fromisoformat


class Layout:
    """A compiled shape: Clark name of each child -> how to read it, and how to build the value."""

    __slots__ = ("build", "initial", "table", "xpath")

    def __init__(self, build: Callable[[dict[str, Any]], Any], table: dict[str, Entry],
                 initial: dict[str, Any], xpath: bool) -> None:
        self.build = build
        self.table = table
        self.initial = initial
        self.xpath = xpath


def constructor(build: Callable[..., Any]) -> Callable[[dict[str, Any]], Any]:
    """A function of the field values that calls `build` with them as keywords, or for a frozen slotted
    dataclass does the same faster.

    A frozen dataclass's `__init__` sets every field through `object.__setattr__`; setting the slots
    directly gives the same object for about three quarters of the cost, and objects are a third of
    decoding. Only for plain dataclasses: one with `__post_init__` or a default factory keeps its
    `__init__`. A missing required field raises KeyError, as `__init__` would raise TypeError.
    """
    def call(values: dict[str, Any]) -> Any:
        return build(**values)

    if not dataclasses.is_dataclass(build) or not isinstance(build, type) or hasattr(build, "__post_init__"):
        return call
    fields = dataclasses.fields(build)
    if any(f.default_factory is not dataclasses.MISSING or not f.init for f in fields):
        return call
    slots = build.__dict__
    required = tuple((f.name, slots[f.name].__set__) for f in fields if f.default is dataclasses.MISSING)
    optional = tuple((f.name, slots[f.name].__set__, f.default) for f in fields
                     if f.default is not dataclasses.MISSING)
    new = object.__new__

    def construct(values: dict[str, Any]) -> Any:
        made = new(build)
        for name, set_slot in required:
            set_slot(made, values[name])
        for name, set_slot, default in optional:
            set_slot(made, values.get(name, default))
        return made

    return construct


def compile_shape(shape: Shape, ns: str, basis: str) -> Layout:
    """The layout of `shape` for a message whose namespaces are `ns` and `basis` (both `{uri}`)."""
    own = basis if shape.part else ns
    table: dict[str, Entry] = {}
    for child in shape.children:
        arg: Any = None
        if child.shape is not None:
            arg = compile_shape(child.shape, ns, basis)
        if child.kind == ITEMS:
            arg = (own + child.item, child.item, arg)
        table[own + child.name] = (child.kind, child.field, arg, child.name)
    return Layout(constructor(shape.build), table, dict(shape.initial), shape.xpath)


def read(element: etree._Element, layout: Layout, xpath: str) -> Any:
    """The value of one element: its children read into the fields of `layout.build`."""
    values = layout.initial.copy()
    if layout.xpath:
        values["xpath"] = xpath
    fill(element, layout.table, xpath, values)
    return layout.build(values)


def fill(element: etree._Element, table: dict[str, Entry], xpath: str, values: dict[str, Any]) -> None:
    """Read the children of `element` listed in `table` into `values`, the commonest kinds first."""
    # element[:] is a list made in C, cheaper than iterating the element (the stubs know only int indexes)
    for child in element[:]:  # type: ignore[index]
        entry = table.get(child.tag)
        if entry is None:
            continue
        kind, field, arg, local = entry
        if kind == TEXT:
            values[field] = child.text or ""
        elif kind == ONE:
            values[field] = read(child, arg, f"{xpath}/{local}")
        elif kind == DATE:
            try:
                values[field] = _date_from(child.text)  # type: ignore[arg-type]  # None: TypeError
            except (TypeError, ValueError):
                values[field] = _date(child, xpath, local)
        elif kind == INTEGER:
            values[field] = int(child.text or "")  # xs:integer: "+007" and " 7 " are 7
        elif kind == ITEMS:
            values[field] = _items(child, arg, f"{xpath}/{local}")
        elif kind == CODES:
            values[field] = tuple([code.text or "" for code in child])
        elif kind == INLINE:
            fill(child, arg.table, f"{xpath}/{local}", values)
        else:
            values[field] = _time(child, xpath, local)


def _items(wrapper: etree._Element, arg: tuple[str, str, Layout], xpath: str) -> tuple[Any, ...]:
    tag, local, layout = arg
    found = list(wrapper.iterchildren(tag))
    if len(found) == 1:
        return (read(found[0], layout, f"{xpath}/{local}"),)
    return tuple([read(element, layout, f"{xpath}/{local}[{n}]") for n, element in enumerate(found, 1)])


def _date(element: etree._Element, xpath: str, name: str) -> dt.date:
    """The slow path: xs:date allows surrounding white space; a year past 9999 cannot be held."""
    try:
        return _date_from((element.text or "").strip())
    except ValueError:
        raise _unrepresentable(element, xpath, name, "a date with a year outside 0001-9999") from None


def _time(element: etree._Element, xpath: str, name: str) -> dt.time:
    try:
        return dt.time.fromisoformat((element.text or "").strip())
    except ValueError:
        what = "the time 24:00:00 (write 00:00:00 of the next day)"
        raise _unrepresentable(element, xpath, name, what) from None


def _unrepresentable(element: etree._Element, xpath: str, name: str, what: str) -> DocumentError:
    text = f"{name} is schema-valid but cannot be processed: {what} is not supported"
    finding = Finding(IN_MESSAGE, "VALUE", TECHNICAL_REJECTION, f"{xpath}/{name}", text, paths.line(element))
    return DocumentError(REJECTED_RULES, [finding])

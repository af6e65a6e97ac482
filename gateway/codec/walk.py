"""One pass over a schema-valid lxml tree into the typed models, by a reader function generated per `Shape`.

Decoding is most of the cost of a message after libxml2 has parsed and validated it, and from Python
the cost is per element touched and per interpreted step. So every element is visited exactly once,
in document order, and compared with the Clark names of its shape; nothing is searched (`find`, XPath)
and no XPath string is built for a leaf. The reader of a shape is Python source made from the shape
once per message namespace (as `dataclasses` makes `__init__`): field values live in local variables,
not a dict, the kind of each child is decided when the source is made, not per element, a small
composite of plain values (Product, Periode, ...) is read in place instead of by a call, and a frozen
slotted dataclass gets its slots set directly. The XPath of a class
(`/Bericht/Client/StartProducten/StartProduct[2]`) is built as the walk descends, with a position only
when its wrapper holds more than one (the convention of `gateway.codec.paths`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any, cast

from lxml import etree

from gateway.codec import paths
from gateway.codec.document import REJECTED_RULES, DocumentError
from gateway.codec.shapes import CODES, DATE, INLINE, INTEGER, ITEMS, ONE, TEXT, Child, Shape
from handlers.findings import IN_MESSAGE, TECHNICAL_REJECTION, Finding

Reader = Callable[[etree._Element, str], Any]  # element, its XPath -> its value
_MISSING = object()  # a field whose element is absent and that has no default


def _fast_fields(build: Callable[..., Any]) -> tuple[dataclasses.Field[Any], ...] | None:
    """The fields of a dataclass whose slots a reader sets directly, None if `build(**fields)` must run.

    A frozen dataclass's `__init__` sets every field through `object.__setattr__`; setting the slots
    directly gives the same object for about three quarters of the cost. Only for plain dataclasses:
    one with `__post_init__` or a default factory keeps its `__init__`.
    """
    if not dataclasses.is_dataclass(build) or not isinstance(build, type) or hasattr(build, "__post_init__"):
        return None
    fields = dataclasses.fields(build)
    if any(f.default_factory is not dataclasses.MISSING or not f.init for f in fields):
        return None
    return fields


def _setter(build: type, name: str) -> Callable[[Any, Any], None]:
    owner = next(klass for klass in build.__mro__ if name in klass.__dict__)  # a base's slot too
    setter: Callable[[Any, Any], None] = owner.__dict__[name].__set__
    return setter


def _twin(build: Callable[..., Any]) -> type | None:
    """A class with the same slots as the frozen dataclass `build` but without its `__setattr__`, or None.

    A reader fills a twin by plain attribute stores (one step each in the interpreter, against a call
    per field through the slot's descriptor) and then makes it a `build` by assigning `__class__`, which
    Python allows between classes of the same layout; the object is then the one `build` would make.
    """
    slots = build.__dict__.get("__slots__")
    if not isinstance(build, type) or build.__bases__ != (object,) or not isinstance(slots, tuple):
        return None
    twin = type(f"{build.__name__}Twin", (), {"__slots__": slots, "__module__": __name__})
    probe: Any = object.__new__(twin)
    try:  # the layouts must match: the same slots in the same order, nothing else
        probe.__class__ = build
    except TypeError:
        return None
    return twin


def compile_shape(shape: Shape, ns: str, basis: str, initial: tuple[tuple[str, Any], ...] = ()) -> Reader:
    """The reader of `shape` for a message whose namespaces are `ns` and `basis` (both `{uri}`);
    `initial` adds field values to those of the shape (the root's `meta`)."""
    return _Source(ns, basis).reader(shape, initial)


class _Source:
    """Makes the reader functions of one message namespace: the source of each and the names it uses."""

    def __init__(self, ns: str, basis: str) -> None:
        self.ns = ns
        self.basis = basis
        self.names: dict[str, Any] = {"MISSING": _MISSING, "new": object.__new__, "slow_time": _time,
                                      "date_from": dt.date.fromisoformat, "slow_date": _date}
        self.by_id: dict[int, str] = {}  # id of a value -> its name in `names`
        self.readers: dict[int, tuple[str, bool]] = {}  # id of a shape -> name of its reader, uses XPath
        self.in_place = 0  # composites read in place so far: each gets its own variables

    def constant(self, value: Any, hint: str) -> str:
        """The name under which the generated source sees `value`."""
        name = self.by_id.get(id(value))
        if name is None:
            name = f"{hint}_{len(self.names)}"
            self.names[name] = value
            self.by_id[id(value)] = name
        return name

    def reader(self, shape: Shape, initial: tuple[tuple[str, Any], ...] = ()) -> Reader:
        """Compile the reader of `shape` (and, on the way, of the shapes below it)."""
        name, _ = self._compiled(shape, initial)
        made: Reader = self.names[name]
        return made

    def _compiled(self, shape: Shape, initial: tuple[tuple[str, Any], ...] = ()) -> tuple[str, bool]:
        """The name of the reader of `shape` in `names`, and whether it uses the XPath it is given."""
        known = self.readers.get(id(shape))
        if known is not None and not initial:
            return known
        fields = _fast_fields(shape.build)
        preset = dict(shape.initial + initial)
        if shape.xpath:
            preset["xpath"] = _XPATH
        assigned = list(preset)
        uses: list[bool] = [shape.xpath]
        loop = list(self._loop(shape, "element", "xpath", 1, assigned, uses, "f_"))
        body = [*self._start(fields, preset, assigned, "f_"), *loop,
                *self._build(shape.build, fields, assigned, preset, "f_", "made", None)]
        name = f"read_{getattr(shape.build, '__name__', 'value')}_{len(self.names)}"
        source = f"def {name}(element, xpath):\n" + "".join(f"    {line}\n" for line in body)
        exec(compile(source, f"<reader {name}>", "exec"), self.names)  # noqa: S102 - source made above
        known = name, any(uses)
        if not initial:
            self.readers[id(shape)] = known
        return known

    def _start(self, fields: tuple[dataclasses.Field[Any], ...] | None, preset: dict[str, Any],
               assigned: list[str], var: str) -> Iterator[str]:
        """Each field's local variable before the children are read: preset, default or MISSING."""
        defaults = {f.name: f.default for f in fields or () if f.default is not dataclasses.MISSING}
        for field in assigned:
            if field in preset:
                value = preset[field]
                yield f"{var}{field} = {'xpath' if value is _XPATH else self.constant(value, 'initial')}"
            elif field in defaults:
                yield f"{var}{field} = {self.constant(defaults[field], 'default')}"
            else:
                yield f"{var}{field} = MISSING"

    def _loop(self, shape: Shape, parent: str, xpath: str, level: int, assigned: list[str],
              uses: list[bool], var: str) -> Iterator[str]:
        """The loop over the children of `parent` (at XPath `xpath`) that reads those `shape` lists."""
        child, tag = f"child{level}", f"tag{level}"
        own = self.basis if shape.part else self.ns
        yield f"for {child} in {parent}[:]:  # a list made in C: cheaper than iterating the element"
        yield f"    {tag} = {child}.tag"
        for index, entry in enumerate(shape.children):
            yield f"    {'if' if index == 0 else 'elif'} {tag} == {self.constant(own + entry.name, 'TAG')}:"
            if entry.field and entry.field not in assigned:
                assigned.append(entry.field)
            for line in self._read(entry, own, child, xpath, level, assigned, uses, var):
                yield f"        {line}"

    def _read(self, entry: Child, own: str, child: str, xpath: str, level: int, assigned: list[str],
              uses: list[bool], var: str) -> Iterator[str]:
        """The statements that read one child element into its field (indented by the caller)."""
        target, name, here = f"{var}{entry.field}", repr(entry.name), f"{xpath} + {'/' + entry.name!r}"
        if entry.kind == TEXT:
            yield f"{target} = {child}.text or ''"
        elif entry.kind == DATE:
            uses.append(True)
            yield "try:"
            yield f"    {target} = date_from({child}.text)"
            yield "except (TypeError, ValueError):  # None, white space, a year past 9999"
            yield f"    {target} = slow_date({child}, {xpath}, {name})"
        elif entry.kind == INTEGER:
            yield f"{target} = int({child}.text or '')  # xs:integer: '+007' and ' 7 ' are 7"
        elif entry.kind == ONE and entry.shape is not None and _in_place(entry.shape):
            yield from self._in_place(entry.shape, child, here, level, target, uses)
        elif entry.kind == ONE:
            assert entry.shape is not None
            read, used = self._compiled(entry.shape)
            uses.append(used)
            yield f"{target} = {read}({child}, {here if used else xpath})"
        elif entry.kind == ITEMS:
            assert entry.shape is not None
            read, used = self._compiled(entry.shape)
            uses.append(used)
            step = f"/{entry.name}/{entry.item}"
            yield f"found = list({child}.iterchildren({self.constant(own + entry.item, 'TAG')}))"
            yield "if len(found) == 1:"
            yield f"    {target} = ({read}(found[0], {xpath + ' + ' + repr(step) if used else xpath}),)"
            yield "else:"
            many = f"f'{{{xpath}}}{step}[{{n}}]'" if used else xpath
            yield f"    {target} = tuple([{read}(item, {many}) for n, item in enumerate(found, 1)])"
        elif entry.kind == CODES:
            yield f"{target} = tuple([code.text or '' for code in {child}])"
        elif entry.kind == INLINE:
            assert entry.shape is not None
            inner = f"inline{level}"
            yield f"{inner} = {here}"
            yield from self._loop(entry.shape, child, inner, level + 1, assigned, uses, var)
        else:
            uses.append(True)
            yield f"{target} = slow_time({child}, {xpath}, {name})"

    def _in_place(self, shape: Shape, child: str, here: str, level: int, target: str,
                  uses: list[bool]) -> Iterator[str]:
        """A small composite (Product, Periode, ...) read where it occurs instead of by a call."""
        self.in_place += 1
        var, path = f"p{self.in_place}_", f"path{level}"  # its fields' variables, its XPath
        assigned: list[str] = []
        used: list[bool] = [False]
        loop = list(self._loop(shape, child, path, level + 1, assigned, used, var))
        if any(used):
            uses.append(True)
            yield f"{path} = {here}"
        fields = _fast_fields(shape.build)
        yield from self._start(fields, {}, assigned, var)
        yield from loop
        yield from self._build(shape.build, fields, assigned, {}, var, f"made{level}", target)

    def _build(self, build: Callable[..., Any], fields: tuple[dataclasses.Field[Any], ...] | None,
               assigned: list[str], preset: dict[str, Any], var: str, made: str,
               into: str | None) -> Iterator[str]:
        """Make the value from the fields: slots set directly, or `build` called with the fields read;
        return it, or with `into` assign it to that variable."""
        if fields is None:
            pairs = "".join(f"({field!r}, {var}{field}), " for field in assigned)
            yield f"values = {{name: value for name, value in ({pairs}) if value is not MISSING}}"
            yield f"return {self.constant(build, 'build')}(**values)"
            return
        for f in fields:  # the first missing required field in field order, as `__init__` would
            if f.default is dataclasses.MISSING and f.name not in preset:
                yield f"if {var}{f.name} is MISSING:" if f.name in assigned else "if True:"
                yield f"    raise KeyError({f.name!r})"
        values = [(f.name, f"{var}{f.name}" if f.name in assigned else self.constant(f.default, "default"))
                  for f in fields]
        twin = _twin(build)
        if twin is None:
            yield f"{made} = new({self.constant(build, 'cls')})"
            for field, value in values:
                yield f"{self.constant(_setter(cast(type, build), field), 'set')}({made}, {value})"
        else:
            yield f"{made} = new({self.constant(twin, 'twin')})"
            for field, value in values:
                yield f"{made}.{field} = {value}"
            yield f"{made}.__class__ = {self.constant(build, 'cls')}"
        yield f"return {made}" if into is None else f"{into} = {made}"


def _in_place(shape: Shape) -> bool:
    """Whether a composite is read in place: a frozen dataclass of plain values only (no classes)."""
    return shape.part and not shape.initial and _fast_fields(shape.build) is not None \
        and all(child.kind in (TEXT, INTEGER, DATE) for child in shape.children)


_XPATH = object()  # preset marker: the field `xpath` is the reader's own XPath


def _date(element: etree._Element, xpath: str, name: str) -> dt.date:
    """The slow path: xs:date allows surrounding white space; a year past 9999 cannot be held."""
    try:
        return dt.date.fromisoformat((element.text or "").strip())
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

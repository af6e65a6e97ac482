"""Building blocks of the declarative description: simple types, composite types, elements, messages."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SimpleType:
    """A restriction of an XSD built-in (``parent is None``) or, anonymously, of a named simple type."""

    name: str | None
    base: str  # XSD built-in of the value space: "string" | "integer" | "date" | "time"
    enumeration: tuple[str, ...] = ()
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    min_inclusive: int | None = None
    max_inclusive: int | None = None
    example: str | None = None  # a valid value, for generated documents
    parent: SimpleType | None = None

    def chain(self) -> tuple[SimpleType, ...]:
        """This type and the types it restricts, most derived first."""
        return (self,) if self.parent is None else (self, *self.parent.chain())

    def patterns(self) -> tuple[str, ...]:
        """Every pattern that applies (patterns of successive derivation steps all apply)."""
        return tuple(t.pattern for t in self.chain() if t.pattern is not None)

    def facet(self, name: str) -> object:
        """The effective value of a non-pattern facet: the most derived one that sets it."""
        for t in self.chain():
            value = getattr(t, name)
            if value not in (None, ()):
                return value
        return None

    def sample(self) -> str:
        """A valid value of this type."""
        for t in self.chain():
            if t.example is not None:
                return t.example
            if t.enumeration:
                return t.enumeration[0]
        raise ValueError(f"simple type {self.name} has no example value")


@dataclass(frozen=True, slots=True)
class ComplexType:
    """A sequence of elements; ``basis`` types live in the basisschema, the others in a message XSD."""

    name: str
    children: tuple[Element, ...]
    basis: bool = False


@dataclass(frozen=True, slots=True)
class Element:
    """One element declaration: name, type and cardinality (``max_occurs=None`` is unbounded)."""

    name: str
    type: SimpleType | ComplexType
    min_occurs: int = 1
    max_occurs: int | None = 1


@dataclass(frozen=True, slots=True)
class Message:
    """One message structure: root element ``Bericht`` of complex type ``Root``."""

    standard: str
    number: int
    name: str
    purpose: str
    root: ComplexType


def opt(name: str, type_: SimpleType | ComplexType) -> Element:
    """An optional, single element."""
    return Element(name, type_, 0, 1)


def req(name: str, type_: SimpleType | ComplexType) -> Element:
    """A mandatory, single element."""
    return Element(name, type_, 1, 1)


def many(name: str, type_: SimpleType | ComplexType) -> Element:
    """A mandatory, repeating element (1..n)."""
    return Element(name, type_, 1, None)

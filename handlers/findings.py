"""A finding: one violation of the standard, with its level, rule code, retourcode and location."""

from __future__ import annotations

from dataclasses import dataclass, replace

# Check levels as the chain counts them (IV032 / IV088).
XSD = 1  # schema: no retour, an error report instead
IN_MESSAGE = 2  # XSLT-level rules inside one message: retourcode 0001 on the header
CROSS_MESSAGE = 3  # rules against earlier messages: own retourcode on the failing class
EXTERNAL = 4  # system date, CBS list, product code list: own retourcode on the failing class

TECHNICAL_REJECTION = "0001"


@dataclass(frozen=True, slots=True)
class Finding:
    """One violation. `xpath` points at the offending element; `line` is filled in by the codec."""

    level: int
    code: str
    retourcode: str | None
    xpath: str
    text: str
    line: int | None = None

    def at_line(self, line: int | None) -> Finding:
        return replace(self, line=line)

    def as_dict(self) -> dict[str, object]:
        return {"level": self.level, "code": self.code, "retourcode": self.retourcode,
                "xpath": self.xpath, "line": self.line, "text": self.text}

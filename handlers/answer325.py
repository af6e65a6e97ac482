"""The plan of a 325 (declaratie-antwoord): which codes go where and what is awarded (IV087/IV088).

The judge (handlers.declaratie) makes it; the codec (gateway.codec.antwoord) turns it into XML.
XPaths are those of the answered 323 (`/Bericht/Declaratie/Clienten/Client[2]/Prestaties/Prestatie[1]`,
a position only where the element repeats), so the codec can copy each returned class unchanged.

    processed False ........ header only with `header_codes` (0001 on level 2; 9056, 8848, S300)
    antwoord_codes ......... the DeclaratieAntwoord's own codes: 8001 (fully awarded), 0200, or a
                             declaration-level rejection such as 9333 (then nothing is awarded)
    client_codes ........... Clients rejected as a whole: returned with their code, every Prestatie 0233
    prestatie_codes ........ rejected Prestaties: returned with their codes, their Client 0200
"""

from __future__ import annotations

from dataclasses import dataclass, field

FULLY_AWARDED = "8001"
NOT_ASSESSED = "0233"
NO_REMARKS = "0200"
TECHNICAL_REJECTION = "0001"


@dataclass(frozen=True, slots=True)
class AnswerPlan:
    header_codes: tuple[str, ...]
    processed: bool = True
    antwoord_codes: tuple[str, ...] = ()
    toegekend: int = 0  # awarded total in euro cents, credit negative
    client_codes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    prestatie_codes: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def header_only(cls, *codes: str) -> AnswerPlan:
        return cls(tuple(codes), processed=False)

    def every_code(self) -> tuple[str, ...]:
        """Every code of the 325 once, in order: header, DeclaratieAntwoord, clients, prestaties."""
        codes = [*self.header_codes, *self.antwoord_codes]
        codes += [c for group in self.client_codes.values() for c in group]
        codes += [c for group in self.prestatie_codes.values() for c in group]
        if self.client_codes:
            codes.append(NOT_ASSESSED)
        return tuple(dict.fromkeys(codes))

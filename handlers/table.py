"""The one message table: per message type its role, its class, its body, its retour and their classes.

One row per message number; iWmo and iJw share the row (the two standards share structures, their
code lists and BerichtCodes differ, and those live in schemas/registry). Everything else that once
kept its own list of numbers derives from here: the processor's branches, the codec's retour
classes, the decoded class the level-2 rules expect, the sender's field in sender authentication,
the heen messages the external rules and the signals look at. A test checks it against
schemas/registry. Adding a message type is a row here, its decoded class and layout, a `case` in
handlers/dispatch.py for its handler, and their tests.

Roles:

    provider heen ... a provider sends it; checked (levels 1-4), applied, answered with its retour
    own heen ........ the municipality sends it (301, 319); pre-flight checked, recorded, forwarded
    retour .......... the answer on a heen message (number + 1); received ones are paired
    declaration ..... declaratie (323) and its antwoord (325): their own cycle, no retour
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from handlers import messages as m


class Role(StrEnum):
    PROVIDER_HEEN = "provider heen"
    OWN_HEEN = "own heen"
    RETOUR = "retour"
    DECLARATION = "declaration"


HEEN_ROLES = frozenset({Role.PROVIDER_HEEN, Role.OWN_HEEN})


@dataclass(frozen=True, slots=True)
class Row:
    number: int
    role: Role
    message: type  # the class the codec decodes it into (handlers.messages)
    body: str  # the element under Bericht that holds its berichtklassen
    retour: int | None = None  # the number of its retour
    # The berichtklassen (paths below Bericht) that get RetourCodes in its retour with class codes.
    classes: frozenset[str] = frozenset()
    answer: int | None = None  # a declaration's answer (323 → 325): its own message, not a retour


def _client(*below: str) -> frozenset[str]:
    return frozenset({"Client", *(f"Client/{path}" for path in below)})


_P, _O, _R, _D = Role.PROVIDER_HEEN, Role.OWN_HEEN, Role.RETOUR, Role.DECLARATION
TABLE: tuple[Row, ...] = (
    Row(301, _O, m.Toewijzing, "Client", 302, _client(
        "Relaties/Relatie", "Relaties/Relatie/Contact", "Contactgegevens/Contact",
        "ToegewezenProducten/ToegewezenProduct")),
    Row(302, _R, m.ToewijzingRetour, "Client"),
    Row(305, _P, m.Start, "Client", 306, _client("StartProducten/StartProduct")),
    Row(306, _R, m.StartRetour, "Client"),
    Row(307, _P, m.Stop, "Client", 308, _client("StopProducten/StopProduct")),
    Row(308, _R, m.StopRetour, "Client"),
    Row(315, _P, m.VerzoekToewijzing, "Client", 316, _client("AangevraagdeProducten/AangevraagdProduct")),
    Row(316, _R, m.VerzoekToewijzingRetour, "Client"),
    Row(317, _P, m.VerzoekWijziging, "Client", 318, _client(
        "Verzoek", "Verzoek/OngewijzigdeProducten/OngewijzigdProduct",
        "Verzoek/TeWijzigenProducten/TeWijzigenProduct", "Verzoek/NieuweProducten/NieuwProduct")),
    Row(318, _R, m.VerzoekWijzigingRetour, "Client"),
    Row(319, _O, m.AntwoordBericht, "Antwoord", 320, frozenset({"Antwoord", "Antwoord/Woonplaatsbeginsel"})),
    Row(320, _R, m.AntwoordRetour, "Antwoord"),
    Row(323, _D, m.DeclaratieBericht, "Declaratie", answer=325),
    Row(325, _D, m.DeclaratieAntwoordBericht, "DeclaratieAntwoord"),
)

BY_NUMBER: dict[int, Row] = {row.number: row for row in TABLE}


def numbers(*roles: Role) -> frozenset[int]:
    """The message numbers of these roles, e.g. `numbers(Role.RETOUR)`."""
    return frozenset(row.number for row in TABLE if row.role in roles)


def role_of(number: int) -> Role | None:
    row = BY_NUMBER.get(number)
    return row.role if row else None


# The declaration that is judged per Prestatie and answered (323).
DECLARATION: int = next(row.number for row in TABLE if row.answer is not None)


def reply_to(number: int) -> int | None:
    """The number of what answers this message: its retour, or a declaration's answer; None if nothing."""
    row = BY_NUMBER.get(number)
    return None if row is None else row.retour or row.answer


# Heen messages that are answered by a retour (the external rules and the retour signals use it).
WITH_RETOUR: tuple[int, ...] = tuple(row.number for row in TABLE if row.retour is not None)

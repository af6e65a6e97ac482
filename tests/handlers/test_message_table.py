"""The one message table (handlers/table.py) agrees with schemas/registry, the XSD spec and the handlers."""

from __future__ import annotations

import types
import typing

import pytest

from handlers import antwoord, retour, start, stop, toewijzing, verzoek
from handlers.table import BY_NUMBER, DECLARATION, HEEN_ROLES, TABLE, WITH_RETOUR, Role, numbers, reply_to
from schemas import registry
from schemas.spec.messages import RETOUR_CLASSES

SENDER = {Role.PROVIDER_HEEN: "aanbieder", Role.OWN_HEEN: "gemeente"}


def test_one_row_per_message_type_of_each_standard() -> None:
    assert len(BY_NUMBER) == len(TABLE)
    for standard in ("iwmo", "ijw"):
        registered = [mt.number for mt in registry.message_types() if mt.standard == standard]
        assert [row.number for row in TABLE] == registered


@pytest.mark.parametrize("mt", registry.message_types(), ids=lambda mt: mt.name)
def test_role_and_sender_agree_with_the_registry(mt: registry.MessageType) -> None:
    row = BY_NUMBER[mt.number]
    assert (row.role is Role.RETOUR) == mt.is_retour
    if row.role in SENDER:
        assert mt.sender_role == SENDER[row.role]
    if row.role is Role.RETOUR:
        heen = BY_NUMBER[mt.number - 1]
        assert heen.retour == mt.number
        assert mt.sender_role != SENDER[heen.role]  # the receiver of the heen message answers it


def test_retour_numbers_are_the_registry_s() -> None:
    assert numbers(Role.RETOUR) == registry.RETOUR_NUMBERS
    assert set(WITH_RETOUR) == {n - 1 for n in registry.RETOUR_NUMBERS}


def test_every_heen_message_with_a_retour_has_its_retour_classes_as_the_xsd_spec_has_them() -> None:
    for row in TABLE:
        if row.retour is None:
            assert row.role not in HEEN_ROLES
            assert not row.classes
            continue
        assert BY_NUMBER[row.retour].role is Role.RETOUR
        assert row.body in row.classes
        assert {path.rsplit("/", 1)[-1] for path in row.classes} == set(RETOUR_CLASSES[row.retour])


def _handled() -> set[type]:
    handled: set[type] = set()
    for module in (toewijzing, start, stop, verzoek, antwoord, retour):
        hint = typing.get_type_hints(module.handle)["msg"]
        handled.update(typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,))
    return handled


def test_every_heen_and_retour_class_has_a_handler() -> None:
    handled = _handled()
    for row in TABLE:
        if row.role is not Role.DECLARATION:  # 323/325 are stored and acknowledged only, for now
            assert row.message in handled, row.number


def test_the_declaration_is_answered_by_its_own_message_not_a_retour() -> None:
    assert DECLARATION == 323
    assert BY_NUMBER[DECLARATION].retour is None
    assert BY_NUMBER[325].role is Role.DECLARATION
    assert [row.number for row in TABLE if row.answer is not None] == [DECLARATION]
    replies = [reply_to(number) for number in (323, 305, 319, 302, 325)]
    assert replies == [325, 306, 320, None, None]

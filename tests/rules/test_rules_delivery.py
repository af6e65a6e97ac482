"""Level-3 rules of the start (305) and stop (307): each with a passing and a failing case."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from handlers.outcome import DeliveryKey, DeliveryScope
from handlers.rules.cross_message_delivery import Ledger, check_records
from handlers.state import AllocationView
from tests.kit.typed_messages import (
    AANBIEDER,
    BSN,
    GEMEENTE,
    FakeState,
    allocation,
    start_key,
    start_msg,
    start_record,
    stop_key,
    stop_msg,
    stop_record,
)

SCOPE = DeliveryScope("iwmo", GEMEENTE, AANBIEDER, BSN)


def ledger(*entries: DeliveryKey, allocations: Mapping[int, AllocationView | None] | None = None) -> Ledger:
    known: Mapping[int, AllocationView | None] = (
        allocations if allocations is not None else {1001: allocation()}
    )
    return Ledger(SCOPE, list(entries), dict(known))


def retourcodes(msg: object, book: Ledger) -> list[str]:
    return [str(f.retourcode) for f in check_records(msg, book)]  # type: ignore[arg-type]


def test_tr019_start_linked_to_allocation_passes() -> None:
    assert retourcodes(start_msg(start_record()), ledger()) == []


def test_tr019_start_without_allocation_fails() -> None:
    assert retourcodes(start_msg(start_record(nr=4242)), ledger(allocations={4242: None})) == ["9019"]


def test_tr019_allocation_of_another_client_fails() -> None:
    other = {1001: allocation(bsn="999900018")}
    assert retourcodes(start_msg(start_record()), ledger(allocations=other)) == ["9019"]


def test_tr019_deleted_allocation_fails() -> None:
    deleted = {1001: allocation(einde=date(2024, 1, 1), reden="13")}
    assert retourcodes(start_msg(start_record()), ledger(allocations=deleted)) == ["9019"]


def test_tr074_new_key_passes_and_known_key_fails() -> None:
    first_stopped = ledger(start_key(), stop_key(reden="19"))
    assert retourcodes(start_msg(start_record(begin=date(2024, 3, 1))), first_stopped) == []
    assert "9074" in retourcodes(start_msg(start_record()), ledger(start_key()))


def test_tr063_deletion_of_known_start_passes() -> None:
    assert retourcodes(start_msg(start_record(status="3")), ledger(start_key())) == []


def test_tr063_deletion_without_original_fails() -> None:
    assert retourcodes(start_msg(start_record(status="3")), ledger()) == ["9063"]


def test_tr071_deletion_of_stopped_start_fails() -> None:
    assert retourcodes(start_msg(start_record(status="3")), ledger(start_key(), stop_key())) == ["9071"]


def test_tr071_deletion_of_unstopped_start_passes() -> None:
    assert retourcodes(start_msg(start_record(status="3")), ledger(start_key(), stop_key(nr=2002))) == []


def test_tr326_second_start_while_current_fails() -> None:
    assert retourcodes(start_msg(start_record(begin=date(2024, 3, 1))), ledger(start_key())) == ["9326"]


def test_tr326_restart_after_temporary_stop_passes() -> None:
    assert retourcodes(start_msg(start_record(begin=date(2024, 3, 1))), ledger(start_key(), stop_key())) == []


def test_tr326_two_starts_in_one_message_fail_on_the_second() -> None:
    msg = start_msg(start_record(1), start_record(2, begin=date(2024, 2, 5)))
    found = check_records(msg, ledger())
    assert [(f.retourcode, f.xpath[-15:]) for f in found] == [("9326", "StartProduct[2]")]


def test_tr326_correction_delete_then_new_in_one_message_passes() -> None:
    msg = start_msg(start_record(1, begin=date(2024, 2, 3)), start_record(2, status="3"))
    assert retourcodes(msg, ledger(start_key())) == []


def test_tr382_stop_with_start_key_passes() -> None:
    assert retourcodes(stop_msg(stop_record()), ledger(start_key())) == []


def test_tr382_stop_without_matching_start_fails() -> None:
    assert retourcodes(stop_msg(stop_record(begin=date(2024, 2, 2))), ledger(start_key())) == ["9069"]


def test_tr413_second_temporary_stop_fails() -> None:
    book = ledger(start_key(), stop_key())
    assert retourcodes(stop_msg(stop_record(end=date(2024, 2, 25))), book) == ["9413"]


def test_tr413_definitive_after_temporary_passes() -> None:
    book = ledger(start_key(), stop_key())
    assert retourcodes(stop_msg(stop_record(reden="19", end=date(2024, 2, 25))), book) == []


def test_tr414_definitive_stop_before_temporary_end_fails() -> None:
    book = ledger(start_key(), stop_key())
    assert retourcodes(stop_msg(stop_record(reden="19", end=date(2024, 2, 10))), book) == ["9414"]


def test_tr414_definitive_stop_on_same_end_passes() -> None:
    book = ledger(start_key(), stop_key())
    assert retourcodes(stop_msg(stop_record(reden="19", end=date(2024, 2, 20))), book) == []


def test_tr415_stop_after_definitive_stop_fails() -> None:
    book = ledger(start_key(), stop_key(reden="19"))
    assert retourcodes(stop_msg(stop_record(reden="21", end=date(2024, 2, 25))), book) == ["9415"]


def test_tr415_first_definitive_stop_passes() -> None:
    assert retourcodes(stop_msg(stop_record(reden="21")), ledger(start_key())) == []


def test_tr063_stop_deletion_then_correction_in_one_message_passes() -> None:
    msg = stop_msg(stop_record(1, reden="19"), stop_record(2, status="3"))
    assert retourcodes(msg, ledger(start_key(), stop_key())) == []


async def test_tr019_state_is_read_for_the_named_allocations() -> None:
    from handlers.rules.cross_message_delivery import load_ledger

    state = FakeState(allocations=[allocation()], entries=[start_key()])
    book = await load_ledger(SCOPE, start_msg(start_record()).client.producten, state)
    assert book.allocations[1001] == allocation()
    assert book.entries == [start_key()]

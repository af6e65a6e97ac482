"""Level-3 rules of the start (305) and stop (307) messages, checked record by record against a ledger.

The ledger holds the client's active starts and stops (with this aanbieder and gemeente) plus the
allocations the message names. Records are checked deletions first, then additions, in document
order, and every record that passes is applied to the ledger, so later records of the same message see
it (IV008: a deletion is processed before a new delivery with the same key).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from handlers.findings import CROSS_MESSAGE, Finding
from handlers.messages import Product, Start, StartProduct, Stop, StopProduct
from handlers.outcome import AllocationKey, DeliveryKey, DeliveryScope
from handlers.rules.cross_message import cross
from handlers.rules.registry import rule
from handlers.state import AllocationView, DeliveryState

TEMPORARY = "20"  # RedenBeeindiging: delivery temporarily ended (same code in iWmo and iJw)
Record = StartProduct | StopProduct


@dataclass(slots=True)
class Ledger:
    scope: DeliveryScope
    entries: list[DeliveryKey]
    allocations: dict[int, AllocationView | None] = field(default_factory=dict)

    def stops_of(self, key: DeliveryKey) -> list[DeliveryKey]:
        """Active stops of the delivery that started on key.begindatum under the same ToewijzingNummer."""
        return [
            e
            for e in self.entries
            if e.kind == "stop"
            and e.toewijzingnummer == key.toewijzingnummer
            and e.begindatum == key.begindatum
        ]


def _product(product: Product | None) -> tuple[str | None, str | None]:
    return (product.categorie, product.code) if product else (None, None)


def key_of(record: Record) -> DeliveryKey:
    categorie, code = _product(record.product)
    if isinstance(record, StartProduct):
        return DeliveryKey("start", record.toewijzingnummer, categorie, code, record.begindatum)
    return DeliveryKey(
        "stop",
        record.toewijzingnummer,
        categorie,
        code,
        record.begindatum,
        record.reden_beeindiging,
        record.einddatum,
    )


def start_of(key: DeliveryKey) -> DeliveryKey:
    """The key of the start a stop refers to (TR382: the start's key elements copied unchanged)."""
    return DeliveryKey("start", key.toewijzingnummer, key.product_categorie, key.product_code, key.begindatum)


async def load_ledger(scope: DeliveryScope, records: tuple[Record, ...], state: DeliveryState) -> Ledger:
    ledger = Ledger(scope, list(await state.deliveries(scope)))
    for number in {r.toewijzingnummer for r in records if r.toewijzingnummer is not None}:
        ledger.allocations[number] = await state.allocation(
            AllocationKey(scope.standard, scope.gemeente, number)
        )
    return ledger


@rule(
    "TR019",
    level=CROSS_MESSAGE,
    retourcode="9019",
    messages=(305, 307),
    summary="A start/stop with a ToewijzingNummer relates to an allocation of this client and provider",
)
def tr019_linked_to_allocation(record: Record, ledger: Ledger) -> Finding | None:
    number = record.toewijzingnummer
    if number is None or record.status_aanlevering == "3":
        return None
    found = ledger.allocations.get(number)
    if (
        found
        and not found.deleted
        and (found.bsn, found.aanbieder) == (ledger.scope.bsn, ledger.scope.aanbieder)
    ):
        return None
    return cross(
        "TR019", "9019", record.xpath, f"no allocation with ToewijzingNummer {number} for this client"
    )


@rule(
    "TR074",
    level=CROSS_MESSAGE,
    retourcode="9074",
    messages=(305, 307),
    summary="A new record (StatusAanlevering 1) has a key not received before",
)
def tr074_key_not_seen(record: Record, ledger: Ledger) -> Finding | None:
    if record.status_aanlevering != "1" or key_of(record) not in ledger.entries:
        return None
    return cross("TR074", "9074", record.xpath, "a record with the same key was already received")


@rule(
    "TR063",
    level=CROSS_MESSAGE,
    retourcode="9063",
    messages=(305, 307),
    summary="A deletion (StatusAanlevering 3) matches an earlier record with the same key",
)
def tr063_deletion_has_original(record: Record, ledger: Ledger) -> Finding | None:
    if record.status_aanlevering != "3" or key_of(record) in ledger.entries:
        return None
    return cross("TR063", "9063", record.xpath, "no earlier record with this key to delete")


@rule(
    "TR071",
    level=CROSS_MESSAGE,
    retourcode="9071",
    messages=(305,),
    summary="A start cannot be deleted once a stop was sent for it",
)
def tr071_no_deletion_after_stop(record: Record, ledger: Ledger) -> Finding | None:
    if not isinstance(record, StartProduct) or record.status_aanlevering != "3":
        return None
    if not ledger.stops_of(key_of(record)):
        return None
    return cross("TR071", "9071", record.xpath, "this start was already stopped and cannot be deleted")


@rule(
    "TR326",
    level=CROSS_MESSAGE,
    retourcode="9326",
    messages=(305,),
    summary="A new start only when the allocated product has no current (unstopped) start",
)
def tr326_no_current_start(record: Record, ledger: Ledger) -> Finding | None:
    if not isinstance(record, StartProduct) or record.status_aanlevering != "1":
        return None
    new = key_of(record)
    for entry in ledger.entries:
        same_product = (
            entry.toewijzingnummer == new.toewijzingnummer
            if new.toewijzingnummer is not None
            else (entry.product_categorie, entry.product_code) == (new.product_categorie, new.product_code)
        )
        if entry.kind == "start" and same_product and not ledger.stops_of(entry):
            return cross(
                "TR326", "9326", record.xpath, f"the start of {entry.begindatum} was not stopped yet"
            )
    return None


@rule(
    "TR382",
    level=CROSS_MESSAGE,
    retourcode="9069",
    messages=(307,),
    summary="A stop copies the key elements of an existing start unchanged",
)
def tr382_stop_matches_start(record: Record, ledger: Ledger) -> Finding | None:
    if not isinstance(record, StopProduct) or record.status_aanlevering != "1":
        return None
    if start_of(key_of(record)) in ledger.entries:
        return None
    return cross("TR382", "9069", record.xpath, "no start with the same key elements")


def _earlier_stops(record: Record, ledger: Ledger) -> list[DeliveryKey]:
    if not isinstance(record, StopProduct) or record.status_aanlevering != "1":
        return []
    return ledger.stops_of(key_of(record))


@rule(
    "TR413",
    level=CROSS_MESSAGE,
    retourcode="9413",
    messages=(307,),
    summary="After a temporary stop (20) only a definitive stop may follow for the same start",
)
def tr413_one_temporary_stop(record: Record, ledger: Ledger) -> Finding | None:
    earlier = _earlier_stops(record, ledger)
    if (
        isinstance(record, StopProduct)
        and record.reden_beeindiging == TEMPORARY
        and any(stop.reden_beeindiging == TEMPORARY for stop in earlier)
    ):
        return cross("TR413", "9413", record.xpath, "this delivery was already stopped temporarily")
    return None


@rule(
    "TR414",
    level=CROSS_MESSAGE,
    retourcode="9414",
    messages=(307,),
    summary="A following stop ends on or after the Einddatum of the current stop",
)
def tr414_end_not_before_current_stop(record: Record, ledger: Ledger) -> Finding | None:
    for stop in _earlier_stops(record, ledger):
        if isinstance(record, StopProduct) and stop.einddatum and record.einddatum < stop.einddatum:
            return cross(
                "TR414", "9414", record.xpath, f"Einddatum lies before the current stop's {stop.einddatum}"
            )
    return None


@rule(
    "TR415",
    level=CROSS_MESSAGE,
    retourcode="9415",
    messages=(307,),
    summary="No new stop once a definitive stop (reason other than 20) exists for the same start",
)
def tr415_nothing_after_definitive_stop(record: Record, ledger: Ledger) -> Finding | None:
    if any(stop.reden_beeindiging != TEMPORARY for stop in _earlier_stops(record, ledger)):
        return cross("TR415", "9415", record.xpath, "this delivery was already stopped definitively")
    return None


RECORD_RULES: tuple[Callable[[Record, Ledger], Finding | None], ...] = (
    tr019_linked_to_allocation,
    tr063_deletion_has_original,
    tr071_no_deletion_after_stop,
    tr074_key_not_seen,
    tr326_no_current_start,
    tr382_stop_matches_start,
    tr413_one_temporary_stop,
    tr414_end_not_before_current_stop,
    tr415_nothing_after_definitive_stop,
)


def in_processing_order(records: tuple[Record, ...]) -> list[Record]:
    """Deletions first, then additions, each in document order (IV008)."""
    return [r for r in records if r.status_aanlevering == "3"] + [
        r for r in records if r.status_aanlevering != "3"
    ]


def check_records(msg: Start | Stop, ledger: Ledger) -> list[Finding]:
    """Run every record rule; a record that passes is applied to the ledger for the records after it."""
    findings: list[Finding] = []
    for record in in_processing_order(msg.client.producten):
        found = [f for f in (check(record, ledger) for check in RECORD_RULES) if f is not None]
        findings.extend(found)
        if not found:
            key = key_of(record)
            if record.status_aanlevering == "3":
                ledger.entries.remove(key)
            else:
                ledger.entries.append(key)
    return findings

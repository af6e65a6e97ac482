"""305 (start zorg) from a provider: levels 3–4 per StartProduct, then deliveries added or removed."""

from __future__ import annotations

from handlers.context import Context
from handlers.messages import Start, StartClient, Stop, StopClient
from handlers.outcome import (
    AddDelivery,
    Command,
    DeliveryScope,
    Outcome,
    RemoveDelivery,
    UpsertClient,
    decide,
)
from handlers.rules import cross_message, cross_message_delivery, external
from handlers.rules.cross_message_delivery import in_processing_order, key_of
from handlers.state import DeliveryState


def scope_of(msg: Start | Stop) -> DeliveryScope:
    return DeliveryScope(msg.meta.standard, msg.header.ontvanger, msg.header.afzender, msg.client.bsn)


def class_xpaths(msg: Start | Stop) -> list[str]:
    return [msg.header.xpath, msg.client.xpath, *(p.xpath for p in msg.client.producten)]


def known_client(client: StartClient | StopClient) -> UpsertClient:
    """Creates the client when unknown (name and birth date as the provider sent them); never overwrites."""
    naam = client.naam
    return UpsertClient(
        bsn=client.bsn,
        geslachtsnaam=naam.geslachtsnaam.achternaam,
        voorvoegsel=naam.geslachtsnaam.voorvoegsel,
        voornamen=naam.voornamen,
        voorletters=naam.voorletters,
        geboortedatum=client.geboortedatum.datum,
    )


def delivery_commands(msg: Start | Stop) -> list[Command]:
    scope, commands = scope_of(msg), list[Command]()
    for record in in_processing_order(msg.client.producten):
        if record.status_aanlevering == "3":
            commands.append(RemoveDelivery(scope, key_of(record)))
        else:
            commands.append(AddDelivery(scope, key_of(record), record.toewijzing_ingangsdatum))
    return commands


async def check_and_apply(msg: Start | Stop, state: DeliveryState, ctx: Context) -> Outcome:
    """Shared by 305 and 307: the two messages differ only in their record rules."""
    ledger = await cross_message_delivery.load_ledger(scope_of(msg), msg.client.producten, state)
    findings = [
        *external.check(msg, ctx),
        *await cross_message.tr056_identificatie_unique(msg, state),
        *cross_message_delivery.check_records(msg, ledger),
    ]
    return decide(findings, class_xpaths(msg), [known_client(msg.client), *delivery_commands(msg)])


async def handle(msg: Start, state: DeliveryState, ctx: Context) -> Outcome:
    return await check_and_apply(msg, state, ctx)

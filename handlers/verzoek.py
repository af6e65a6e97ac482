"""315 (VOT) and 317 (VOW) from a provider: levels 3–4, then the request recorded as pending."""

from __future__ import annotations

from handlers.context import Context
from handlers.messages import VerzoekToewijzing, VerzoekWijziging
from handlers.outcome import Command, Outcome, RecordRequest, UpsertClient, decide
from handlers.rules import cross_message_request, external
from handlers.rules.cross_message_request import scope_of
from handlers.state import RequestState

Detail = tuple[str, str | int | None]


def class_xpaths(msg: VerzoekToewijzing | VerzoekWijziging) -> list[str]:
    if isinstance(msg, VerzoekToewijzing):
        return [msg.header.xpath, msg.client.xpath, *(p.xpath for p in msg.client.producten)]
    verzoek = msg.client.verzoek
    products = [p.xpath for p in verzoek.ongewijzigd] + [p.xpath for p in verzoek.te_wijzigen]
    return [msg.header.xpath, msg.client.xpath, verzoek.xpath, *products, *(p.xpath for p in verzoek.nieuw)]


def vot_commands(msg: VerzoekToewijzing) -> list[Command]:
    client, naam = msg.client, msg.client.naam
    commands: list[Command] = [
        UpsertClient(
            bsn=client.bsn,
            geslachtsnaam=naam.geslachtsnaam.achternaam,
            voorvoegsel=naam.geslachtsnaam.voorvoegsel,
            voornamen=naam.voornamen,
            voorletters=naam.voorletters,
            geboortedatum=client.geboortedatum.datum,
        )
    ]
    for p in client.producten:
        details: tuple[Detail, ...] = (
            ("product_categorie", p.product.categorie if p.product else None),
            ("product_code", p.product.code if p.product else None),
            ("toewijzing_ingangsdatum", p.toewijzing_ingangsdatum.isoformat()),
            ("toewijzing_einddatum", p.toewijzing_einddatum.isoformat() if p.toewijzing_einddatum else None),
            ("volume", p.omvang.volume if p.omvang else None),
            ("budget", p.budget),
        )
        commands.append(RecordRequest(scope_of(msg), "vot", p.referentie_aanbieder, details))
    return commands


def vow_commands(msg: VerzoekWijziging) -> list[Command]:
    verzoek = msg.client.verzoek
    details: tuple[Detail, ...] = (
        ("reden_verzoek", verzoek.reden_verzoek),
        ("ongewijzigd", ",".join(str(p.toewijzingnummer) for p in verzoek.ongewijzigd)),
        ("te_wijzigen", ",".join(str(p.toewijzingnummer) for p in verzoek.te_wijzigen)),
        ("nieuw", len(verzoek.nieuw)),
    )
    return [
        UpsertClient(bsn=msg.client.bsn),
        RecordRequest(scope_of(msg), "vow", verzoek.referentie_aanbieder, details),
    ]


async def handle(msg: VerzoekToewijzing | VerzoekWijziging, state: RequestState, ctx: Context) -> Outcome:
    """A request that passes is pending until a 319 rejects it or a 301 honours its ReferentieAanbieder."""
    if isinstance(msg, VerzoekToewijzing):
        findings = await cross_message_request.check_verzoek_toewijzing(msg, state)
        commands = vot_commands(msg)
    else:
        findings = await cross_message_request.check_verzoek_wijziging(msg, state)
        commands = vow_commands(msg)
    return decide([*external.check(msg, ctx), *findings], class_xpaths(msg), commands)

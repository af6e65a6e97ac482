"""301 (toewijzing) sent by the municipality: pre-flight with the provider's checks, then its effects.

A 301 is a snapshot per client and provider (OP087): every ToegewezenProduct becomes a version of its
allocation; an allocation absent from a later 301 is not touched (absence is not deletion).
"""

from __future__ import annotations

from handlers.context import Context
from handlers.messages import Adres, Contact, Toewijzing, ToewijzingClient
from handlers.outcome import AllocationKey, Command, Outcome, RecordAllocationVersion, UpsertClient, decide
from handlers.rules import cross_message, external
from handlers.state import RequestState

ADDRESS_PREFERENCE = ("01", "03", "02")  # BRP address, then residence, then correspondence address


def class_xpaths(msg: Toewijzing) -> list[str]:
    client = msg.client
    xpaths = [msg.header.xpath, client.xpath, *(c.xpath for c in client.contacten)]
    for relatie in client.relaties:
        xpaths += [relatie.xpath, relatie.contact.xpath]
    return xpaths + [p.xpath for p in client.producten]


def _address(contacten: tuple[Contact, ...]) -> Adres | None:
    for soort in ADDRESS_PREFERENCE:
        for contact in contacten:
            if contact.soort == soort and contact.adres is not None:
                return contact.adres
    return None


def client_data(client: ToewijzingClient) -> UpsertClient:
    """The client as this 301 describes it: name, birth date and the preferred address."""
    naam, adres = client.naam, _address(client.contacten)
    huis = adres.huis if adres else None
    return UpsertClient(
        bsn=client.bsn,
        geslachtsnaam=naam.geslachtsnaam.achternaam,
        voorvoegsel=naam.geslachtsnaam.voorvoegsel,
        voornamen=naam.voornamen,
        voorletters=naam.voorletters,
        geboortedatum=client.geboortedatum.datum,
        straatnaam=adres.straatnaam if adres else None,
        postcode=adres.postcode if adres else None,
        plaatsnaam=adres.plaatsnaam if adres else None,
        huisnummer=huis.huisnummer if huis else None,
        huisletter=huis.huisletter if huis else None,
        huisnummer_toevoeging=huis.toevoeging if huis else None,
        full=True,
    )


def versions(msg: Toewijzing) -> list[RecordAllocationVersion]:
    commands = []
    for p in msg.client.producten:
        omvang = p.omvang
        commands.append(
            RecordAllocationVersion(
                key=AllocationKey(msg.meta.standard, msg.header.afzender, p.toewijzingnummer),
                bsn=msg.client.bsn,
                aanbieder=msg.header.ontvanger,
                ingangsdatum=p.ingangsdatum,
                toewijzingsdatum=p.toewijzingsdatum,
                toewijzingstijd=p.toewijzingstijd,
                product_categorie=p.product.categorie if p.product else None,
                product_code=p.product.code if p.product else None,
                einddatum=p.einddatum,
                reden_wijziging=p.reden_wijziging,
                volume=omvang.volume if omvang else None,
                eenheid=omvang.eenheid if omvang else None,
                frequentie=omvang.frequentie if omvang else None,
                budget=p.budget,
                referentie_aanbieder=p.referentie_aanbieder,
            )
        )
    return commands


async def handle(msg: Toewijzing, state: RequestState, ctx: Context) -> Outcome:
    """Levels 3–4 as the provider will apply them; when clean: the client and one version per product."""
    findings = [*external.check(msg, ctx), *await cross_message.check_toewijzing(msg, state)]
    commands: list[Command] = [client_data(msg.client), *versions(msg)]
    return decide(findings, class_xpaths(msg), commands)

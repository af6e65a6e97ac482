"""Level-4 rules against external sources: system date (TR135), CBS list (TR378), product codes (TR381)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from handlers.context import Context
from handlers.findings import EXTERNAL, Finding
from handlers.messages import (
    AntwoordBericht,
    HeenMessage,
    Product,
    Start,
    Stop,
    Toewijzing,
    VerzoekToewijzing,
    VerzoekWijziging,
)
from handlers.rules.registry import rule
from handlers.table import WITH_RETOUR

HEEN = (*WITH_RETOUR, 323)  # heen messages answered by a retour, and the declaration (its 325)
DAGTEKENING_XPATH = "/Bericht/Header/BerichtIdentificatie/Dagtekening"


def external(code: str, retourcode: str, xpath: str, text: str) -> Finding:
    return Finding(EXTERNAL, code, retourcode, xpath, text)


@rule(
    "TR135",
    level=EXTERNAL,
    retourcode="8848",
    messages=HEEN,
    summary="Dagtekening is an existing date not in the future (against today's date)",
)
def tr135_dagtekening_not_in_future(msg: HeenMessage, ctx: Context) -> list[Finding]:
    if msg.header.dagtekening <= ctx.today:
        return []
    text = f"Dagtekening {msg.header.dagtekening} lies after today ({ctx.today})"
    return [external("TR135", "8848", DAGTEKENING_XPATH, text)]


def _gemeente_and_dates(msg: HeenMessage) -> tuple[str, str, list[date]]:
    """The gemeente code of the message, where it sits, and the dates on which it may be valid (TR378)."""
    header = msg.header
    if isinstance(msg, Toewijzing):
        return header.afzender, "/Bericht/Header/Afzender", [p.ingangsdatum for p in msg.client.producten]
    if isinstance(msg, AntwoordBericht):
        return header.afzender, "/Bericht/Header/Afzender", []
    dates: list[date] = []
    if isinstance(msg, Start | Stop):
        dates = [p.toewijzing_ingangsdatum or p.begindatum for p in msg.client.producten]
    elif isinstance(msg, VerzoekToewijzing):
        dates = [p.toewijzing_ingangsdatum for p in msg.client.producten]
    return header.ontvanger, "/Bericht/Header/Ontvanger", dates


@rule(
    "TR378",
    level=EXTERNAL,
    retourcode="S300",
    messages=HEEN,
    summary="Gemeente code exists in the CBS list valid on the (Toewijzing)Ingangsdatum or the Dagtekening",
)
def tr378_gemeente_in_cbs_list(msg: HeenMessage, ctx: Context) -> list[Finding]:
    code, xpath, dates = _gemeente_and_dates(msg)
    dagtekening = msg.header.dagtekening
    valid_now = ctx.municipalities.valid_on(code, dagtekening)
    # After a merger the old code stays allowed for products that started before it (TR378 toelichting).
    if not (valid_now or (dates and all(ctx.municipalities.valid_on(code, on) for on in dates))):
        return [external("TR378", "S300", xpath, f"gemeente {code} is not in the CBS list of {dagtekening}")]
    findings: list[Finding] = []
    if isinstance(msg, AntwoordBericht) and msg.antwoord.woonplaatsbeginsel is not None:
        other = msg.antwoord.woonplaatsbeginsel
        if not ctx.municipalities.valid_on(other.gemeente, dagtekening):
            text = f"Woonplaatsbeginsel gemeente {other.gemeente} is not in the CBS list of {dagtekening}"
            findings.append(external("TR378", "S300", other.xpath, text))
    return findings


def _products(msg: HeenMessage) -> Iterable[tuple[Product | None, str]]:
    """Every product of the message with its class xpath; records that delete (status 3) are not checked."""
    if isinstance(msg, Toewijzing | VerzoekToewijzing):
        return ((p.product, p.xpath) for p in msg.client.producten)
    if isinstance(msg, Start | Stop):
        return ((p.product, p.xpath) for p in msg.client.producten if p.status_aanlevering != "3")
    if isinstance(msg, VerzoekWijziging):
        return ((p.product, p.xpath) for p in msg.client.verzoek.nieuw)
    return ()


@rule(
    "TR381",
    level=EXTERNAL,
    retourcode="S329",
    messages=(301, 305, 307, 315, 317),
    summary="ProductCode belongs to the ProductCategorie in the configured product code list (off when none)",
)
def tr381_product_code_in_list(msg: HeenMessage, ctx: Context) -> list[Finding]:
    codes = ctx.product_codes
    if codes is None:
        return []
    findings = []
    for product, xpath in _products(msg):
        if product is None or product.code is None:
            continue
        if not codes.allows(msg.meta.standard, product.categorie, product.code):
            text = f"ProductCode {product.code} is not a code of ProductCategorie {product.categorie}"
            findings.append(external("TR381", "S329", xpath, text))
    return findings


def check(msg: HeenMessage, ctx: Context) -> list[Finding]:
    """All level-4 findings for a heen message (none of these rules needs the register)."""
    return [
        *tr135_dagtekening_not_in_future(msg, ctx),
        *tr378_gemeente_in_cbs_list(msg, ctx),
        *tr381_product_code_in_list(msg, ctx),
    ]

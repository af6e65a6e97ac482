"""XML templates of the scenario messages (both standards), filled from small dataclasses; test BSNs only."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time

from tests.kit.identity import AANBIEDER, BSN, GEMEENTE, berichtcode, gemeente_sends

PRODUCT = {"iwmo": ("02", "02A01"), "ijw": ("45", "45A01")}  # (categorie, code) per standard
OTHER_PRODUCT = {"iwmo": ("07", "07A01"), "ijw": ("54", "54A01")}

__all__ = ["AANBIEDER", "BSN", "GEMEENTE"]


def names(standard: str, number: int) -> tuple[str, str, str, str]:
    """(message prefix, message namespace, basis prefix, basis namespace)."""
    short = "wmo" if standard == "iwmo" else "jw"
    base = f"http://www.istandaarden.nl/{standard}/3_2"
    return f"{short}{number}", f"{base}/{short}{number}/schema", standard, f"{base}/basisschema/schema"


def wrap(standard: str, number: int, ident: str, dag: date, body: str) -> bytes:
    m, mns, b, bns = names(standard, number)
    afzender, ontvanger = (GEMEENTE, AANBIEDER) if gemeente_sends(number) else (AANBIEDER, GEMEENTE)
    text = f"""<?xml version="1.0" encoding="UTF-8"?>
<m:Bericht xmlns:b="{bns}" xmlns:m="{mns}">
  <m:Header>
    <m:BerichtCode>{berichtcode(standard, number)}</m:BerichtCode><m:BerichtVersie>3</m:BerichtVersie>
    <m:BerichtSubversie>2</m:BerichtSubversie><m:Afzender>{afzender}</m:Afzender><m:Ontvanger>{ontvanger}</m:Ontvanger>
    <m:BerichtIdentificatie><b:Identificatie>{ident}</b:Identificatie><b:Dagtekening>{dag}</b:Dagtekening>
    </m:BerichtIdentificatie>
    <m:XsdVersie><b:BasisschemaXsdVersie>1.0.0</b:BasisschemaXsdVersie><b:BerichtXsdVersie>1.0.0</b:BerichtXsdVersie>
    </m:XsdVersie>
  </m:Header>
{body}
</m:Bericht>
"""
    for short, prefix in (("m", m), ("b", b)):
        text = text.replace(f"<{short}:", f"<{prefix}:").replace(f"</{short}:", f"</{prefix}:")
        text = text.replace(f"xmlns:{short}=", f"xmlns:{prefix}=")
    return text.encode()


def product_xml(categorie: str | None, code: str | None) -> str:
    if categorie is None:
        return ""
    code_xml = f"<b:Code>{code}</b:Code>" if code else ""
    return f"<m:Product><b:Categorie>{categorie}</b:Categorie>{code_xml}</m:Product>"


def omvang_xml(volume: int | None, eenheid: str = "04", frequentie: str = "4") -> str:
    if volume is None:
        return ""
    return (
        f"<m:Omvang><b:Volume>{volume}</b:Volume><b:Eenheid>{eenheid}</b:Eenheid>"
        f"<b:Frequentie>{frequentie}</b:Frequentie></m:Omvang>"
    )


def short_client(bsn: str) -> str:
    return f"""    <m:Bsn>{bsn}</m:Bsn><m:Geboortedatum><b:Datum>1980-05-17</b:Datum></m:Geboortedatum>
    <m:Geslacht>2</m:Geslacht><m:Naam><b:Geslachtsnaam><b:Achternaam>Testpersoon</b:Achternaam></b:Geslachtsnaam>
    <b:Voorletters>A</b:Voorletters></m:Naam>"""


@dataclass(frozen=True)
class Assigned:
    """A ToegewezenProduct of a 301."""

    nr: int
    ingang: date
    einde: date | None
    datum: date = date(2024, 1, 5)
    tijd: time = time(9, 0)
    reden: str | None = None
    ref: str | None = None
    product: tuple[str, str] | None = None  # default: PRODUCT[standard]
    volume: int | None = 8


def toewijzing(standard: str, ident: str, dag: date, *products: Assigned, bsn: str = BSN) -> bytes:
    items = []
    for p in products:
        categorie, code = p.product or PRODUCT[standard]
        ref = f"<m:ReferentieAanbieder>{p.ref}</m:ReferentieAanbieder>" if p.ref else ""
        einde = f"<m:Einddatum>{p.einde}</m:Einddatum>" if p.einde else ""
        reden = f"<m:RedenWijziging>{p.reden}</m:RedenWijziging>" if p.reden else ""
        items.append(f"""      <m:ToegewezenProduct><m:ToewijzingNummer>{p.nr}</m:ToewijzingNummer>{ref}
        {product_xml(categorie, code)}
        <m:Toewijzingsdatum>{p.datum}</m:Toewijzingsdatum><m:Toewijzingstijd>{p.tijd}</m:Toewijzingstijd>
        <m:Ingangsdatum>{p.ingang}</m:Ingangsdatum>{einde}{reden}{omvang_xml(p.volume)}</m:ToegewezenProduct>""")
    body = f"""  <m:Client>
    <m:Bsn>{bsn}</m:Bsn><m:Geboortedatum><b:Datum>1980-05-17</b:Datum></m:Geboortedatum><m:Geslacht>2</m:Geslacht>
    <m:Naam><b:Geslachtsnaam><b:Achternaam>Testpersoon</b:Achternaam></b:Geslachtsnaam><b:Voorletters>A</b:Voorletters>
      <b:NaamGebruik>1</b:NaamGebruik></m:Naam>
    <m:Contactgegevens><m:Contact><m:Soort>01</m:Soort><m:Adres><b:Huis><b:Huisnummer>12</b:Huisnummer></b:Huis>
      <b:Postcode>1011AB</b:Postcode><b:Straatnaam>Teststraat</b:Straatnaam><b:Plaatsnaam>Amsterdam</b:Plaatsnaam>
      <b:LandCode>NL</b:LandCode></m:Adres></m:Contact></m:Contactgegevens>
    <m:ToegewezenProducten>
{chr(10).join(items)}
    </m:ToegewezenProducten>
  </m:Client>"""
    return wrap(standard, 301, ident, dag, body)


@dataclass(frozen=True)
class Delivery:
    """A StartProduct (reden None) or StopProduct of a 305/307."""

    nr: int | None
    begin: date
    status: str = "1"
    reden: str | None = None
    einde: date | None = None
    ingang: date | None = None
    product: tuple[str, str] | None = None


def _delivery(standard: str, d: Delivery, stop: bool) -> str:
    categorie, code = d.product or PRODUCT[standard]
    nr = f"<m:ToewijzingNummer>{d.nr}</m:ToewijzingNummer>" if d.nr is not None else ""
    ingang = f"<m:ToewijzingIngangsdatum>{d.ingang}</m:ToewijzingIngangsdatum>" if d.ingang else ""
    end = f"<m:RedenBeeindiging>{d.reden}</m:RedenBeeindiging>" if stop else ""
    end += f"<m:Einddatum>{d.einde}</m:Einddatum>" if stop else ""
    kind = "StopProduct" if stop else "StartProduct"
    return (
        f"      <m:{kind}>{nr}{product_xml(categorie, code)}{ingang}"
        f"<m:Begindatum>{d.begin}</m:Begindatum>{end}"
        f"<m:StatusAanlevering>{d.status}</m:StatusAanlevering></m:{kind}>"
    )


def start(standard: str, ident: str, dag: date, *records: Delivery, bsn: str = BSN) -> bytes:
    items = "\n".join(_delivery(standard, r, False) for r in records)
    body = f"<m:Client>\n{short_client(bsn)}\n<m:StartProducten>\n{items}\n</m:StartProducten></m:Client>"
    return wrap(standard, 305, ident, dag, body)


def stop(standard: str, ident: str, dag: date, *records: Delivery, bsn: str = BSN) -> bytes:
    items = "\n".join(_delivery(standard, r, True) for r in records)
    body = f"<m:Client>\n{short_client(bsn)}\n<m:StopProducten>\n{items}\n</m:StopProducten></m:Client>"
    return wrap(standard, 307, ident, dag, body)


def vot(
    standard: str,
    ident: str,
    dag: date,
    *refs: str,
    ingang: date = date(2024, 4, 1),
    einde: date = date(2024, 12, 31),
    bsn: str = BSN,
) -> bytes:
    categorie, code = PRODUCT[standard]
    items = "\n".join(
        f"""      <m:AangevraagdProduct><m:ReferentieAanbieder>{ref}</m:ReferentieAanbieder>
        {product_xml(categorie, code)}<m:ToewijzingIngangsdatum>{ingang}</m:ToewijzingIngangsdatum>
        <m:ToewijzingEinddatum>{einde}</m:ToewijzingEinddatum>{omvang_xml(8)}
        <m:Verwijzer><b:Type>01</b:Type></m:Verwijzer></m:AangevraagdProduct>"""
        for ref in refs
    )
    products = f"<m:AangevraagdeProducten>\n{items}\n</m:AangevraagdeProducten>"
    body = f"<m:Client>\n{short_client(bsn)}\n{products}</m:Client>"
    return wrap(standard, 315, ident, dag, body)


@dataclass(frozen=True)
class Change:
    nr: int
    gewenst: date
    einde: date | None = None
    volume: int | None = 8


def vow(
    standard: str,
    ident: str,
    dag: date,
    ref: str,
    *,
    unchanged: tuple[int, ...] = (),
    changes: tuple[Change, ...] = (),
    new: tuple[tuple[date, date], ...] = (),
    bsn: str = BSN,
) -> bytes:
    parts = []
    if unchanged:
        items = "".join(
            f"<m:OngewijzigdProduct><m:ToewijzingNummer>{nr}</m:ToewijzingNummer></m:OngewijzigdProduct>"
            for nr in unchanged
        )
        parts.append(f"<m:OngewijzigdeProducten>{items}</m:OngewijzigdeProducten>")
    if changes:
        items = "".join(
            f"<m:TeWijzigenProduct><m:ToewijzingNummer>{c.nr}</m:ToewijzingNummer><m:GewensteIngangsdatum>{c.gewenst}"
            f"</m:GewensteIngangsdatum>{f'<m:Einddatum>{c.einde}</m:Einddatum>' if c.einde else ''}"
            f"{omvang_xml(c.volume)}</m:TeWijzigenProduct>"
            for c in changes
        )
        parts.append(f"<m:TeWijzigenProducten>{items}</m:TeWijzigenProducten>")
    if new:
        categorie, code = OTHER_PRODUCT[standard]
        items = "".join(
            f"<m:NieuwProduct>{product_xml(categorie, code)}"
            f"<m:GewensteIngangsdatum>{start_on}</m:GewensteIngangsdatum>"
            f"<m:Einddatum>{end_on}</m:Einddatum>{omvang_xml(4)}</m:NieuwProduct>"
            for start_on, end_on in new
        )
        parts.append(f"<m:NieuweProducten>{items}</m:NieuweProducten>")
    body = f"""  <m:Client><m:Bsn>{bsn}</m:Bsn><m:Verzoek><m:ReferentieAanbieder>{ref}</m:ReferentieAanbieder>
    <m:RedenVerzoek>1</m:RedenVerzoek>{"".join(parts)}</m:Verzoek></m:Client>"""
    return wrap(standard, 317, ident, dag, body)


def antwoord(standard: str, ident: str, dag: date, ref: str, answer: str = "1", reden: str = "7") -> bytes:
    reden_xml = f"<m:RedenAfwijzingVerzoek>{reden}</m:RedenAfwijzingVerzoek>" if answer == "1" else ""
    body = (
        f"  <m:Antwoord><m:ReferentieAanbieder>{ref}</m:ReferentieAanbieder>"
        f"<m:VerzoekAntwoord>{answer}</m:VerzoekAntwoord>{reden_xml}</m:Antwoord>"
    )
    return wrap(standard, 319, ident, dag, body)


@dataclass
class Idents:
    """Fresh Identificatie values per scenario."""

    counter: int = 0
    used: list[str] = field(default_factory=list)

    def __call__(self) -> str:
        self.counter += 1
        self.used.append(f"S{self.counter:05d}")
        return self.used[-1]

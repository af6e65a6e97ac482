"""XML of 323 declarations for tests (both standards), filled from small dataclasses; test BSNs only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

CODE_323 = {"iwmo": "484", "ijw": "490"}
GEMEENTE = "0363"
AANBIEDER = "87654321"
APRIL = (date(2024, 4, 1), date(2024, 4, 30))
BSN, OTHER_BSN = "999900006", "999900018"
PRODUCT = {"iwmo": ("02", "02A01"), "ijw": ("45", "45A01")}  # (categorie, code) per standard
OTHER_PRODUCT = {"iwmo": ("07", "07A01"), "ijw": ("54", "54A01")}


def names(standard: str, number: int) -> tuple[str, str, str, str]:
    """(message prefix, message namespace, basis prefix, basis namespace)."""
    short = "wmo" if standard == "iwmo" else "jw"
    base = f"http://www.istandaarden.nl/{standard}/3_2"
    return f"{short}{number}", f"{base}/{short}{number}/schema", standard, f"{base}/basisschema/schema"


@dataclass(frozen=True)
class Line:
    """A Prestatie: by default 10 hours at 50.00 on allocation 1001 in April 2024, debit."""

    ref: str
    nr: int = 1001
    begin: date = APRIL[0]
    end: date = APRIL[1]
    volume: int = 10
    eenheid: str = "04"
    tarief: int | None = 5000
    bedrag: int | None = None  # default volume × tarief
    credit_of: str | None = None
    product: tuple[str, str] | None = None  # default PRODUCT[standard]

    def amount(self) -> int:
        if self.bedrag is not None:
            return self.bedrag
        return self.volume * (self.tarief or 1)

    def signed(self) -> int:
        return -self.amount() if self.credit_of else self.amount()


def _line(standard: str, line: Line) -> str:
    categorie, code = line.product or PRODUCT[standard]
    vorig = f"<b:VorigReferentieNummer>{line.credit_of}</b:VorigReferentieNummer>" if line.credit_of else ""
    tarief = f"<m:ProductTarief>{line.tarief}</m:ProductTarief>" if line.tarief is not None else ""
    dc = "C" if line.credit_of else "D"
    return f"""        <m:Prestatie>
          <m:ProductReferentie><b:ReferentieNummer>{line.ref}</b:ReferentieNummer>{vorig}</m:ProductReferentie>
          <m:ToewijzingNummer>{line.nr}</m:ToewijzingNummer><m:ProductCategorie>{categorie}</m:ProductCategorie>
          <m:ProductCode>{code}</m:ProductCode>
          <m:ProductPeriode><b:Begindatum>{line.begin}</b:Begindatum><b:Einddatum>{line.end}</b:Einddatum></m:ProductPeriode>
          <m:GeleverdVolume>{line.volume}</m:GeleverdVolume><m:Eenheid>{line.eenheid}</m:Eenheid>{tarief}
          <m:IngediendBedrag><b:Bedrag>{line.amount()}</b:Bedrag><b:DebetCredit>{dc}</b:DebetCredit></m:IngediendBedrag>
        </m:Prestatie>"""


def declaratie(
    standard: str,
    ident: str,
    dag: date,
    nummer: str,
    *clients: tuple[str, tuple[Line, ...]],
    periode: tuple[date, date] = APRIL,
    aanbieder: str = AANBIEDER,
    gemeente: str = GEMEENTE,
) -> bytes:
    """A 323; `clients` are (bsn, lines). TotaalIngediendBedrag is the signed sum of the lines."""
    m, mns, b, bns = names(standard, 323)
    total = sum(line.signed() for _, lines in clients for line in lines)
    parts = []
    for bsn, lines in clients:
        body = "\n".join(_line(standard, line) for line in lines)
        parts.append(f"""    <m:Client><m:Bsn>{bsn}</m:Bsn>
      <m:Prestaties>
{body}
      </m:Prestaties>
    </m:Client>""")
    text = f"""<?xml version="1.0" encoding="UTF-8"?>
<m:Bericht xmlns:b="{bns}" xmlns:m="{mns}">
  <m:Header>
    <m:BerichtCode>{CODE_323[standard]}</m:BerichtCode><m:BerichtVersie>3</m:BerichtVersie>
    <m:BerichtSubversie>2</m:BerichtSubversie><m:Afzender>{aanbieder}</m:Afzender><m:Ontvanger>{gemeente}</m:Ontvanger>
    <m:BerichtIdentificatie><b:Identificatie>{ident}</b:Identificatie><b:Dagtekening>{dag}</b:Dagtekening>
    </m:BerichtIdentificatie>
    <m:XsdVersie><b:BasisschemaXsdVersie>1.0.0</b:BasisschemaXsdVersie><b:BerichtXsdVersie>1.0.0</b:BerichtXsdVersie>
    </m:XsdVersie>
  </m:Header>
  <m:Declaratie>
    <m:DeclaratieNummer>{nummer}</m:DeclaratieNummer>
    <m:DeclaratiePeriode><b:Begindatum>{periode[0]}</b:Begindatum><b:Einddatum>{periode[1]}</b:Einddatum></m:DeclaratiePeriode>
    <m:DeclaratieDagtekening>{dag}</m:DeclaratieDagtekening>
    <m:TotaalIngediendBedrag><b:TotaalBedrag>{abs(total)}</b:TotaalBedrag>
      <b:DebetCredit>{"C" if total < 0 else "D"}</b:DebetCredit></m:TotaalIngediendBedrag>
    <m:Clienten>
{chr(10).join(parts)}
    </m:Clienten>
  </m:Declaratie>
</m:Bericht>
"""
    for short, prefix in (("m", m), ("b", b)):
        text = text.replace(f"<{short}:", f"<{prefix}:").replace(f"</{short}:", f"</{prefix}:")
        text = text.replace(f"xmlns:{short}=", f"xmlns:{prefix}=")
    return text.encode()


def one_client(
    standard: str,
    ident: str,
    dag: date,
    nummer: str,
    *lines: Line,
    bsn: str = BSN,
    periode: tuple[date, date] = APRIL,
) -> bytes:
    return declaratie(standard, ident, dag, nummer, (bsn, lines), periode=periode)


def _rename(text: str, standard: str, number: int) -> bytes:
    m, _, b, _ = names(standard, number)
    for short, prefix in (("m", m), ("b", b)):
        text = text.replace(f"<{short}:", f"<{prefix}:").replace(f"</{short}:", f"</{prefix}:")
        text = text.replace(f"xmlns:{short}=", f"xmlns:{prefix}=")
    return text.encode()


CODE_301 = {"iwmo": "414", "ijw": "436"}


@dataclass(frozen=True)
class Allocated:
    """A ToegewezenProduct of a 301: by default 2024, 10 hours per week."""

    nr: int = 1001
    ingang: date = date(2024, 1, 1)
    einde: date = date(2024, 12, 31)
    reden: str | None = None
    volume: int = 10
    frequentie: str = "2"  # per week; 6: in total over the allocation
    datum: date = date(2024, 1, 5)
    tijd: str = "09:00:00"
    product: tuple[str, str] | None = None  # default PRODUCT[standard]


def toewijzing(standard: str, ident: str, dag: date, *products: Allocated, bsn: str = BSN) -> bytes:
    """The municipality's own 301 for one client, from GEMEENTE to AANBIEDER."""
    _, mns, _, bns = names(standard, 301)
    items = []
    for p in products:
        categorie, code = p.product or PRODUCT[standard]
        reden = f"<m:RedenWijziging>{p.reden}</m:RedenWijziging>" if p.reden else ""
        items.append(f"""      <m:ToegewezenProduct><m:ToewijzingNummer>{p.nr}</m:ToewijzingNummer>
        <m:Product><b:Categorie>{categorie}</b:Categorie><b:Code>{code}</b:Code></m:Product>
        <m:Toewijzingsdatum>{p.datum}</m:Toewijzingsdatum><m:Toewijzingstijd>{p.tijd}</m:Toewijzingstijd>
        <m:Ingangsdatum>{p.ingang}</m:Ingangsdatum><m:Einddatum>{p.einde}</m:Einddatum>{reden}
        <m:Omvang><b:Volume>{p.volume}</b:Volume><b:Eenheid>04</b:Eenheid><b:Frequentie>{p.frequentie}</b:Frequentie></m:Omvang>
      </m:ToegewezenProduct>""")
    text = f"""<?xml version="1.0" encoding="UTF-8"?>
<m:Bericht xmlns:b="{bns}" xmlns:m="{mns}">
  <m:Header>
    <m:BerichtCode>{CODE_301[standard]}</m:BerichtCode><m:BerichtVersie>3</m:BerichtVersie>
    <m:BerichtSubversie>2</m:BerichtSubversie><m:Afzender>{GEMEENTE}</m:Afzender><m:Ontvanger>{AANBIEDER}</m:Ontvanger>
    <m:BerichtIdentificatie><b:Identificatie>{ident}</b:Identificatie><b:Dagtekening>{dag}</b:Dagtekening>
    </m:BerichtIdentificatie>
    <m:XsdVersie><b:BasisschemaXsdVersie>1.0.0</b:BasisschemaXsdVersie><b:BerichtXsdVersie>1.0.0</b:BerichtXsdVersie>
    </m:XsdVersie>
  </m:Header>
  <m:Client>
    <m:Bsn>{bsn}</m:Bsn><m:Geboortedatum><b:Datum>1980-05-17</b:Datum></m:Geboortedatum><m:Geslacht>2</m:Geslacht>
    <m:Naam><b:Geslachtsnaam><b:Achternaam>Testpersoon</b:Achternaam></b:Geslachtsnaam><b:Voorletters>A</b:Voorletters>
      <b:NaamGebruik>1</b:NaamGebruik></m:Naam>
    <m:Contactgegevens><m:Contact><m:Soort>01</m:Soort><m:Adres><b:Huis><b:Huisnummer>12</b:Huisnummer></b:Huis>
      <b:Postcode>1011AB</b:Postcode><b:Straatnaam>Teststraat</b:Straatnaam><b:Plaatsnaam>Amsterdam</b:Plaatsnaam>
      <b:LandCode>NL</b:LandCode></m:Adres></m:Contact></m:Contactgegevens>
    <m:ToegewezenProducten>
{chr(10).join(items)}
    </m:ToegewezenProducten>
  </m:Client>
</m:Bericht>
"""
    return _rename(text, standard, 301)

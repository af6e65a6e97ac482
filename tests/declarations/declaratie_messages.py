"""XML of 323 declarations for tests (both standards), filled from small dataclasses; test BSNs only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from tests.kit import xml_messages
from tests.kit.identity import AANBIEDER, BSN, GEMEENTE, OTHER_BSN
from tests.kit.xml_messages import OTHER_PRODUCT, PRODUCT, Assigned, wrap

APRIL = (date(2024, 4, 1), date(2024, 4, 30))

__all__ = ["AANBIEDER", "BSN", "GEMEENTE", "OTHER_BSN", "OTHER_PRODUCT", "PRODUCT"]


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
    total = sum(line.signed() for _, lines in clients for line in lines)
    parts = []
    for bsn, lines in clients:
        prestaties = "\n".join(_line(standard, line) for line in lines)
        parts.append(f"""    <m:Client><m:Bsn>{bsn}</m:Bsn>
      <m:Prestaties>
{prestaties}
      </m:Prestaties>
    </m:Client>""")
    body = f"""  <m:Declaratie>
    <m:DeclaratieNummer>{nummer}</m:DeclaratieNummer>
    <m:DeclaratiePeriode><b:Begindatum>{periode[0]}</b:Begindatum><b:Einddatum>{periode[1]}</b:Einddatum></m:DeclaratiePeriode>
    <m:DeclaratieDagtekening>{dag}</m:DeclaratieDagtekening>
    <m:TotaalIngediendBedrag><b:TotaalBedrag>{abs(total)}</b:TotaalBedrag>
      <b:DebetCredit>{"C" if total < 0 else "D"}</b:DebetCredit></m:TotaalIngediendBedrag>
    <m:Clienten>
{chr(10).join(parts)}
    </m:Clienten>
  </m:Declaratie>"""
    return wrap(standard, 323, ident, dag, body, gemeente=gemeente, aanbieder=aanbieder)


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
    tijd: time = time(9, 0)
    product: tuple[str, str] | None = None  # default PRODUCT[standard]

    def assigned(self) -> Assigned:
        return Assigned(
            self.nr,
            self.ingang,
            self.einde,
            datum=self.datum,
            tijd=self.tijd,
            reden=self.reden,
            product=self.product,
            volume=self.volume,
            frequentie=self.frequentie,
        )


def toewijzing(standard: str, ident: str, dag: date, *products: Allocated, bsn: str = BSN) -> bytes:
    """The municipality's own 301 for one client, from GEMEENTE to AANBIEDER."""
    return xml_messages.toewijzing(standard, ident, dag, *(p.assigned() for p in products), bsn=bsn)

"""Building the 325 (declaratie-antwoord) on a 323, per IV087/IV088 and TR337/TR371/TR342.

The 325 is a heen message of the gemeente: Afzender and Ontvanger are those of the 323 swapped, it has
its own BerichtIdentificatie and XsdVersie, then DeclaratieIdentificatie (the 323's
BerichtIdentificatie, TR337), XsltVersie, XsdVersieDeclaratie (the 323's XsdVersie, TR371) and the
header RetourCodes, which are always present. Unless the plan says header only, a DeclaratieAntwoord
follows with the DeclaratieNummer and TotaalIngediendBedrag of the 323, the awarded total, the rejected
Clienten/Prestaties copied unchanged from the 323 (TR366/TR367) each with its codes, and its own codes.
Output bytes follow the retour's conventions (gateway.codec.retour) and are checked against our XSD.
"""

from __future__ import annotations

import datetime as dt

from lxml import etree

from gateway.codec import paths
from gateway.codec.document import ParsedDocument
from gateway.codec.retour import _check_valid, _child_steps, _serialise
from handlers.answer325 import NO_REMARKS, NOT_ASSESSED, AnswerPlan
from handlers.table import BY_NUMBER, DECLARATION
from schemas import registry
from schemas.registry import MessageType

DECLARATIE = "/Bericht/Declaratie"


def antwoord_type(doc: ParsedDocument) -> MessageType:
    """The 325 of this 323's standard; ValueError for any other document."""
    mt = doc.message_type
    row = BY_NUMBER.get(mt.number)
    if row is None or row.answer is None:
        raise ValueError(f"{mt.name} is not a declaration ({DECLARATION}): it has no declaratie-antwoord")
    return registry.by_number(mt.standard, row.answer)


def build_antwoord(
    doc: ParsedDocument,
    plan: AnswerPlan,
    *,
    identificatie: str,
    dagtekening: dt.date,
    xslt_versie: str | None = None,
) -> bytes:
    """The 325's bytes for this 323 and plan; ValueError when the plan names no class of the 323."""
    at = antwoord_type(doc)
    if not plan.header_codes:
        raise ValueError("a 325 always carries header RetourCodes")
    w = _Writer(doc.message_type, at)
    root = etree.Element(
        w.ns + "Bericht", nsmap={at.name.lower(): at.namespace, at.standard: at.basis_namespace}
    )
    source = {paths.local_name(el.tag): el for el in paths.element_children(doc.root)}
    w.header(source["Header"], root, identificatie, dagtekening, xslt_versie, plan.header_codes)
    if plan.processed:
        w.antwoord(source["Declaratie"], root, plan)
    _check_valid(at, root)
    return _serialise(root)


class _Writer:
    def __init__(self, heen: MessageType, antwoord: MessageType) -> None:
        self.heen_ns = f"{{{heen.namespace}}}"
        self.ns = f"{{{antwoord.namespace}}}"
        self.basis = f"{{{antwoord.basis_namespace}}}"
        self.mt = antwoord

    def _tag(self, tag: str) -> str:
        return self.ns + tag[len(self.heen_ns) :] if tag.startswith(self.heen_ns) else tag

    def copy(self, source: etree._Element, parent: etree._Element, name: str | None = None) -> None:
        copied = etree.SubElement(parent, self.ns + name if name else self._tag(source.tag))
        children = paths.element_children(source)
        if not children:
            copied.text = source.text
        for child in children:
            self.copy(child, copied)

    def text(self, parent: etree._Element, name: str, value: str, basis: bool = False) -> None:
        etree.SubElement(parent, (self.basis if basis else self.ns) + name).text = value

    def codes(self, parent: etree._Element, codes: tuple[str, ...]) -> None:
        wrapper = etree.SubElement(parent, self.ns + "RetourCodes")
        for code in codes:
            etree.SubElement(wrapper, self.ns + "RetourCode").text = code

    def header(
        self,
        source: etree._Element,
        root: etree._Element,
        identificatie: str,
        dagtekening: dt.date,
        xslt_versie: str | None,
        codes: tuple[str, ...],
    ) -> None:
        heen = {paths.local_name(el.tag): el for el in paths.element_children(source)}
        header = etree.SubElement(root, self.ns + "Header")
        self.text(header, "BerichtCode", self.mt.berichtcode)
        self.copy(heen["BerichtVersie"], header)
        self.copy(heen["BerichtSubversie"], header)
        self.copy(heen["Ontvanger"], header, "Afzender")  # the gemeente answers the provider
        self.copy(heen["Afzender"], header, "Ontvanger")
        own = etree.SubElement(header, self.ns + "BerichtIdentificatie")
        self.text(own, "Identificatie", identificatie, basis=True)
        self.text(own, "Dagtekening", dagtekening.isoformat(), basis=True)
        versie = etree.SubElement(header, self.ns + "XsdVersie")
        basisschema, bericht = registry.xsd_versions(self.mt)
        self.text(versie, "BasisschemaXsdVersie", basisschema, basis=True)
        self.text(versie, "BerichtXsdVersie", bericht, basis=True)
        self.copy(heen["BerichtIdentificatie"], header, "DeclaratieIdentificatie")  # TR337
        if xslt_versie is not None:
            self.text(header, "XsltVersie", xslt_versie)
        self.copy(heen["XsdVersie"], header, "XsdVersieDeclaratie")  # TR371
        self.codes(header, codes)

    def antwoord(self, source: etree._Element, root: etree._Element, plan: AnswerPlan) -> None:
        heen = {paths.local_name(el.tag): el for el in paths.element_children(source)}
        body = etree.SubElement(root, self.ns + "DeclaratieAntwoord")
        self.copy(heen["DeclaratieNummer"], body)
        self.copy(heen["TotaalIngediendBedrag"], body)
        toegekend = etree.SubElement(body, self.ns + "TotaalToegekendBedrag")
        self.text(toegekend, "TotaalBedrag", str(abs(plan.toegekend)), basis=True)
        self.text(toegekend, "DebetCredit", "C" if plan.toegekend < 0 else "D", basis=True)
        clients = self._clients(heen["Clienten"], plan)
        if clients:
            wrapper = etree.SubElement(body, self.ns + "Clienten")
            for client in clients:
                wrapper.append(client)
        self.codes(body, plan.antwoord_codes or (NO_REMARKS,))

    def _clients(self, source: etree._Element, plan: AnswerPlan) -> list[etree._Element]:
        known: set[str] = set()
        built = []
        for client, _, step in _child_steps(source):
            xpath = f"{DECLARATIE}/Clienten/{step}"
            made = self._client(client, xpath, plan, known)
            if made is not None:
                built.append(made)
        unknown = (set(plan.client_codes) | set(plan.prestatie_codes)) - known
        if unknown:
            raise ValueError(f"not classes of this 323: {', '.join(sorted(unknown))}")
        return built

    def _client(
        self, source: etree._Element, xpath: str, plan: AnswerPlan, known: set[str]
    ) -> etree._Element | None:
        known.add(xpath)
        whole = plan.client_codes.get(xpath)
        client = etree.Element(self.ns + "Client")
        for child, name, _ in _child_steps(source):
            if name == "Prestaties":
                wrapper = etree.SubElement(client, self.ns + "Prestaties")
                for prestatie, _, step in _child_steps(child):
                    here = f"{xpath}/Prestaties/{step}"
                    known.add(here)
                    codes = (NOT_ASSESSED,) if whole else plan.prestatie_codes.get(here)
                    if codes:
                        self.copy(prestatie, wrapper)
                        self.codes(wrapper[-1], codes)
                if not len(wrapper):
                    return None
            else:
                self.copy(child, client)
        self.codes(client, whole or (NO_REMARKS,))
        return client

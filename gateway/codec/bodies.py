"""Decoding of the message bodies: Client (301-318), Antwoord (319/320), Declaratie (323/325)."""

from __future__ import annotations

from gateway.codec import parts
from gateway.codec.reader import Node, required
from handlers import messages as m

# ---------------------------------------------------------------- 301 / 302


def _contact(node: Node) -> m.Contact:
    telefoon = node.part("Telefoon")
    return m.Contact(
        soort=node.text_req("Soort"),
        xpath=node.xpath,
        adres=parts.adres(node),
        organisatie=node.text("Organisatie"),
        telefoon01=parts.telefoon(telefoon, "Telefoon01"),
        telefoon02=parts.telefoon(telefoon, "Telefoon02"),
        emailadres=node.text("Emailadres"),
        periode=parts.periode(node, "Periode"),
        retourcodes=parts.retourcodes(node),
    )


def _relatie(node: Node) -> m.Relatie:
    return m.Relatie(
        nummer=node.text_req("Nummer"),
        soort=node.text_req("Soort"),
        naam=parts.volledige_naam(node),
        contact=_contact(node.cls_req("Contact")),
        xpath=node.xpath,
        volgorde=node.integer("Volgorde"),
        geboortedatum=parts.geboortedatum(node),
        geslacht=node.text("Geslacht"),
        retourcodes=parts.retourcodes(node),
    )


def _toegewezen_product(node: Node) -> m.ToegewezenProduct:
    return m.ToegewezenProduct(
        toewijzingnummer=node.integer_req("ToewijzingNummer"),
        toewijzingsdatum=node.date_req("Toewijzingsdatum"),
        toewijzingstijd=node.time_req("Toewijzingstijd"),
        ingangsdatum=node.date_req("Ingangsdatum"),
        xpath=node.xpath,
        referentie_aanbieder=node.text("ReferentieAanbieder"),
        product=parts.product(node),
        einddatum=node.date("Einddatum"),
        reden_wijziging=node.text("RedenWijziging"),
        omvang=parts.omvang(node),
        budget=node.integer("Budget"),
        commentaar=node.text("Commentaar"),
        retourcodes=parts.retourcodes(node),
    )


def toewijzing_client(node: Node) -> m.ToewijzingClient:
    relaties = node.cls("Relaties")
    return m.ToewijzingClient(
        bsn=node.text_req("Bsn"),
        geboortedatum=required(parts.geboortedatum(node)),
        geslacht=node.text_req("Geslacht"),
        naam=parts.volledige_naam(node),
        contacten=tuple(_contact(c) for c in node.cls_req("Contactgegevens").classes("Contact")),
        producten=tuple(
            _toegewezen_product(p) for p in node.cls_req("ToegewezenProducten").classes("ToegewezenProduct")
        ),
        xpath=node.xpath,
        communicatie=parts.communicatie(node),
        juridische_status=node.text("JuridischeStatus"),
        wettelijke_vertegenwoordiging=node.text("WettelijkeVertegenwoordiging"),
        commentaar=node.text("Commentaar"),
        relaties=() if relaties is None else tuple(_relatie(r) for r in relaties.classes("Relatie")),
        retourcodes=parts.retourcodes(node),
    )


# ---------------------------------------------------------------- 305 / 306, 307 / 308


def _start_product(node: Node) -> m.StartProduct:
    return m.StartProduct(
        begindatum=node.date_req("Begindatum"),
        status_aanlevering=node.text_req("StatusAanlevering"),
        xpath=node.xpath,
        toewijzingnummer=node.integer("ToewijzingNummer"),
        product=parts.product(node),
        toewijzing_ingangsdatum=node.date("ToewijzingIngangsdatum"),
        retourcodes=parts.retourcodes(node),
    )


def _stop_product(node: Node) -> m.StopProduct:
    return m.StopProduct(
        begindatum=node.date_req("Begindatum"),
        reden_beeindiging=node.text_req("RedenBeeindiging"),
        einddatum=node.date_req("Einddatum"),
        status_aanlevering=node.text_req("StatusAanlevering"),
        xpath=node.xpath,
        toewijzingnummer=node.integer("ToewijzingNummer"),
        product=parts.product(node),
        toewijzing_ingangsdatum=node.date("ToewijzingIngangsdatum"),
        retourcodes=parts.retourcodes(node),
    )


def start_client(node: Node) -> m.StartClient:
    return m.StartClient(
        bsn=node.text_req("Bsn"),
        geboortedatum=required(parts.geboortedatum(node)),
        geslacht=node.text_req("Geslacht"),
        naam=parts.verkorte_naam(node),
        producten=tuple(_start_product(p) for p in node.cls_req("StartProducten").classes("StartProduct")),
        xpath=node.xpath,
        retourcodes=parts.retourcodes(node),
    )


def stop_client(node: Node) -> m.StopClient:
    return m.StopClient(
        bsn=node.text_req("Bsn"),
        geboortedatum=required(parts.geboortedatum(node)),
        geslacht=node.text_req("Geslacht"),
        naam=parts.verkorte_naam(node),
        producten=tuple(_stop_product(p) for p in node.cls_req("StopProducten").classes("StopProduct")),
        xpath=node.xpath,
        retourcodes=parts.retourcodes(node),
    )


# ---------------------------------------------------------------- 315 / 316


def _aangevraagd_product(node: Node) -> m.AangevraagdProduct:
    return m.AangevraagdProduct(
        referentie_aanbieder=node.text_req("ReferentieAanbieder"),
        toewijzing_ingangsdatum=node.date_req("ToewijzingIngangsdatum"),
        verwijzer=parts.verwijzer(node),
        xpath=node.xpath,
        beschikkingnummer=node.integer("BeschikkingNummer"),
        product=parts.product(node),
        beschikking_ingangsdatum=node.date("BeschikkingIngangsdatum"),
        toewijzing_einddatum=node.date("ToewijzingEinddatum"),
        omvang=parts.omvang(node),
        budget=node.integer("Budget"),
        raamcontract=node.text("Raamcontract"),
        commentaar=node.text("Commentaar"),
        retourcodes=parts.retourcodes(node),
    )


def vot_client(node: Node) -> m.VerzoekToewijzingClient:
    producten = node.cls_req("AangevraagdeProducten").classes("AangevraagdProduct")
    return m.VerzoekToewijzingClient(
        bsn=node.text_req("Bsn"),
        geboortedatum=required(parts.geboortedatum(node)),
        geslacht=node.text_req("Geslacht"),
        naam=parts.verkorte_naam(node),
        producten=tuple(_aangevraagd_product(p) for p in producten),
        xpath=node.xpath,
        gezagsdrager_bekend=node.text("GezagsdragerBekend"),
        commentaar=node.text("Commentaar"),
        retourcodes=parts.retourcodes(node),
    )


# ---------------------------------------------------------------- 317 / 318


def _wrapped(node: Node, wrapper: str, name: str) -> list[Node]:
    found = node.cls(wrapper)
    return [] if found is None else found.classes(name)


def _te_wijzigen(node: Node) -> m.TeWijzigenProduct:
    return m.TeWijzigenProduct(
        toewijzingnummer=node.integer_req("ToewijzingNummer"),
        gewenste_ingangsdatum=node.date_req("GewensteIngangsdatum"),
        xpath=node.xpath,
        einddatum=node.date("Einddatum"),
        omvang=parts.omvang(node),
        budget=node.integer("Budget"),
        retourcodes=parts.retourcodes(node),
    )


def _nieuw(node: Node) -> m.NieuwProduct:
    return m.NieuwProduct(
        gewenste_ingangsdatum=node.date_req("GewensteIngangsdatum"),
        xpath=node.xpath,
        product=parts.product(node),
        einddatum=node.date("Einddatum"),
        omvang=parts.omvang(node),
        budget=node.integer("Budget"),
        retourcodes=parts.retourcodes(node),
    )


def _verzoek(node: Node) -> m.Verzoek:
    return m.Verzoek(
        referentie_aanbieder=node.text_req("ReferentieAanbieder"),
        reden_verzoek=node.text_req("RedenVerzoek"),
        xpath=node.xpath,
        ongewijzigd=tuple(
            m.OngewijzigdProduct(p.integer_req("ToewijzingNummer"), p.xpath, parts.retourcodes(p))
            for p in _wrapped(node, "OngewijzigdeProducten", "OngewijzigdProduct")
        ),
        te_wijzigen=tuple(
            _te_wijzigen(p) for p in _wrapped(node, "TeWijzigenProducten", "TeWijzigenProduct")
        ),
        nieuw=tuple(_nieuw(p) for p in _wrapped(node, "NieuweProducten", "NieuwProduct")),
        retourcodes=parts.retourcodes(node),
    )


def vow_client(node: Node) -> m.VerzoekWijzigingClient:
    return m.VerzoekWijzigingClient(
        bsn=node.text_req("Bsn"),
        verzoek=_verzoek(node.cls_req("Verzoek")),
        xpath=node.xpath,
        retourcodes=parts.retourcodes(node),
    )


# ---------------------------------------------------------------- 319 / 320


def antwoord(node: Node) -> m.Antwoord:
    wpb = node.cls("Woonplaatsbeginsel")
    return m.Antwoord(
        referentie_aanbieder=node.text_req("ReferentieAanbieder"),
        verzoek_antwoord=node.text_req("VerzoekAntwoord"),
        xpath=node.xpath,
        reden_afwijzing=node.text("RedenAfwijzingVerzoek"),
        woonplaatsbeginsel=None
        if wpb is None
        else m.Woonplaatsbeginsel(wpb.text_req("Gemeente"), wpb.xpath, parts.retourcodes(wpb)),
        retourcodes=parts.retourcodes(node),
    )


# ---------------------------------------------------------------- 323 / 325


def _prestatie(node: Node) -> m.Prestatie:
    referentie = node.part_req("ProductReferentie")
    return m.Prestatie(
        referentienummer=referentie.text_req("ReferentieNummer"),
        toewijzingnummer=node.integer_req("ToewijzingNummer"),
        productcategorie=node.text_req("ProductCategorie"),
        productcode=node.text_req("ProductCode"),
        periode=required(parts.periode(node, "ProductPeriode")),
        geleverd_volume=node.integer_req("GeleverdVolume"),
        eenheid=node.text_req("Eenheid"),
        ingediend_bedrag=parts.bedrag(node, "IngediendBedrag"),
        xpath=node.xpath,
        vorig_referentienummer=referentie.text("VorigReferentieNummer"),
        producttarief=node.integer("ProductTarief"),
        retourcodes=parts.retourcodes(node),
    )


def _declaratie_clienten(node: Node) -> tuple[m.DeclaratieClient, ...]:
    return tuple(
        m.DeclaratieClient(
            bsn=c.text_req("Bsn"),
            xpath=c.xpath,
            retourcodes=parts.retourcodes(c),
            prestaties=tuple(_prestatie(p) for p in c.cls_req("Prestaties").classes("Prestatie")),
        )
        for c in _wrapped(node, "Clienten", "Client")
    )


def declaratie(node: Node) -> m.Declaratie:
    return m.Declaratie(
        declaratienummer=node.text_req("DeclaratieNummer"),
        periode=required(parts.periode(node, "DeclaratiePeriode")),
        declaratie_dagtekening=node.date_req("DeclaratieDagtekening"),
        totaal_ingediend=parts.bedrag(node, "TotaalIngediendBedrag", "TotaalBedrag"),
        clienten=_declaratie_clienten(node),
        xpath=node.xpath,
    )


def declaratie_antwoord(node: Node) -> m.DeclaratieAntwoord:
    return m.DeclaratieAntwoord(
        declaratienummer=node.text_req("DeclaratieNummer"),
        totaal_ingediend=parts.bedrag(node, "TotaalIngediendBedrag", "TotaalBedrag"),
        totaal_toegekend=parts.bedrag(node, "TotaalToegekendBedrag", "TotaalBedrag"),
        retourcodes=parts.retourcodes(node),
        clienten=_declaratie_clienten(node),
        xpath=node.xpath,
    )

"""Decoding: real values of the reference examples; every element of every message read into its field."""

from __future__ import annotations

import copy
import dataclasses
import re
from datetime import date, time, timedelta

import pytest
from lxml import etree

from gateway import codec
from gateway.codec import paths
from handlers import messages as m
from schemas import MessageType
from tests.kit.documents import (
    MAX,
    all_types,
    generated,
    line_index,
    lookup,
    parsed,
    shipped_example,
)
from tests.kit.reference import needs_reference


@needs_reference
def test_wmo301_toewijzing() -> None:
    msg = codec.decode(parsed("WMO301.xml"))
    assert isinstance(msg, m.Toewijzing)
    assert msg.meta == m.Meta("iwmo", "3.2", "WMO301", 301)
    assert msg.header == m.Header(
        "414", 3, 2, "0384", "42420001", "123456789012", date(2023, 8, 13), "1.0.0", "1.0.0"
    )
    client = msg.client
    assert (client.bsn, client.geslacht, client.geboortedatum) == (
        "999900006",
        "1",
        m.Geboortedatum(date(1967, 8, 13)),
    )
    assert client.naam == m.VolledigeNaam(
        m.Achternaam("Wit", "de"), "4", m.Achternaam("Jansen", "van"), "Tim", "T"
    )
    assert client.communicatie == m.Communicatie("1", "Deens")
    assert (client.juridische_status, client.wettelijke_vertegenwoordiging) == ("02", "06")
    assert [r.xpath for r in client.relaties] == [
        "/Bericht/Client/Relaties/Relatie[1]",
        "/Bericht/Client/Relaties/Relatie[2]",
    ]
    relatie = client.relaties[1]
    assert (relatie.nummer, relatie.volgorde, relatie.soort, relatie.geslacht) == ("2", 2, "03", "2")
    assert relatie.contact.xpath == "/Bericht/Client/Relaties/Relatie[2]/Contact"
    assert relatie.contact.adres == m.Adres(
        m.Huis(20, "B", "BAL", "AB"), "9999XX", "Straatweg", "plaats", "AD"
    )
    assert relatie.contact.telefoon02 == m.Telefoon("0401234567", "0031")
    assert [c.xpath for c in client.contacten] == ["/Bericht/Client/Contactgegevens/Contact"]
    product = client.producten[0]
    assert product == m.ToegewezenProduct(
        toewijzingnummer=101,
        toewijzingsdatum=date(2023, 8, 13),
        toewijzingstijd=time(12, 34, 56),
        ingangsdatum=date(2023, 1, 1),
        xpath="/Bericht/Client/ToegewezenProducten/ToegewezenProduct",
        referentie_aanbieder="42420002",
        product=m.Product("01", "01A01"),
        einddatum=date(2023, 12, 31),
        omvang=m.Omvang(10, "01", "1"),
        commentaar="Toegewezen product 1 Commentaar ",
    )


@needs_reference
def test_jw301_contact_periode_and_products() -> None:
    msg = codec.decode(parsed("JW301.xml"))
    assert isinstance(msg, m.Toewijzing)
    assert msg.meta.standard == "ijw"
    assert msg.client.contacten[1].soort == "04"
    assert msg.client.contacten[1].periode == m.Periode(date(2018, 2, 3), None)
    assert [p.toewijzingnummer for p in msg.client.producten] == [300201, 300202]
    assert msg.client.producten[0].omvang == m.Omvang(2, "04", "2")
    assert msg.client.producten[1].xpath == "/Bericht/Client/ToegewezenProducten/ToegewezenProduct[2]"


@needs_reference
def test_wmo305_start() -> None:
    msg = codec.decode(parsed("WMO305.xml"))
    assert isinstance(msg, m.Start)
    assert msg.header.afzender == "65656055"
    assert msg.header.ontvanger == "0363"
    assert msg.client.naam == m.VerkorteNaam(m.Achternaam("Wit", "de"), "Tim", "T")
    assert msg.client.producten == (
        m.StartProduct(
            date(2025, 4, 3),
            "1",
            "/Bericht/Client/StartProducten/StartProduct[1]",
            300201,
            m.Product("01", "01A11"),
            date(2025, 4, 1),
        ),
        m.StartProduct(
            date(2025, 4, 4),
            "1",
            "/Bericht/Client/StartProducten/StartProduct[2]",
            300202,
            m.Product("01", "01A12"),
            date(2025, 4, 1),
        ),
    )


@needs_reference
def test_wmo307_stop() -> None:
    msg = codec.decode(parsed("WMO307.xml"))
    assert isinstance(msg, m.Stop)
    second = msg.client.producten[1]
    assert (second.toewijzingnummer, second.begindatum, second.reden_beeindiging, second.einddatum) == (
        300202,
        date(2025, 4, 15),
        "31",
        date(2025, 7, 18),
    )
    assert msg.client.naam.voornamen == "Peter R"


@needs_reference
def test_wmo315_verzoek_om_toewijzing() -> None:
    msg = codec.decode(parsed("WMO315.xml"))
    assert isinstance(msg, m.VerzoekToewijzing)
    assert msg.client.commentaar == "Commentaar client"
    assert msg.client.gezagsdrager_bekend is None
    first = msg.client.producten[0]
    assert (first.referentie_aanbieder, first.beschikkingnummer, first.beschikking_ingangsdatum) == (
        "42420001",
        1234,
        date(2023, 6, 1),
    )
    assert (first.toewijzing_einddatum, first.omvang) == (date(2023, 6, 30), m.Omvang(4, "14", "4"))
    assert first.verwijzer == m.Verwijzer("04", "Verwijzer Naam", None)
    assert first.raamcontract == "1"


@needs_reference
def test_wmo317_verzoek_om_wijziging() -> None:
    msg = codec.decode(parsed("WMO317.xml"))
    assert isinstance(msg, m.VerzoekWijziging)
    verzoek = msg.client.verzoek
    assert (verzoek.referentie_aanbieder, verzoek.reden_verzoek, verzoek.xpath) == (
        "9003",
        "1",
        "/Bericht/Client/Verzoek",
    )
    assert verzoek.ongewijzigd == (
        m.OngewijzigdProduct(10071, "/Bericht/Client/Verzoek/OngewijzigdeProducten/OngewijzigdProduct"),
    )
    assert verzoek.te_wijzigen[0].gewenste_ingangsdatum == date(2023, 4, 2)
    assert verzoek.nieuw[0].product == m.Product("01", "01A12")
    assert verzoek.nieuw[0].omvang == m.Omvang(20, "14", "4")


@needs_reference
def test_wmo319_antwoord() -> None:
    msg = codec.decode(parsed("WMO319.xml"))
    assert isinstance(msg, m.AntwoordBericht)
    assert msg.antwoord == m.Antwoord("9003", "1", "/Bericht/Antwoord", "7", None)


@needs_reference
def test_wmo323_declaratie() -> None:
    msg = codec.decode(parsed("WMO323.xml"))
    assert isinstance(msg, m.DeclaratieBericht)
    declaratie = msg.declaratie
    assert (declaratie.declaratienummer, declaratie.declaratie_dagtekening) == ("DN001", date(2023, 5, 6))
    assert declaratie.periode == m.Periode(date(2023, 4, 1), date(2023, 4, 30))
    assert declaratie.totaal_ingediend == m.BedragMetDC(58000, "D")
    assert [c.bsn for c in declaratie.clienten] == ["999900006", "999900018"]
    prestatie = declaratie.clienten[1].prestaties[0]
    assert prestatie.xpath == "/Bericht/Declaratie/Clienten/Client[2]/Prestaties/Prestatie[1]"
    assert (prestatie.referentienummer, prestatie.toewijzingnummer, prestatie.productcode) == (
        "RN003",
        20074,
        "01A03",
    )
    assert (prestatie.geleverd_volume, prestatie.producttarief, prestatie.ingediend_bedrag) == (
        4,
        1250,
        m.BedragMetDC(5000, "D"),
    )


@needs_reference
def test_jw302_header_only_retour() -> None:
    msg = codec.decode(parsed("JW302.xml"))
    assert isinstance(msg, m.ToewijzingRetour)
    assert msg.client is None
    assert msg.header.heen.berichtcode == "437"
    assert (msg.header.identificatie_retour, msg.header.dagtekening_retour) == (
        "9452b7eb-c87",
        date(2023, 7, 16),
    )
    assert msg.header.xsd_versie_retour == ("1.0.0", "1.0.0")
    assert msg.header.retourcodes == ("8848",)


@needs_reference
def test_jw316_class_retourcodes() -> None:
    msg = codec.decode(parsed("JW316.xml"))
    assert isinstance(msg, m.VerzoekToewijzingRetour)
    assert msg.header.retourcodes == ("0200",)
    assert msg.client is not None
    assert msg.client.retourcodes == ("0200",)
    assert msg.client.gezagsdrager_bekend == "1"
    assert [p.retourcodes for p in msg.client.producten] == [("9347",), ("0200",)]
    assert msg.client.producten[0].verwijzer == m.Verwijzer("02", None, "12345678")


def _replace_text(raw: bytes, tag: str, old: str, new: str) -> bytes:
    return raw.replace(f"{tag}>{old}</".encode(), f"{tag}>{new}</".encode(), 1)


@pytest.mark.parametrize(("lexical", "value"), [("+0001001", 1001), (" 007 ", 7)])
def test_integer_lexical_forms_are_normalised(lexical: str, value: int) -> None:
    raw = _replace_text(shipped_example("WMO305"), "wmo305:ToewijzingNummer", "1001", lexical)
    doc = codec.parse(raw, max_bytes=MAX)
    assert codec.validate_xsd(doc) == []
    msg = codec.decode(doc)
    assert isinstance(msg, m.Start)
    assert [p.toewijzingnummer for p in msg.client.producten] == [value]


@pytest.mark.parametrize(
    ("old", "new", "element"),
    [
        ("2025-01-13", "12025-01-13", "Begindatum"),
        ("2025-01-13", "-2025-01-13", "Begindatum"),
    ],
)
def test_schema_valid_but_unrepresentable_date(old: str, new: str, element: str) -> None:
    raw = _replace_text(shipped_example("WMO305"), f"wmo305:{element}", old, new)
    doc = codec.parse(raw, max_bytes=MAX)
    assert codec.validate_xsd(doc) == []
    with pytest.raises(codec.DocumentError) as caught:
        codec.decode(doc)
    assert caught.value.verdict == "rejected-rules"
    (finding,) = caught.value.findings
    assert (finding.level, finding.code, finding.retourcode) == (2, "VALUE", "0001")
    assert finding.xpath == "/Bericht/Client/StartProducten/StartProduct/Begindatum"  # the only one
    assert finding.line == raw[: raw.index(f"<wmo305:{element}>".encode())].count(b"\n") + 1
    assert "year outside 0001-9999" in finding.text


def test_time_24_00_00() -> None:
    raw = _replace_text(shipped_example("WMO301"), "wmo301:Toewijzingstijd", "09:30:00", "24:00:00")
    doc = codec.parse(raw, max_bytes=MAX)
    assert codec.validate_xsd(doc) == []
    with pytest.raises(codec.DocumentError) as caught:
        codec.decode(doc)
    assert (
        caught.value.findings[0].xpath
        == "/Bericht/Client/ToegewezenProducten/ToegewezenProduct/Toewijzingstijd"
    )
    assert "24:00:00" in caught.value.findings[0].text
    assert (
        caught.value.findings[0].line
        == raw.count(b"\n", 0, raw.index(b"<wmo301:Toewijzingstijd>")) + 1
    )


# ---------------------------------------------------------------- every element of every message type


def _flatten(value: object, path: str = "") -> dict[str, object]:
    """Dataclass tree -> {field path: leaf value}; `xpath` and `meta` are bookkeeping, not content."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, object] = {}
        for field in dataclasses.fields(value):
            if field.name not in ("xpath", "meta"):
                out.update(_flatten(getattr(value, field.name), f"{path}.{field.name}"))
        return out
    if isinstance(value, tuple):
        out = {}
        for index, item in enumerate(value):
            out.update(_flatten(item, f"{path}[{index}]"))
        return out
    return {path: value}


def _marker(original: str, n: int) -> tuple[str, object, object]:
    """A distinct replacement text for a leaf and the values a correct decoder may yield for it."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", original.strip()):
        text = (date(1990, 1, 1) + timedelta(days=n)).isoformat()
        return text, date.fromisoformat(text), date.fromisoformat(text)
    if re.fullmatch(r"\d{2}:\d{2}:\d{2}", original.strip()):
        text = f"01:{n // 60:02d}:{n % 60:02d}"
        return text, time.fromisoformat(text), time.fromisoformat(text)
    text = str(7_000_000 + n)
    return text, text, int(text)


# Element names whose field is named differently (element, field), both lower-case without "_".
_ALIASES = {
    ("redenafwijzingverzoek", "redenafwijzing"),
    ("retourcode", "retourcodes"),
    ("basisschemaxsdversie", "xsdversieretour"),
    ("berichtxsdversie", "xsdversieretour"),
    ("basisschemaxsdversie", "xsdversiedeclaratie"),
    ("berichtxsdversie", "xsdversiedeclaratie"),
}


def _names_match(element: str, field_path: str) -> bool:
    field = re.sub(r"\[\d+\]", "", field_path.rsplit(".", 1)[-1]).replace("_", "")
    element = element.lower()
    return field.endswith(element) or element.endswith(field) or (element, field) in _ALIASES


def _positions_match(xpath: str, field_path: str) -> bool:
    versions = re.search(r"xsd_versie_\w+\[(\d)\]$", field_path)
    if versions:  # (BasisschemaXsdVersie, BerichtXsdVersie)
        return int(versions[1]) == (0 if xpath.endswith("/BasisschemaXsdVersie") else 1)
    in_xpath = [int(n) - 1 for n in re.findall(r"\[(\d+)\]", xpath) if int(n) > 1]
    in_field = [int(n) for n in re.findall(r"\[(\d+)\]", field_path) if int(n) > 0]
    return in_xpath == in_field


@pytest.mark.parametrize("maximal", [True, False], ids=["maximal", "minimal"])
@pytest.mark.parametrize("mt", all_types(), ids=lambda mt: mt.name)
def test_every_element_is_decoded_into_its_own_field(mt: MessageType, maximal: bool) -> None:
    raw = generated(mt, maximal=maximal)
    base_doc = codec.parse(raw, max_bytes=MAX)
    assert codec.validate_xsd(base_doc) == []
    base = _flatten(codec.decode(base_doc))
    leaves = [el for el in base_doc.root.iter() if len(el) == 0]
    seen_fields: set[str] = set()
    for n, leaf in enumerate(leaves):
        xpath = paths.xpath_of(leaf)
        text, *accepted = _marker(leaf.text or "", n)
        mutant = copy.deepcopy(base_doc.root)
        mutant_leaf = next(el for el in mutant.iter() if paths.xpath_of(el) == xpath)
        mutant_leaf.text = text
        decoded = _flatten(codec.decode(codec.parse(etree.tostring(mutant), max_bytes=MAX)))
        changed = [key for key in base if base[key] != decoded[key]]
        assert len(changed) == 1, f"{xpath}: changed {changed}"
        (field,) = changed
        assert decoded[field] in accepted, f"{xpath} -> {field} = {decoded[field]!r}"
        assert _names_match(paths.local_name(leaf.tag), field), f"{xpath} decoded into {field}"
        assert _positions_match(xpath, field), f"{xpath} decoded into {field}"
        assert field not in seen_fields
        seen_fields.add(field)
    if maximal:  # every optional field is filled, except the iJw-only elements in an iWmo message
        empty = {key for key, value in base.items() if value is None}
        iwmo_absent = {key for key in empty if key.endswith((".gezagsdrager_bekend", ".woonplaatsbeginsel"))}
        assert empty == (iwmo_absent if mt.standard == "iwmo" else set())


@pytest.mark.parametrize("mt", all_types(), ids=lambda mt: mt.name)
def test_class_xpaths_point_at_their_elements(mt: MessageType) -> None:
    doc = codec.parse(generated(mt, maximal=True), max_bytes=MAX)
    msg = codec.decode(doc)
    index = line_index(doc.root)
    xpaths = _class_xpaths(msg)
    assert xpaths, "every message has classes with an xpath"
    for xpath in xpaths:
        assert xpath in index, xpath
        assert doc.line_of(xpath) == index[xpath]
    repeated = [x for x in xpaths if x.endswith("]")]
    assert bool(repeated) is (mt.number not in (319, 320)), (
        "repeating classes are repeated in a maximal document"
    )


@pytest.mark.parametrize("mt", all_types(), ids=lambda mt: mt.name)
def test_line_at_walks_to_the_line_the_index_gives(mt: MessageType) -> None:
    doc = codec.parse(generated(mt, maximal=True), max_bytes=MAX)
    index = line_index(doc.root)
    probes = {"", "/", "/Other", "/Bericht[2]", "/Bericht[1]"}
    for xpath in index:
        probes |= {xpath, xpath + "/Absent", xpath + "[1]", xpath + "[0]", xpath + "[9]", xpath + "[x]"}
        probes.add(xpath.replace("[1]", "").replace("[2]", "[1]"))
    for xpath in probes:
        assert paths.line_at(doc.root, xpath) == lookup(index, xpath), xpath


def _class_xpaths(value: object) -> list[str]:
    found: list[str] = []
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            item = getattr(value, field.name)
            if field.name == "xpath":
                found.append(item)
            else:
                found.extend(_class_xpaths(item))
    elif isinstance(value, tuple):
        for item in value:
            found.extend(_class_xpaths(item))
    return found

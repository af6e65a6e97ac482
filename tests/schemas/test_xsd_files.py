"""Our XSD files: they compile, they are exactly what the generator writes, they carry the right appinfo."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from schemas import MessageType, by_number, message_types, schema
from schemas.build import generated
from schemas.registry import SCHEMA_ROOT
from tests.kit.conformance import xs_schema

OUR_XSDS = sorted(SCHEMA_ROOT.glob("*/3_2/*.xsd"))
XS = "{http://www.w3.org/2001/XMLSchema}"


def test_thirty_xsd_files() -> None:
    assert len(OUR_XSDS) == 30
    assert {p.name for p in OUR_XSDS} >= {"basisschema.xsd", "WMO325.xsd", "JW325.xsd"}


@pytest.mark.parametrize("path", OUR_XSDS, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_xsd_compiles_in_lxml_and_xmlschema(path: Path) -> None:
    etree.XMLSchema(etree.parse(str(path)))
    xs_schema(path)


def test_regenerating_gives_identical_bytes() -> None:
    files = generated()
    assert sorted(files) == OUR_XSDS
    for path, content in files.items():
        assert path.read_bytes() == content, f"{path} is stale: run python -m schemas.build"


@pytest.mark.parametrize("mt", message_types(), ids=lambda mt: mt.name)
def test_message_xsd_header(mt: MessageType) -> None:
    root = etree.parse(str(mt.xsd_path)).getroot()
    assert root.get("targetNamespace") == mt.namespace
    assert root.get("elementFormDefault") == "qualified"
    appinfo = {etree.QName(e).localname: e.text for e in root.iterfind(f"{XS}annotation/{XS}appinfo/*")}
    version = "1.0.0" if mt.standard == "iwmo" else "0.1.0"
    assert appinfo == {
        "standaard": mt.standard, "bericht": mt.name.lower(), "release": "3.2",
        **{f"{k}Xsd{s}Versie": version for k in ("Bericht", "Basisschema") for s in ("", "Min", "Max")},
    }  # fmt: skip
    patterns = [p.get("value") for p in root.iterfind(f".//{XS}element[@name='BerichtCode']//{XS}pattern")]
    assert patterns == [mt.berichtcode]
    assert schema(mt) is schema(by_number(mt.standard, mt.number))


@pytest.mark.parametrize("standard", ["iwmo", "ijw"])
def test_basisschema_appinfo_and_namespace(standard: str) -> None:
    root = etree.parse(str(SCHEMA_ROOT / standard / "3_2" / "basisschema.xsd")).getroot()
    assert root.get("targetNamespace") == f"http://www.istandaarden.nl/{standard}/3_2/basisschema/schema"
    assert root.get("elementFormDefault") == "qualified"
    appinfo = {etree.QName(e).localname: e.text for e in root.iterfind(f"{XS}annotation/{XS}appinfo/*")}
    assert appinfo["bericht"] == "basisschema"
    assert appinfo["BasisschemaXsdVersie"] == ("1.0.0" if standard == "iwmo" else "0.1.0")

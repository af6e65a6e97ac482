"""The registry: message types, look-ups, unsupported namespaces, compiled schemas and XSD versions."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from lxml import etree

import schemas
from schemas import (
    MessageType,
    UnsupportedNamespace,
    by_name,
    by_namespace,
    by_number,
    message_types,
    schema,
    supported_releases,
    xsd_versions,
)

WMO_CODES = {301: "414", 302: "415", 305: "418", 306: "419", 307: "420", 308: "421", 315: "444", 316: "445",
             317: "480", 318: "481", 319: "482", 320: "483", 323: "484", 325: "485"}  # fmt: skip
JW_CODES = {301: "436", 302: "437", 305: "438", 306: "439", 307: "440", 308: "441", 315: "446", 316: "447",
            317: "486", 318: "487", 319: "488", 320: "489", 323: "490", 325: "491"}  # fmt: skip
GEMEENTE_SENDS = {301, 306, 308, 316, 318, 319, 325}


def test_twenty_eight_message_types() -> None:
    types = message_types()
    assert len(types) == 28
    assert {(mt.standard, mt.number): mt.berichtcode for mt in types} == {
        **{("iwmo", n): c for n, c in WMO_CODES.items()}, **{("ijw", n): c for n, c in JW_CODES.items()},
    }  # fmt: skip


@pytest.mark.parametrize("mt", message_types(), ids=lambda mt: mt.name)
def test_message_type_fields(mt: MessageType) -> None:
    short = "wmo" if mt.standard == "iwmo" else "jw"
    assert mt.release == "3.2"
    assert mt.name == f"{short.upper()}{mt.number}"
    assert mt.namespace == f"http://www.istandaarden.nl/{mt.standard}/3_2/{short}{mt.number}/schema"
    assert mt.basis_namespace == f"http://www.istandaarden.nl/{mt.standard}/3_2/basisschema/schema"
    assert mt.xsd_path.is_file()
    assert mt.is_retour is (mt.number in {302, 306, 308, 316, 318, 320})
    assert mt.sender_role == ("gemeente" if mt.number in GEMEENTE_SENDS else "aanbieder")
    assert by_namespace(mt.namespace) is mt
    assert by_name(mt.name) is mt
    assert by_number(mt.standard, mt.number) is mt


@pytest.mark.parametrize(
    ("namespace", "named"),
    [
        ("http://www.istandaarden.nl/iwmo/3_1/wmo301/schema", "(iwmo 3.1)"),
        ("http://www.istandaarden.nl/ijw/3_0/jw315/schema", "(ijw 3.0)"),
        ("http://www.istandaarden.nl/iwmo/2_1/wmo301/schema/2_1", "(iwmo 2.1)"),
        ("http://www.istandaarden.nl/iwmo/2_0/wmo305/schema/2_0", "(iwmo 2.0)"),
        ("http://www.istandaarden.nl/iwmo/3_2/wmo303/schema", "(iwmo 3.2, wmo303)"),
        ("http://www.istandaarden.nl/iwmo/3_2/basisschema/schema", "(iwmo 3.2, basisschema)"),
        ("urn:something-else", "is not an iWmo/iJw message namespace"),
        ("", "is not an iWmo/iJw message namespace"),
    ],
)
def test_unsupported_namespace(namespace: str, named: str) -> None:
    with pytest.raises(UnsupportedNamespace) as caught:
        by_namespace(namespace)
    message = str(caught.value)
    assert f"namespace {namespace!r}" in message
    assert named in message
    assert message.endswith("supported: iwmo 3.2, ijw 3.2")
    assert isinstance(caught.value, ValueError)


def test_exact_error_text_for_iwmo_3_1() -> None:
    with pytest.raises(
        UnsupportedNamespace,
        match=r"^namespace 'http://www\.istandaarden\.nl/iwmo/3_1/wmo301/schema' "
        r"\(iwmo 3\.1\) is not supported; supported: iwmo 3\.2, ijw 3\.2$",
    ):
        by_namespace("http://www.istandaarden.nl/iwmo/3_1/wmo301/schema")


def test_unknown_names_and_numbers() -> None:
    with pytest.raises(KeyError):
        by_name("WMO303")
    with pytest.raises(KeyError):
        by_number("iwmo", 303)
    assert by_name("wmo305").name == "WMO305"


def test_supported_releases() -> None:
    assert supported_releases() == ("iwmo 3.2", "ijw 3.2")


def test_schema_is_compiled_once() -> None:
    mt = by_name("WMO301")
    assert schema(mt) is schema(mt)
    assert isinstance(schema(mt), etree.XMLSchema)


@pytest.mark.parametrize("mt", message_types(), ids=lambda mt: mt.name)
def test_xsd_versions(mt: MessageType) -> None:
    version = "1.0.0" if mt.standard == "iwmo" else "0.1.0"
    assert xsd_versions(mt) == (version, version)


def test_registry_imports_only_stdlib_and_lxml() -> None:
    tree = ast.parse(Path(schemas.registry.__file__).read_text())
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    imported |= {
        node.module.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module
    }
    assert imported <= {"__future__", "functools", "re", "dataclasses", "pathlib", "lxml"}


def test_schemas_package_imports_nothing_of_the_other_packages() -> None:
    root = Path(schemas.__file__).parent
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            modules = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else ([node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            )
            for module in modules:
                assert module.split(".")[0] not in {"gateway", "handlers", "storage"}, f"{path}: {module}"


def test_schema_loading_refuses_files_outside_our_folder(tmp_path: Path) -> None:
    from schemas import registry

    outside = tmp_path / "other.xsd"
    outside.write_text('<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:b"/>')
    importing = (
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:a">'
        f'<xs:import namespace="urn:b" schemaLocation="{outside}"/></xs:schema>'
    )
    document = etree.fromstring(
        importing.encode(), registry._parser(), base_url=str(registry.SCHEMA_ROOT / "x.xsd")
    )
    with pytest.raises(etree.XMLSchemaParseError):
        etree.XMLSchema(document)
    with pytest.raises(ValueError, match="not one of our schema files"):
        registry._xsd_document(outside)

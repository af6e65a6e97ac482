"""Properties of the codec and the level-2 rules, tried on generated input (hypothesis).

(a) On arbitrary bytes and on mutated valid messages the codec raises nothing but its documented
    `DocumentError`, and `check_document` always returns a verdict (with a finding when not valid).
(b) Decoding a valid document gives back the generated values: dates, integers written with leading
    zeros or a `+`, names and comments with any XML character.
(c) The CS002 11-proof agrees with an independent implementation on every 9-digit string.
(d) Level-2 `check()` is deterministic and never raises on messages built from generated values.

Examples are derandomized (the same on every run) and few, so the suite stays quick on CI.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gateway.codec import DocumentError, decode, parse, validate_xsd
from gateway.processing.validation import check_document
from gateway.settings import ParserSettings
from handlers import messages as m
from handlers.rules.checks_client import passes_elfproef
from handlers.rules.in_message import check


def _load_generator() -> ModuleType:
    """`generate.py` (a script, not a package module), shared with the conftest through sys.modules."""
    name = "hostile_generate"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("generate.py"))
        assert spec is not None
        assert spec.loader is not None
        sys.modules[name] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules[name])
    return sys.modules[name]


MAX_BYTES = ParserSettings().max_bytes
VERDICTS = {"not-xml", "unsupported", "invalid-xsd", "rejected-rules", "valid"}
GEN = _load_generator()
SEEDS = {name: GEN.utf8(seed.render()) for name, seed in GEN.seeds().items()}

FAST = settings(max_examples=150, derandomize=True, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])
FEW = settings(FAST, max_examples=60)


def _verdict_name(verdict: Any) -> str:
    return str(getattr(verdict, "value", verdict))


def _codec(raw: bytes) -> str:
    """The codec pieces in order; only `DocumentError` may escape, and it carries a known verdict."""
    refused: DocumentError | None = None
    try:
        doc = parse(raw, max_bytes=MAX_BYTES)
        if validate_xsd(doc):
            return "invalid-xsd"
        decode(doc)
    except DocumentError as error:
        refused = error
    if refused is None:
        return "decoded"
    assert refused.verdict in VERDICTS
    assert refused.findings
    assert all(finding.text.strip() for finding in refused.findings)
    return refused.verdict


def _assert_verdict(raw: bytes) -> None:
    _codec(raw)
    result = check_document(raw, max_bytes=MAX_BYTES)
    name = _verdict_name(result.verdict)
    assert name in VERDICTS
    if name != "valid":
        assert result.findings
        assert all(finding.text.strip() for finding in result.findings)


# ---------------------------------------------------------------- (a) arbitrary and mutated bytes


@FAST
@given(st.binary(max_size=2048))
def test_arbitrary_bytes_get_a_verdict(raw: bytes) -> None:
    _assert_verdict(raw)


@FAST
@given(st.binary(max_size=256).map(lambda tail: b'<?xml version="1.0" encoding="UTF-8"?>\n<' + tail))
def test_bytes_that_look_like_xml_get_a_verdict(raw: bytes) -> None:
    _assert_verdict(raw)


MARKUP = [b"<", b">", b"&", b"]]>", b"<!--", b"<![CDATA[", b"<?x?>", b"&#0;", b"&amp;", b"</x>", b"<x/>",
          b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>', b"&e;", b"\xef\xbb\xbf", b"\x00"]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """A valid seed message with a few byte flips, truncations, insertions or deletions."""
    data = bytearray(SEEDS[draw(st.sampled_from(sorted(SEEDS)))])
    for _ in range(draw(st.integers(1, 4))):
        where = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["flip", "truncate", "insert", "delete", "markup"]))
        if kind == "flip" and where < len(data):
            data[where] ^= draw(st.integers(1, 255))
        elif kind == "truncate":
            del data[where:]
        elif kind == "insert":
            data[where:where] = draw(st.binary(min_size=1, max_size=16))
        elif kind == "delete":
            del data[where:where + draw(st.integers(1, 32))]
        else:
            data[where:where] = draw(st.sampled_from(MARKUP))
    return bytes(data)


@FAST
@given(mutated())
def test_mutated_messages_get_a_verdict(raw: bytes) -> None:
    _assert_verdict(raw)


# ---------------------------------------------------------------- (b) decode round trip

XML_CHARS = st.characters(
    exclude_categories=["Cs"],  # no surrogates
    exclude_characters="\r\n\ufffe\uffff",  # CR would be normalised; XSD '.' matches no line end
).filter(lambda c: c == "\t" or c >= " ")
NAMES = st.text(XML_CHARS, min_size=1, max_size=200).filter(lambda s: any(c not in " \t" for c in s))
COMMENTS = st.text(st.one_of(XML_CHARS, st.just("\n")), min_size=1, max_size=400).filter(
    lambda s: any(c not in " \t\n" for c in s))
SIGNED = st.tuples(st.integers(0, 999_999_999), st.sampled_from(["", "+"]), st.integers(0, 6))


def _decoded(raw: bytes) -> m.Message:
    doc = parse(raw, max_bytes=MAX_BYTES)
    assert validate_xsd(doc) == []
    return decode(doc)


@FEW
@given(name=NAMES, comment=COMMENTS, nummer=SIGNED, birth=st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)))
def test_decode_gives_back_the_values(name: str, comment: str, nummer: tuple[int, str, int],
                                      birth: dt.date) -> None:
    value, sign, zeros = nummer
    product = GEN.toegewezen_product("iwmo", f"{sign}{'0' * zeros}{value}")
    seed = GEN.toewijzing(achternaam=escape(name), commentaar=escape(comment), products=[product])
    text = GEN.sub(seed.render(), ">1950-02-03<", f">{birth.isoformat()}<")
    message = _decoded(GEN.utf8(text))
    assert isinstance(message, m.Toewijzing)
    assert message.client.naam.geslachtsnaam.achternaam == name
    assert message.client.commentaar == comment
    assert message.client.producten[0].toewijzingnummer == value
    assert message.client.geboortedatum.datum == birth


@FEW
@given(name=NAMES, begin=st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)))
def test_decode_gives_back_the_values_of_a_start(name: str, begin: dt.date) -> None:
    seed = GEN.start("ijw", achternaam=escape(name))
    text = GEN.sub(seed.render(), ">2025-03-12<", f">{begin.isoformat()}<")
    message = _decoded(GEN.utf8(text))
    assert isinstance(message, m.Start)
    assert message.client.naam.geslachtsnaam.achternaam == name
    assert message.client.producten[0].begindatum == begin


# ---------------------------------------------------------------- (c) the 11-proof


def elfproef(digits: str) -> bool:
    """Independent: weights 9 down to 2 on the first eight digits, minus the ninth, divisible by 11."""
    total = sum((9 - position) * int(digit) for position, digit in enumerate(digits[:8]))
    return (total - int(digits[8])) % 11 == 0


def _start_message() -> m.Start:
    message = _decoded(SEEDS["WMO305"])
    assert isinstance(message, m.Start)
    return message


@pytest.mark.parametrize("bsn", [GEN.BSN_CLIENT, GEN.BSN_OTHER, GEN.BSN_THIRD])
def test_test_bsns_pass_the_11_proof(bsn: str) -> None:
    assert elfproef(bsn)
    assert passes_elfproef(bsn)


def test_a_bsn_off_by_one_fails_the_11_proof() -> None:
    assert not elfproef(GEN.BSN_NOT_ELFPROEF)
    assert not passes_elfproef(GEN.BSN_NOT_ELFPROEF)


@settings(FAST, max_examples=400)
@given(st.text("0123456789", min_size=9, max_size=9))
def test_cs002_agrees_with_an_independent_11_proof(bsn: str) -> None:
    assert passes_elfproef(bsn) == elfproef(bsn)
    message = _start_message()
    findings = check(dataclasses.replace(message, client=dataclasses.replace(message.client, bsn=bsn)))
    assert any(finding.code == "CS002" for finding in findings) == (not elfproef(bsn))


# ---------------------------------------------------------------- (d) level 2 on generated messages

DATES = st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31))
CODES = st.sampled_from(
    ["", "0", "1", "2", "3", "01", "02", "04", "06", "13", "14", "16", "45", "83", "84", "99"])
OPTIONAL_DATES = st.none() | DATES


@st.composite
def toegewezen(draw: st.DrawFn, index: int) -> m.ToegewezenProduct:
    omvang = draw(st.none() | st.builds(m.Omvang, st.integers(0, 99_999_999), CODES, CODES))
    return m.ToegewezenProduct(
        toewijzingnummer=draw(st.integers(0, 999_999_999)),
        toewijzingsdatum=draw(DATES),
        toewijzingstijd=draw(st.times()),
        ingangsdatum=draw(DATES),
        xpath=f"/Bericht/Client/ToegewezenProducten/ToegewezenProduct[{index}]",
        referentie_aanbieder=draw(st.none() | st.text(max_size=36)),
        product=draw(st.none() | st.builds(m.Product, CODES, st.none() | st.text(min_size=1, max_size=5))),
        einddatum=draw(OPTIONAL_DATES),
        reden_wijziging=draw(st.none() | CODES),
        omvang=omvang,
        budget=draw(st.none() | st.integers(0, 99_999_999)),
        commentaar=draw(st.none() | st.text(min_size=1, max_size=50)),
    )


@st.composite
def toewijzingen(draw: st.DrawFn) -> m.Toewijzing:
    base = _decoded(SEEDS[draw(st.sampled_from(["WMO301", "JW301"]))])
    assert isinstance(base, m.Toewijzing)
    count = draw(st.integers(1, 4))
    producten = tuple(draw(toegewezen(i + 1)) for i in range(count))
    geboorte = m.Geboortedatum(draw(DATES), draw(st.none() | st.sampled_from(["1", "2", "3"])))
    header = dataclasses.replace(base.header, dagtekening=draw(DATES), afzender=draw(st.sampled_from(
        ["0363", "0000", "9999", "0384"])))
    client = dataclasses.replace(base.client, bsn=draw(st.text("0123456789", min_size=9, max_size=9)),
                                 geboortedatum=geboorte, geslacht=draw(CODES), producten=producten)
    return dataclasses.replace(base, header=header, client=client)


@st.composite
def starts(draw: st.DrawFn) -> m.Start:
    base = _decoded(SEEDS[draw(st.sampled_from(["WMO305", "JW305"]))])
    assert isinstance(base, m.Start)
    producten = tuple(
        m.StartProduct(begindatum=draw(DATES), status_aanlevering=draw(CODES),
                       xpath=f"/Bericht/Client/StartProducten/StartProduct[{i + 1}]",
                       toewijzingnummer=draw(st.none() | st.integers(0, 999_999_999)),
                       product=draw(st.none() | st.builds(m.Product, CODES, st.none() | st.just("02A01"))),
                       toewijzing_ingangsdatum=draw(OPTIONAL_DATES))
        for i in range(draw(st.integers(1, 4))))
    header = dataclasses.replace(base.header, dagtekening=draw(DATES))
    client = dataclasses.replace(base.client, producten=producten)
    return dataclasses.replace(base, header=header, client=client)


@st.composite
def antwoorden(draw: st.DrawFn) -> m.AntwoordBericht:
    base = _decoded(SEEDS[draw(st.sampled_from(["WMO319", "JW319"]))])
    assert isinstance(base, m.AntwoordBericht)
    antwoord = dataclasses.replace(base.antwoord, verzoek_antwoord=draw(CODES),
                                   reden_afwijzing=draw(st.none() | CODES),
                                   referentie_aanbieder=draw(st.text(min_size=1, max_size=36)))
    return dataclasses.replace(base, antwoord=antwoord)


@FEW
@given(st.one_of(toewijzingen(), starts(), antwoorden()))
def test_level_2_is_deterministic_and_never_raises(message: m.Message) -> None:
    first = check(message)
    assert check(message) == first
    for finding in first:
        assert finding.level == 2
        assert finding.retourcode == "0001"
        assert finding.code
        assert finding.text.strip()
        assert finding.xpath.startswith("/Bericht")

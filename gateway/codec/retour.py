"""Building the retour (302, 306, 308, 316, 318, 320) of a heen document, per IV028 and OP065.

The header is the heen header copied unchanged (Afzender and Ontvanger are NOT swapped) with the
retour's BerichtCode, then IdentificatieRetour, DagtekeningRetour, XsltVersie, XsdVersieRetour and
the header RetourCodes. With class codes, the Client (Antwoord for a 319) follows with all its content,
in the retour namespace, and every berichtklasse ends with its RetourCodes. Output is UTF-8 without
BOM, with an XML declaration, indented with tabs and with CR/LF line ends (OP192); the same input always
gives the same bytes. Every retour is checked against our retour XSD before it is returned, except the
retour of a heen document that passed its own XSD (`header_checked=True`, the worker's case): that
one is written as text (`_written`: the header, and with class codes the body), byte for byte what
the builder makes, and only with retour codes that a built-and-checked retour of its type has carried
before, in the header and in each class, so the XSD check it skips cannot fail
(tests/codec/test_codec_retour_template.py compares both ways per example and code path).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence

from lxml import etree

from gateway.codec import paths
from gateway.codec.document import ParsedDocument
from gateway.codec.xsd import readable
from handlers.table import BY_NUMBER, WITH_RETOUR
from schemas import registry
from schemas.registry import MessageType

APPROVED = "0200"

def retour_type(doc: ParsedDocument) -> MessageType:
    """The message type of the retour on this heen document; ValueError if it has none (323, retours)."""
    mt = doc.message_type
    row = BY_NUMBER.get(mt.number)
    if row is None or row.retour is None:
        *most, last = (str(number) for number in WITH_RETOUR)
        have = f"{', '.join(most)} and {last}"
        raise ValueError(f"{mt.name} has no retour message (only {have} have one)")
    return registry.by_number(mt.standard, row.retour)


def retour_classes(doc: ParsedDocument) -> list[str]:
    """XPaths of the berichtklassen of `doc` that get RetourCodes in a retour with class codes."""
    retour_type(doc)
    classes = BY_NUMBER[doc.message_type.number].classes
    return [xpath for _, path, xpath in _walk(doc.root, "", "/Bericht") if path in classes]


def build_retour(
    doc: ParsedDocument,
    *,
    identificatie_retour: str,
    dagtekening_retour: dt.date,
    header_codes: Sequence[str],
    class_codes: Mapping[str, Sequence[str]] | None,
    xslt_versie: str | None = None,
    header_checked: bool = False,
) -> bytes:
    """The retour's bytes. `class_codes=None`: header only; else codes per class XPath (0200 if absent).

    `header_checked`: `doc` passed its XSD, so its header values are valid in the retour as well.
    """
    mt, rt = doc.message_type, retour_type(doc)
    _check_code_types(header_codes, class_codes)
    if header_checked and xslt_versie is None:
        written = _written(doc, rt, identificatie_retour, dagtekening_retour, header_codes, class_codes)
        if written is not None:
            return written
    _check_codes(doc, header_codes, class_codes)
    builder = _Builder(mt, rt)
    root = etree.Element(f"{{{rt.namespace}}}Bericht", nsmap={rt.name.lower(): rt.namespace,
                                                              mt.standard: mt.basis_namespace})
    header = builder.copy_header(doc.root, root)
    builder.retour_header_fields(header, identificatie_retour, dagtekening_retour, xslt_versie, header_codes)
    if class_codes is not None:
        row = BY_NUMBER[mt.number]
        body, classes = row.body, row.classes
        source = next(el for el in paths.element_children(doc.root) if paths.local_name(el.tag) == body)
        builder.copy_class(source, root, body, f"/Bericht/{body}", classes, class_codes)
    _check_valid(rt, root)
    _CHECKED_CODES.setdefault(rt.namespace, set()).update(header_codes)
    if class_codes is not None:
        _note_class_codes(doc, rt, class_codes)
    return _serialise(root)


def _note_class_codes(doc: ParsedDocument, rt: MessageType, class_codes: Mapping[str, Sequence[str]]) -> None:
    """Remember the codes each class of a retour that passed the XSD carried (`_written` may use them)."""
    checked = _CHECKED_CLASS_CODES.setdefault(rt.namespace, {})
    classes = BY_NUMBER[doc.message_type.number].classes
    for _, path, xpath in _walk(doc.root, "", "/Bericht"):
        if path in classes:
            checked.setdefault(path, set()).update(class_codes.get(xpath, (APPROVED,)))


def _check_code_types(header_codes: Sequence[str], class_codes: Mapping[str, Sequence[str]] | None) -> None:
    if isinstance(header_codes, str) or any(isinstance(v, str) for v in (class_codes or {}).values()):
        raise TypeError("retour codes are sequences of codes, e.g. ['0200'], not a single string")


def _not_classes(doc: ParsedDocument, unknown: set[str]) -> str:
    return (f"not berichtklassen of this {doc.message_type.name}: {', '.join(sorted(unknown))}; "
            f"its classes are {', '.join(retour_classes(doc))}")


def _check_codes(doc: ParsedDocument, header_codes: Sequence[str],
                 class_codes: Mapping[str, Sequence[str]] | None) -> None:
    if class_codes is None:
        return
    unknown = set(class_codes) - set(retour_classes(doc))
    if unknown:
        raise ValueError(_not_classes(doc, unknown))
    empty = sorted(xpath for xpath, codes in class_codes.items() if not codes)
    if empty:
        raise ValueError(f"no retour codes given for {', '.join(empty)}")


class _Builder:
    """Copies heen elements into the retour namespace and adds the retour-only elements."""

    def __init__(self, heen: MessageType, retour: MessageType) -> None:
        self.heen_ns = f"{{{heen.namespace}}}"
        self.ns = f"{{{retour.namespace}}}"
        self.basis = f"{{{heen.basis_namespace}}}"
        self.retour = retour

    def _tag(self, tag: str) -> str:
        return self.ns + tag[len(self.heen_ns):] if tag.startswith(self.heen_ns) else tag

    def copy_header(self, heen_root: etree._Element, root: etree._Element) -> etree._Element:
        source = paths.element_children(heen_root)[0]
        header = etree.SubElement(root, self.ns + "Header")
        for child in paths.element_children(source):
            copied = self._copy(child, header)
            if paths.local_name(child.tag) == "BerichtCode":
                copied.text = self.retour.berichtcode
        return header

    def retour_header_fields(self, header: etree._Element, identificatie: str, dagtekening: dt.date,
                             xslt_versie: str | None, codes: Sequence[str]) -> None:
        etree.SubElement(header, self.ns + "IdentificatieRetour").text = identificatie
        etree.SubElement(header, self.ns + "DagtekeningRetour").text = dagtekening.isoformat()
        if xslt_versie is not None:
            etree.SubElement(header, self.ns + "XsltVersie").text = xslt_versie
        versie = etree.SubElement(header, self.ns + "XsdVersieRetour")
        basisschema, bericht = registry.xsd_versions(self.retour)
        etree.SubElement(versie, self.basis + "BasisschemaXsdVersie").text = basisschema
        etree.SubElement(versie, self.basis + "BerichtXsdVersie").text = bericht
        if codes:
            self.retourcodes(header, codes)

    def retourcodes(self, parent: etree._Element, codes: Sequence[str]) -> None:
        wrapper = etree.SubElement(parent, self.ns + "RetourCodes")
        for code in codes:
            etree.SubElement(wrapper, self.ns + "RetourCode").text = code

    def _copy(self, source: etree._Element, parent: etree._Element) -> etree._Element:
        copied = etree.SubElement(parent, self._tag(source.tag))
        children = paths.element_children(source)
        if not children:
            copied.text = source.text
        for child in children:
            self._copy(child, copied)
        return copied

    def copy_class(self, source: etree._Element, parent: etree._Element, path: str, xpath: str,
                   classes: frozenset[str], codes: Mapping[str, Sequence[str]]) -> None:
        copied = etree.SubElement(parent, self._tag(source.tag))
        children = list(_child_steps(source))
        if not children:
            copied.text = source.text
        for child, name, step in children:
            self.copy_class(child, copied, f"{path}/{name}", f"{xpath}/{step}", classes, codes)
        if path in classes:
            self.retourcodes(copied, codes.get(xpath, (APPROVED,)))


def _child_steps(element: etree._Element) -> Iterator[tuple[etree._Element, str, str]]:
    """(child, local name, XPath step with `[n]` when the name repeats) for each child element."""
    children = paths.element_children(element)
    names = [paths.local_name(child.tag) for child in children]
    counts = Counter(names)
    seen: dict[str, int] = {}
    for child, name in zip(children, names, strict=True):
        seen[name] = seen.get(name, 0) + 1
        yield child, name, f"{name}[{seen[name]}]" if counts[name] > 1 else name


def _walk(element: etree._Element, path: str, xpath: str) -> Iterator[tuple[etree._Element, str, str]]:
    """Every element below `element` in document order, with its position-free path and its XPath."""
    for child, name, step in _child_steps(element):
        child_path = f"{path}/{name}" if path else name
        yield child, child_path, f"{xpath}/{step}"
        yield from _walk(child, child_path, f"{xpath}/{step}")


def _check_valid(rt: MessageType, root: etree._Element) -> None:
    schema = registry.schema(rt)
    if not schema.validate(root):
        problems = "; ".join(readable(entry.message) for entry in paths.log_entries(schema.error_log))
        raise ValueError(f"the {rt.name} built is not valid against its XSD: {problems}")


def _serialise(root: etree._Element) -> bytes:
    etree.indent(root, space="\t")
    body = etree.tostring(root, encoding="UTF-8", xml_declaration=False)
    return (b'<?xml version="1.0" encoding="UTF-8"?>\n' + body + b"\n").replace(b"\n", b"\r\n")


# Per retour namespace: header retour codes a built retour carried and passed the XSD with; and per
# class (its position-free path) the codes a built retour carried there and passed the XSD with.
_CHECKED_CODES: dict[str, set[str]] = {}
_CHECKED_CLASS_CODES: dict[str, dict[str, set[str]]] = {}
_XSD_SPACE = " \t\n\r"


def _header_only(
    doc: ParsedDocument, rt: MessageType, identificatie: str, dagtekening: dt.date, codes: Sequence[str],
) -> bytes | None:
    """The header-only retour as text, without building or checking a tree; None: the builder must."""
    return _written(doc, rt, identificatie, dagtekening, codes, None)


def _written(
    doc: ParsedDocument, rt: MessageType, identificatie: str, dagtekening: dt.date, codes: Sequence[str],
    class_codes: Mapping[str, Sequence[str]] | None,
) -> bytes | None:
    """The retour as text, without building or checking a tree; None: the builder must.

    The builder's output for the same input, byte for byte: the heen header's fields in the retour
    namespace (text escaped as lxml does), then the retour's own fields, then (with class codes) the
    heen body copied the same way with the RetourCodes of each class last; tab-indented, CR/LF.
    """
    checked = _CHECKED_CODES.get(rt.namespace)
    if checked is None or not checked.issuperset(codes) or not _plain_identificatie(identificatie):
        return None
    if class_codes is not None and not all(class_codes.values()):
        return None  # the builder names the classes given no codes
    mt, p = doc.message_type, rt.name.lower()
    b = mt.standard
    prefixes = {f"{{{mt.namespace}}}": f"{p}:", f"{{{mt.basis_namespace}}}": f"{b}:"}
    lines = [f'<{p}:Bericht xmlns:{p}="{rt.namespace}" xmlns:{b}="{mt.basis_namespace}">', f"\t<{p}:Header>"]
    children = paths.element_children(doc.root)
    for child in paths.element_children(children[0]):
        if not _write(child, 2, prefixes, rt.berichtcode, lines):
            return None
    basisschema, bericht = registry.xsd_versions(rt)
    lines += [
        f"\t\t<{p}:IdentificatieRetour>{identificatie}</{p}:IdentificatieRetour>",
        f"\t\t<{p}:DagtekeningRetour>{dagtekening.isoformat()}</{p}:DagtekeningRetour>",
        f"\t\t<{p}:XsdVersieRetour>",
        f"\t\t\t<{b}:BasisschemaXsdVersie>{_escape(basisschema)}</{b}:BasisschemaXsdVersie>",
        f"\t\t\t<{b}:BerichtXsdVersie>{_escape(bericht)}</{b}:BerichtXsdVersie>",
        f"\t\t</{p}:XsdVersieRetour>",
    ]
    _write_codes(codes, 2, p, lines)
    lines.append(f"\t</{p}:Header>")
    if class_codes is not None and not _write_body(doc, rt, children, class_codes, prefixes, lines):
        return None
    lines += [f"</{p}:Bericht>", ""]
    text = '<?xml version="1.0" encoding="UTF-8"?>\n' + "\n".join(lines)
    return text.encode("utf-8").replace(b"\n", b"\r\n")


def _write_codes(codes: Sequence[str], depth: int, p: str, lines: list[str]) -> None:
    if codes:
        indent = "\t" * depth
        lines.append(f"{indent}<{p}:RetourCodes>")
        lines += [f"{indent}\t<{p}:RetourCode>{code}</{p}:RetourCode>" for code in codes]
        lines.append(f"{indent}</{p}:RetourCodes>")


class _Classes:
    """What `_write_class` needs besides the element: the classes, their codes, the retour's prefix."""

    __slots__ = ("checked", "codes", "names", "p", "prefixes", "seen")

    def __init__(self, rt: MessageType, names: frozenset[str], codes: Mapping[str, Sequence[str]],
                 prefixes: Mapping[str, str]) -> None:
        self.names, self.codes, self.prefixes = names, codes, prefixes
        self.p = rt.name.lower()
        self.checked = _CHECKED_CLASS_CODES.get(rt.namespace, {})
        self.seen: set[str] = set()


def _write_body(
    doc: ParsedDocument, rt: MessageType, children: list[etree._Element],
    class_codes: Mapping[str, Sequence[str]], prefixes: Mapping[str, str], lines: list[str],
) -> bool:
    """The heen body as `copy_class` copies it; False: something only the builder may vouch for."""
    row = BY_NUMBER[doc.message_type.number]
    source = next((el for el in children if paths.local_name(el.tag) == row.body), None)
    if source is None:
        return False
    classes = _Classes(rt, row.classes, class_codes, prefixes)
    if not _write_class(source, 1, row.body, f"/Bericht/{row.body}", classes, lines):
        return False
    if not classes.seen.issuperset(class_codes):
        raise ValueError(_not_classes(doc, set(class_codes) - classes.seen))
    return True


def _write_class(element: etree._Element, depth: int, path: str, xpath: str, classes: _Classes,
                 lines: list[str]) -> bool:
    """Append `element` as `copy_class` and `etree.indent` would write it, with a class's RetourCodes."""
    tag = element.tag
    if not isinstance(tag, str) or not tag.startswith("{"):
        return False
    namespace, _, name = tag.partition("}")
    prefix = classes.prefixes.get(namespace + "}")
    if prefix is None:
        return False
    indent, qname = "\t" * depth, prefix + name
    children = list(_child_steps(element))
    codes = classes.codes.get(xpath, (APPROVED,)) if path in classes.names else None
    if codes is not None:
        if not children or not classes.checked.get(path, set()).issuperset(codes):
            return False  # a class that is a leaf, or a code not yet checked in this class
        classes.seen.add(xpath)
    elif not children:
        text = element.text
        lines.append(f"{indent}<{qname}/>" if text is None else f"{indent}<{qname}>{_escape(text)}</{qname}>")
        return True
    lines.append(f"{indent}<{qname}>")
    for child, child_name, step in children:
        if not _write_class(child, depth + 1, f"{path}/{child_name}", f"{xpath}/{step}", classes, lines):
            return False
    if codes is not None:
        _write_codes(codes, depth + 1, classes.p, lines)
    lines.append(f"{indent}</{qname}>")
    return True


def _write(element: etree._Element, depth: int, prefixes: Mapping[str, str], berichtcode: str,
           lines: list[str]) -> bool:
    """Append `element` as `_copy` and `etree.indent` would write it; False: a namespace it cannot map."""
    tag = element.tag
    if not isinstance(tag, str) or not tag.startswith("{"):
        return False
    namespace, _, name = tag.partition("}")
    prefix = prefixes.get(namespace + "}")
    if prefix is None:
        return False
    indent, qname = "\t" * depth, prefix + name
    children = paths.element_children(element)
    if children:
        lines.append(f"{indent}<{qname}>")
        if not all(_write(child, depth + 1, prefixes, berichtcode, lines) for child in children):
            return False
        lines.append(f"{indent}</{qname}>")
        return True
    text = berichtcode if depth == 2 and name == "BerichtCode" else element.text
    lines.append(f"{indent}<{qname}/>" if text is None else f"{indent}<{qname}>{_escape(text)}</{qname}>")
    return True


def _plain_identificatie(identificatie: str) -> bool:
    """LDT_IdentificatieBericht (1-12 characters, not blank, one line), with nothing to escape."""
    return (0 < len(identificatie) <= 12 and bool(identificatie.strip(_XSD_SPACE))
            and not any(c in identificatie for c in "\n\r&<>"))


def _escape(text: str) -> str:
    """Character data as lxml writes it."""
    if "&" not in text and "<" not in text and ">" not in text and "\r" not in text:
        return text
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")

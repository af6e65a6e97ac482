"""Decoding of a schema-valid document into the typed message models of `handlers.messages`."""

from __future__ import annotations

from collections.abc import Callable

from gateway.codec import bodies, parts
from gateway.codec.document import ParsedDocument
from gateway.codec.reader import Node
from handlers import messages as m


def decode(doc: ParsedDocument) -> m.Message:
    """The typed message; call only on a schema-valid document (`validate_xsd` returned nothing).

    Raises `DocumentError` (verdict `rejected-rules`) for the rare schema-valid value Python cannot
    represent (a year beyond 9999, the time 24:00:00).
    """
    mt = doc.message_type
    root = Node(doc.root, "/Bericht", f"{{{mt.namespace}}}", f"{{{mt.basis_namespace}}}")
    meta = m.Meta(
        standard="iwmo" if mt.standard == "iwmo" else "ijw",
        release=mt.release,
        name=mt.name,
        number=mt.number,
    )
    return _DECODERS[mt.number](root, meta)


# ---------------------------------------------------------------- messages: heen and retour


def _toewijzing(r: Node, meta: m.Meta) -> m.Message:
    if meta.number == 301:
        return m.Toewijzing(
            meta, parts.header(r.cls_req("Header")), bodies.toewijzing_client(r.cls_req("Client"))
        )
    client = r.cls("Client")
    return m.ToewijzingRetour(
        meta,
        parts.retour_header(r.cls_req("Header")),
        None if client is None else bodies.toewijzing_client(client),
    )


def _start(r: Node, meta: m.Meta) -> m.Message:
    if meta.number == 305:
        return m.Start(meta, parts.header(r.cls_req("Header")), bodies.start_client(r.cls_req("Client")))
    client = r.cls("Client")
    return m.StartRetour(
        meta,
        parts.retour_header(r.cls_req("Header")),
        None if client is None else bodies.start_client(client),
    )


def _stop(r: Node, meta: m.Meta) -> m.Message:
    if meta.number == 307:
        return m.Stop(meta, parts.header(r.cls_req("Header")), bodies.stop_client(r.cls_req("Client")))
    client = r.cls("Client")
    return m.StopRetour(
        meta, parts.retour_header(r.cls_req("Header")), None if client is None else bodies.stop_client(client)
    )


def _verzoek_toewijzing(r: Node, meta: m.Meta) -> m.Message:
    if meta.number == 315:
        return m.VerzoekToewijzing(
            meta, parts.header(r.cls_req("Header")), bodies.vot_client(r.cls_req("Client"))
        )
    client = r.cls("Client")
    return m.VerzoekToewijzingRetour(
        meta, parts.retour_header(r.cls_req("Header")), None if client is None else bodies.vot_client(client)
    )


def _verzoek_wijziging(r: Node, meta: m.Meta) -> m.Message:
    if meta.number == 317:
        return m.VerzoekWijziging(
            meta, parts.header(r.cls_req("Header")), bodies.vow_client(r.cls_req("Client"))
        )
    client = r.cls("Client")
    return m.VerzoekWijzigingRetour(
        meta, parts.retour_header(r.cls_req("Header")), None if client is None else bodies.vow_client(client)
    )


def _antwoord_bericht(r: Node, meta: m.Meta) -> m.Message:
    if meta.number == 319:
        return m.AntwoordBericht(
            meta, parts.header(r.cls_req("Header")), bodies.antwoord(r.cls_req("Antwoord"))
        )
    antwoord = r.cls("Antwoord")
    return m.AntwoordRetour(
        meta,
        parts.retour_header(r.cls_req("Header")),
        None if antwoord is None else bodies.antwoord(antwoord),
    )


def _declaratie_bericht(r: Node, meta: m.Meta) -> m.Message:
    return m.DeclaratieBericht(
        meta, parts.header(r.cls_req("Header")), bodies.declaratie(r.cls_req("Declaratie"))
    )


def _declaratie_antwoord_bericht(r: Node, meta: m.Meta) -> m.Message:
    antwoord = r.cls("DeclaratieAntwoord")
    return m.DeclaratieAntwoordBericht(
        meta,
        parts.declaratie_antwoord_header(r.cls_req("Header")),
        None if antwoord is None else bodies.declaratie_antwoord(antwoord),
    )


_DECODERS: dict[int, Callable[[Node, m.Meta], m.Message]] = {
    301: _toewijzing,
    302: _toewijzing,
    305: _start,
    306: _start,
    307: _stop,
    308: _stop,
    315: _verzoek_toewijzing,
    316: _verzoek_toewijzing,
    317: _verzoek_wijziging,
    318: _verzoek_wijziging,
    319: _antwoord_bericht,
    320: _antwoord_bericht,
    323: _declaratie_bericht,
    325: _declaratie_antwoord_bericht,
}

"""Realistic benchmark traffic: per client a VOT, toewijzing, start, stop, VOW and antwoord, in iWmo and iJw.

Built from the story of the shipped examples (``schemas.examples``), with varied test BSNs (11-proof
9999xxxxx), identifications, toewijzingnummers and references, dates around today, and about 10 % of the
messages spoiled on purpose: half not XSD-valid, half with a future Dagtekening (8848). Used by the
benchmarks (benchmarks/worker_bench.py, benchmarks/soak.py) and the fault tests (tests/reliability).
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from datetime import date, timedelta

from lxml import etree

from schemas.examples import render, story

GEMEENTE = "0384"
AANBIEDERS = ("42420001", "42420002", "65656055", "12345678")


def test_bsns() -> Iterator[str]:
    """Test BSNs 9999xxxxx that pass the 11-proof, in order."""
    for n in range(100_000):
        candidate = f"9999{n:05d}"
        total = sum(int(d) * w for d, w in zip(candidate[:8], range(9, 1, -1), strict=True))
        if (total - int(candidate[8])) % 11 == 0:
            yield candidate


class _Doc:
    """The values of one message by element path (``"Client/Bsn"``), rendered by schemas.examples."""

    def __init__(self, standard: str, number: int) -> None:
        self.standard, self.number = standard, number
        self.values = story(standard, number)

    def set(self, path: str, value: object) -> None:
        self.values[path] = str(value)

    def drop(self, path: str) -> None:
        """Leave out an optional element and everything below it."""
        for key in [key for key in self.values if key == path or key.startswith(path + "/")]:
            del self.values[key]

    def bytes(self) -> bytes:
        root = render(self.standard, self.number, self.values)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


class Traffic:
    """Generates the messages of one client case after another; `messages(n)` yields n documents."""

    def __init__(self, seed: int = 2026, today: date | None = None) -> None:
        self.rng = random.Random(seed)
        self.today = today or date.today()
        self.start = self.today.replace(day=1)
        # 9,090 test BSNs pass the 11-proof; past 54,000 messages they come round again, each time
        # with another aanbieder (9,090 % 4 == 2), so the new cases do not collide with the old ones.
        self.bsns = itertools.cycle(list(test_bsns()))
        self.serial = 0
        self.index = 0

    def _ident(self) -> str:
        self.serial += 1
        return f"B{self.serial:011d}"

    def _header(self, doc: _Doc, afzender: str, ontvanger: str) -> None:
        doc.set("Header/Afzender", afzender)
        doc.set("Header/Ontvanger", ontvanger)
        doc.set("Header/BerichtIdentificatie/Identificatie", self._ident())
        doc.set("Header/BerichtIdentificatie/Dagtekening", self.today.isoformat())

    def case(self, index: int) -> list[bytes]:
        """The six messages of one client: 315, 301, 305, 307, 317, 319 (iWmo and iJw alternate)."""
        standard = "iwmo" if index % 2 == 0 else "ijw"
        cat = "01" if standard == "iwmo" else "45"
        ctx = {"std": standard, "bsn": next(self.bsns), "agb": AANBIEDERS[index % len(AANBIEDERS)],
               "nr": 1_000_000 + index, "ref": f"R{index}", "ref2": f"V{index}", "cat": cat,
               "code": f"{cat}A{index % 90 + 10:02d}", "code2": f"{cat}B{index % 90 + 10:02d}"}
        builders = (self._vot, self._toewijzing, self._start, self._stop, self._vow, self._antwoord)
        return [self._spoil(build(ctx)) for build in builders]

    def messages(self, count: int) -> Iterator[bytes]:
        """`count` messages, whole cases only except the last; later calls continue with new cases."""
        produced = 0
        while produced < count:
            for body in self.case(self.index)[: count - produced]:
                produced += 1
                yield body
            self.index += 1

    def _doc(self, number: int, ctx: dict[str, object], heen_from_provider: bool) -> _Doc:
        doc = _Doc(str(ctx["std"]), number)
        agb = str(ctx["agb"])
        self._header(doc, agb if heen_from_provider else GEMEENTE, GEMEENTE if heen_from_provider else agb)
        if number != 319:
            doc.set("Client/Bsn", ctx["bsn"])
        return doc

    def _vot(self, ctx: dict[str, object]) -> bytes:
        doc = self._doc(315, ctx, True)
        p = "Client/AangevraagdeProducten/AangevraagdProduct"
        doc.set(f"{p}/ReferentieAanbieder", ctx["ref"])
        doc.set(f"{p}/Product/Categorie", ctx["cat"])
        doc.set(f"{p}/Product/Code", ctx["code"])
        for name, value in (("ToewijzingIngangsdatum", self.start),
                            ("ToewijzingEinddatum", self.start + timedelta(days=180))):
            doc.set(f"{p}/{name}", value.isoformat())
        return doc.bytes()

    def _toewijzing(self, ctx: dict[str, object]) -> bytes:
        doc = self._doc(301, ctx, False)
        p = "Client/ToegewezenProducten/ToegewezenProduct"
        doc.set(f"{p}/ToewijzingNummer", ctx["nr"])
        doc.set(f"{p}/ReferentieAanbieder", ctx["ref"])
        doc.set(f"{p}/Product/Categorie", ctx["cat"])
        doc.set(f"{p}/Product/Code", ctx["code"])
        doc.set(f"{p}/Toewijzingsdatum", self.today.isoformat())
        doc.set(f"{p}/Ingangsdatum", self.start.isoformat())
        doc.set(f"{p}/Einddatum", (self.start + timedelta(days=180)).isoformat())
        return doc.bytes()

    def _delivery(self, number: int, ctx: dict[str, object]) -> _Doc:
        doc = self._doc(number, ctx, True)
        kind = "StartProducten" if number == 305 else "StopProducten"
        p = f"Client/{kind}/{kind[:-2]}"
        doc.set(f"{p}/ToewijzingNummer", ctx["nr"])
        doc.set(f"{p}/Product/Categorie", ctx["cat"])
        doc.set(f"{p}/Product/Code", ctx["code"])
        doc.set(f"{p}/ToewijzingIngangsdatum", self.start.isoformat())
        doc.set(f"{p}/Begindatum", self.start.isoformat())
        return doc

    def _start(self, ctx: dict[str, object]) -> bytes:
        return self._delivery(305, ctx).bytes()

    def _stop(self, ctx: dict[str, object]) -> bytes:
        doc = self._delivery(307, ctx)
        doc.set("Client/StopProducten/StopProduct/Einddatum", self.today.isoformat())
        return doc.bytes()

    def _vow(self, ctx: dict[str, object]) -> bytes:
        doc = self._doc(317, ctx, True)
        doc.set("Client/Verzoek/ReferentieAanbieder", ctx["ref2"])
        doc.set("Client/Verzoek/OngewijzigdeProducten/OngewijzigdProduct/ToewijzingNummer", ctx["nr"])
        p = "Client/Verzoek/NieuweProducten/NieuwProduct"
        doc.set(f"{p}/Product/Categorie", ctx["cat"])
        doc.set(f"{p}/Product/Code", ctx["code2"])  # another product of the category: no stacking
        doc.set(f"{p}/GewensteIngangsdatum", self.today.isoformat())
        doc.set(f"{p}/Einddatum", (self.start + timedelta(days=180)).isoformat())
        return doc.bytes()

    def _antwoord(self, ctx: dict[str, object]) -> bytes:
        doc = self._doc(319, ctx, False)
        doc.set("Antwoord/ReferentieAanbieder", ctx["ref2"])
        return doc.bytes()

    def _spoil(self, body: bytes) -> bytes:
        """About 5 % not XSD-valid (a letter in BerichtVersie), 5 % rejected (future Dagtekening, 8848)."""
        roll = self.rng.random()
        if roll < 0.05:
            return body.replace(b"BerichtVersie>3<", b"BerichtVersie>X<", 1)
        if roll < 0.10:
            today = self.today.isoformat().encode()
            return body.replace(today, (self.today + timedelta(days=30)).isoformat().encode(), 1)
        return body

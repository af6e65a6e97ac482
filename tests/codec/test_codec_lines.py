"""Lines of many findings in one document: each parent's children are listed once, not per finding."""

from __future__ import annotations

import pytest

from gateway import codec
from gateway.codec import paths
from tests.kit.documents import MAX, shipped_example


def test_the_lines_of_thousands_of_findings_list_each_parent_once(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = shipped_example("WMO323")
    start, end = raw.index(b"<wmo323:Client>"), raw.index(b"</wmo323:Client>") + len(b"</wmo323:Client>")
    doc = codec.parse(raw[:start] + raw[start:end] * 2_000 + raw[end:], max_bytes=MAX)
    listed: list[int] = []
    original = paths.element_children

    def counting(element: object) -> object:
        listed.append(1)
        return original(element)  # type: ignore[arg-type]

    monkeypatch.setattr(paths, "element_children", counting)
    base = "/Bericht/Declaratie/Clienten/Client"
    lines = [doc.line_of(f"{base}[{n}]/Bsn") for n in range(1, 2_001)]
    assert all(isinstance(n, int) for n in lines)
    assert lines == sorted(n or 0 for n in lines)
    assert len(set(lines)) == 2_000  # every Client found, each on its own line
    assert len(listed) < 3 * 2_000 + 10  # Clienten's children once; then Declaratie's and each Client's
    nearest = doc.line_of("/Bericht/Declaratie/Clienten")
    assert doc.line_of(f"{base}[99999]/Bsn") == nearest  # not there: its nearest ancestor

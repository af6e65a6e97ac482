"""Writes our XSDs (``python -m schemas.build``): the basisschema and 14 message XSDs per standard."""

from __future__ import annotations

import sys
from pathlib import Path

from schemas.registry import SCHEMA_ROOT, by_number
from schemas.spec.messages import messages
from schemas.xsd import basisschema_xsd, message_xsd


def generated() -> dict[Path, bytes]:
    """Every generated XSD file by its path."""
    files = {SCHEMA_ROOT / std / "3_2" / "basisschema.xsd": basisschema_xsd(std) for std in ("iwmo", "ijw")}
    for message in messages():
        files[by_number(message.standard, message.number).xsd_path] = message_xsd(message)
    return files


def main() -> int:
    """Write all XSDs; report the files that changed."""
    for path, content in generated().items():
        if not path.exists() or path.read_bytes() != content:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
            print(f"wrote {path.relative_to(SCHEMA_ROOT.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

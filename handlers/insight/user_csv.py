"""The CSV files users hand to `istd providers load` and `istd areas load`: UTF-8 with or without BOM,
`;` or `,` (whichever the header line has more of), a header line first."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _csv import Reader


def csv_rows(data: bytes, error: type[Exception]) -> tuple[list[str], Reader]:
    """The header and the reader of the rows after it (its `line_num` counts lines); `error` with the
    line number when the file is not UTF-8, or when it is empty."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as failure:
        line = data[:failure.start].count(b"\n") + 1
        raise error(f"line {line}: not UTF-8 (save the file as CSV UTF-8)") from None
    first = text.split("\n", 1)[0]
    rows = csv.reader(io.StringIO(text), delimiter=";" if first.count(";") >= first.count(",") else ",")
    header = next(rows, None)
    if header is None:
        raise error("line 1: the file is empty")
    return header, rows

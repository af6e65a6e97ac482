"""`istd validate PATH...`: the verdict and findings of each message file, as a table or JSON lines."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from gateway.cli.common import (
    INTERRUPTED,
    CommandError,
    Interrupt,
    Progress,
    collect_files,
    counts,
    elapsed_since,
)
from gateway.processing.validation import Verdict, check_document, oversize
from gateway.settings import Settings


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "validate", help="validate message files (XSD and in-message rules)",
        description="Validate iWmo/iJw 3.2 message files: XSD (level 1) and in-message rules (level 2). "
                    "Directories are searched recursively for *.xml files. Progress (on a terminal) and "
                    "a summary on stderr; Ctrl-C stops after the document in hand and reports what was "
                    "checked. Exit 0 when every document is valid, 1 when any is not, 2 on usage errors, "
                    "130 when interrupted.")
    parser.add_argument("paths", nargs="+", metavar="PATH", type=Path, help="message file or directory")
    parser.add_argument("--json", action="store_true", help="one JSON object per document per line")
    parser.add_argument("--max-bytes", type=_positive, default=None, metavar="N",
                        help="refuse documents larger than N bytes (default: ISTD_PARSER__MAX_BYTES, 25 MB)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    max_bytes: int = args.max_bytes or Settings().parser.max_bytes
    files = collect(args.paths)
    started, interrupt = time.monotonic(), Interrupt()
    emit = _print_json if args.json else None
    with interrupt.armed():
        results = check_files(files, max_bytes, emit=emit, interrupt=interrupt)
    if not args.json:
        print_table(results, sys.stdout)
    noun = "document" if len(results) == 1 else "documents"
    summary = f"{len(results)} {noun} in {elapsed_since(started)}: {counts(v.verdict for _, v in results)}"
    if interrupt.requested and len(results) < len(files):
        print(f"istd validate: interrupted: {summary}; {len(files) - len(results)} not checked",
              file=sys.stderr)
        return INTERRUPTED
    print(f"istd validate: {summary}", file=sys.stderr)
    return 0 if all(verdict.valid for _, verdict in results) else 1


def collect(paths: Sequence[Path]) -> list[Path]:
    """The files to check: given files as they are, *.xml files under given directories; sorted."""
    files = sorted(set(collect_files(paths)))
    if not files:
        raise CommandError(f"no .xml files found in {', '.join(str(p) for p in paths)}")
    return files


def check_files(
    files: Sequence[Path], max_bytes: int, *, emit: Callable[[Path, Verdict], None] | None = None,
    interrupt: Interrupt | None = None,
) -> list[tuple[Path, Verdict]]:
    """The verdict of each file, in order; `emit` sees each as it comes; stops early on an interrupt."""
    results: list[tuple[Path, Verdict]] = []
    progress = Progress(len(files), "checked", lines_on_stdout=emit is not None)
    try:
        for path in files:
            if interrupt is not None and interrupt.requested:
                break
            verdict = _check(path, max_bytes)
            results.append((path, verdict))
            if emit is not None:
                emit(path, verdict)
            progress.show(len(results))
    finally:
        progress.close()
    return results


def _check(path: Path, max_bytes: int) -> Verdict:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return oversize(size, max_bytes=max_bytes)
        return check_document(path.read_bytes(), max_bytes=max_bytes)
    except OSError as error:
        raise CommandError(f"cannot read {path}: {error.strerror}") from None


def _print_json(path: Path, verdict: Verdict) -> None:
    print(json.dumps(as_json(path, verdict), ensure_ascii=False), flush=True)


def as_json(path: Path, verdict: Verdict) -> dict[str, object]:
    findings = [{"level": f.level, "code": f.code, "xpath": f.xpath, "line": f.line, "text": f.text}
                for f in verdict.findings]
    return {"path": str(path), "message": verdict.message, "verdict": verdict.verdict, "findings": findings}


def print_table(results: Sequence[tuple[Path, Verdict]], out: TextIO) -> None:
    width = max([len("PATH"), *(len(str(path)) for path, _ in results)])
    out.write(f"{'PATH':<{width}}  {'STANDARD':<8}  {'MESSAGE':<7}  VERDICT\n")
    for path, verdict in results:
        standard, message = verdict.standard or "-", verdict.message or "-"
        out.write(f"{path!s:<{width}}  {standard:<8}  {message:<7}  {verdict.verdict}\n")
        for finding in verdict.findings:
            line = "-" if finding.line is None else str(finding.line)
            out.write(f"    level {finding.level}  {finding.code:<8} line {line:<5} {finding.xpath}\n")
            out.write(f"        {finding.text}\n")
    tally = Counter(verdict.verdict for _, verdict in results)
    summary = ", ".join(f"{count} {name}" for name, count in sorted(tally.items()))
    out.write(f"{len(results)} document{'s' if len(results) != 1 else ''}: {summary}\n")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be positive: {value}")
    return value

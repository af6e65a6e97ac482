"""`istd validate PATH...`: the verdict and findings of each message file, as a table or JSON lines."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from gateway.processing.validation import Verdict, check_document, oversize
from gateway.settings import Settings


class UsageError(Exception):
    """Bad arguments: exit code 2."""


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "validate", help="validate message files (XSD and in-message rules)",
        description="Validate iWmo/iJw 3.2 message files: XSD (level 1) and in-message rules (level 2). "
                    "Directories are searched recursively for *.xml files. Exit 0 when every document "
                    "is valid, 1 when any is not, 2 on usage errors.")
    parser.add_argument("paths", nargs="+", metavar="PATH", type=Path, help="message file or directory")
    parser.add_argument("--json", action="store_true", help="one JSON object per document per line")
    parser.add_argument("--max-bytes", type=_positive, default=None, metavar="N",
                        help="refuse documents larger than N bytes (default: ISTD_PARSER__MAX_BYTES, 25 MB)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    max_bytes: int = args.max_bytes or Settings().parser.max_bytes
    try:
        results = check_files(collect(args.paths), max_bytes)
    except UsageError as error:
        print(f"istd validate: error: {error}", file=sys.stderr)
        return 2
    if args.json:
        for path, verdict in results:
            print(json.dumps(as_json(path, verdict), ensure_ascii=False))
    else:
        print_table(results, sys.stdout)
    return 0 if all(verdict.valid for _, verdict in results) else 1


def collect(paths: Sequence[Path]) -> list[Path]:
    """The files to check: given files as they are, *.xml files under given directories; sorted."""
    files: set[Path] = set()
    for path in paths:
        if path.is_dir():
            files.update(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() == ".xml")
        elif path.is_file():
            files.add(path)
        else:
            raise UsageError(f"no such file or directory: {path}")
    if not files:
        raise UsageError(f"no .xml files found in {', '.join(str(p) for p in paths)}")
    return sorted(files)


def check_files(files: Sequence[Path], max_bytes: int) -> list[tuple[Path, Verdict]]:
    results = []
    with _Progress(len(files), sys.stderr) as progress:
        for path in files:
            results.append((path, _check(path, max_bytes)))
            progress.step()
    return results


def _check(path: Path, max_bytes: int) -> Verdict:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return oversize(size, max_bytes=max_bytes)
        return check_document(path.read_bytes(), max_bytes=max_bytes)
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror}") from None


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
    counts = Counter(verdict.verdict for _, verdict in results)
    summary = ", ".join(f"{count} {name}" for name, count in sorted(counts.items()))
    out.write(f"{len(results)} document{'s' if len(results) != 1 else ''}: {summary}\n")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be positive: {value}")
    return value


class _Progress:
    """A one-line progress bar on `stream`, drawn only when it is a terminal."""

    def __init__(self, total: int, stream: TextIO) -> None:
        self.total, self.done, self.stream = total, 0, stream
        self.enabled = stream.isatty()

    def __enter__(self) -> _Progress:
        return self

    def step(self) -> None:
        self.done += 1
        if self.enabled:
            filled = 30 * self.done // self.total
            self.stream.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {self.done}/{self.total}")
            self.stream.flush()

    def __exit__(self, *exc: object) -> None:
        if self.enabled:
            self.stream.write("\r" + " " * 50 + "\r")
            self.stream.flush()



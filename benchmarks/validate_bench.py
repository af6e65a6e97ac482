"""Throughput of check_document (parse + XSD + decode + level 2) against bare lxml parse + XSD validation.

Run with `make bench`. For each shipped heen example (examples/, both standards) it reports messages/second
of `check_document`, of the codec alone (parse + XSD + decode, no rules) and of a bare lxml parse + validate
of the same bytes against the same XSD file, compiled apart, and the ratio ours/bare; the goal is a ratio
of at least 0.6. The sides are measured in alternating rounds of CPU time of this process, so a busy
machine slows all of them alike. Then one document just under the 25 MiB limit per kind (a 323 of many
small elements, a 301 of long Commentaar texts), through `check_document` once each: seconds and MB/s,
so a size-proportional judgement shows as a steady MB/s. A benchmark reports, it does not fail: the
exit code is 0 either way.
"""

from __future__ import annotations

import argparse
import importlib.util
import math
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from lxml import etree

from gateway import codec
from gateway.processing.validation import check_document
from schemas import registry
from schemas.mutants import build
from schemas.spec.messages import message

PROJECT_ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = PROJECT_ROOT / "examples"
GOAL = 0.6
MAX_BYTES = 25 * 1024 * 1024
ROUND = 25  # calls per side per round


def rates(sides: list[Callable[[], object]], seconds: float) -> list[float]:
    """Calls per CPU-second of each side, measured in alternating rounds for about `seconds` in total."""
    spent = [0.0] * len(sides)
    calls = 0
    for work in sides:
        work()  # warm-up: caches, compiled schemas
    while sum(spent) < seconds:
        for index, work in enumerate(sides):
            started = time.process_time()
            for _ in range(ROUND):
                work()
            spent[index] += time.process_time() - started
        calls += ROUND
    return [calls / max(total, 1e-9) for total in spent]


def measure(path: Path, seconds: float) -> Row:
    raw = path.read_bytes()
    mt = registry.by_namespace(etree.QName(etree.fromstring(raw)).namespace or "")
    schema = etree.XMLSchema(etree.parse(str(mt.xsd_path)))
    parser = etree.XMLParser()

    def ours() -> object:
        return check_document(raw, max_bytes=MAX_BYTES)

    def codec_only() -> object:
        doc = codec.parse(raw, max_bytes=MAX_BYTES)
        return codec.validate_xsd(doc) or codec.decode(doc)

    def parse_xsd() -> object:
        return codec.validate_xsd(codec.parse(raw, max_bytes=MAX_BYTES))

    def bare() -> object:
        return schema.validate(etree.fromstring(raw, parser))

    full, part, checked, reference = rates([ours, codec_only, parse_xsd, bare], seconds)
    return Row(path.name, full, part, checked, reference)


class Row(NamedTuple):
    """Calls per CPU-second of each side for one example."""

    name: str
    ours: float  # check_document
    codec: float  # parse + XSD + decode
    checked: float  # parse + XSD (with the findings of an invalid document)
    bare: float  # lxml parse + validate against the XSD

    def cost(self) -> tuple[float, float, float, float]:
        """Microseconds per message: bare; ours split into parse + XSD, decode, level-2 rules."""
        us = [1e6 / rate for rate in (self.bare, self.checked, self.codec, self.ours)]
        return us[0], us[1], max(us[2] - us[1], 0.0), max(us[3] - us[2], 0.0)


def big_323(target: int) -> bytes:
    """A schema-valid 323 (generated from the spec) of about `target` bytes: its Client repeated."""
    raw = etree.tostring(build(message("iwmo", 323), maximal=True), xml_declaration=True, encoding="UTF-8")
    start, end = raw.index(b"<wmo323:Client>"), raw.index(b"</wmo323:Client>") + len(b"</wmo323:Client>")
    times = max(1, (target - len(raw)) // (end - start))
    return raw[:start] + raw[start:end] * times + raw[end:]


def big_301(target: int) -> bytes:
    """A valid 301 of about `target` bytes with long Commentaar texts (tests/hostile/generate.py)."""
    generate = PROJECT_ROOT / "tests" / "hostile" / "generate.py"
    spec = importlib.util.spec_from_file_location("hostile_generate", generate)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    made: bytes = module._big_toewijzing(target, per_product=20_000)
    return made


def big_documents() -> list[str]:
    """check_document on documents just under the limit: seconds (CPU) and MB/s."""
    lines = ["big documents (check_document: parse + XSD + decode + level 2, once each):"]
    target = MAX_BYTES - 64 * 1024
    for name, raw in (("323, small elements", big_323(target)), ("301, long Commentaar", big_301(target))):
        started = time.process_time()
        verdict = check_document(raw, max_bytes=MAX_BYTES)
        spent = time.process_time() - started
        mb = len(raw) / 1e6
        lines.append(f"  {name:<22} {mb:6.1f} MB  {spent:6.2f} s  {mb / max(spent, 1e-9):7.1f} MB/s  "
                     f"verdict {verdict.verdict}")
    return lines


def main(argv: list[str] | None = None) -> int:
    options = argparse.ArgumentParser(description="check_document against bare lxml parse + XSD")
    options.add_argument("--seconds", type=float, default=2.5, help="CPU seconds per example (default 2.5)")
    seconds = options.parse_args(argv).seconds
    paths = sorted(EXAMPLES.glob("*-3.2/*.xml"))
    heen = [path for path in paths if not registry.by_name(path.stem).is_retour]
    rows = [measure(path, seconds) for path in heen]
    header = ("example", "ours msg/s", "codec msg/s", "bare msg/s", "ratio", "codec", "bare µs", "parse+xsd",
              "decode", "rules")
    print("{:<12} {:>11} {:>12} {:>11} {:>6} {:>6} {:>8} {:>9} {:>7} {:>6}".format(*header))
    for row in rows:
        bare_us, checked_us, decode_us, rules_us = row.cost()
        print(f"{row.name:<12} {row.ours:>11.0f} {row.codec:>12.0f} {row.bare:>11.0f} "
              f"{row.ours / row.bare:>6.2f} {row.codec / row.bare:>6.2f} "
              f"{bare_us:>8.1f} {checked_us:>9.1f} {decode_us:>7.1f} {rules_us:>6.1f}")
    ratios = [row.ours / row.bare for row in rows]
    mean = math.exp(sum(math.log(ratio) for ratio in ratios) / len(ratios))
    met = sum(ratio >= GOAL for ratio in ratios)
    print("ratio = ours / bare (ours = check_document: parse + XSD + decode + level-2 rules; "
          "codec = the same without the rules)")
    print("µs per message: bare = lxml parse + validate; ours = parse+xsd (hardened parse, our XSD, the "
          "findings of an invalid document) + decode + rules")
    print(f"goal: ratio >= {GOAL}: met for {met}/{len(ratios)} examples; geometric mean {mean:.2f}: "
          f"{'met' if mean >= GOAL else 'NOT met'}")
    print("\n".join(big_documents()))
    return 0


if __name__ == "__main__":
    sys.exit(main())

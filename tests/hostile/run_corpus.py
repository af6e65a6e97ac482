"""Runs every corpus document through `check_document` in a process of its own and reports as JSON lines.

Usage: ``python tests/hostile/run_corpus.py CORPUS_DIR OUT.jsonl``. A separate process so that peak
RSS can be measured from a clean baseline, and so that a crash or a hang inside C code (lxml) ends
this process, not the test session. Per document: the verdict, the findings, the decoded values the
manifest asks for, and whether anything leaked; at the end one summary line with the RSS growth and
every connection attempt. Guards:

- every Python-level socket connect is recorded and refused;
- a listener on the trap port catches connections made below Python (libxml2 fetching a URL);
- `signal.alarm` turns a Python-level hang into a recorded timeout and the run goes on;
- `faulthandler.dump_traceback_later(exit=True)` ends the process if C code hangs past the alarm.

Peak RSS is read from /proc/self/status (VmHWM) after resetting it via /proc/self/clear_refs once
the XSDs are compiled: `getrusage().ru_maxrss` of a process spawned by a large pytest process
starts at the parent's peak (it survives vfork + exec) and would hide the growth we measure.
"""

from __future__ import annotations

import dataclasses
import faulthandler
import json
import resource
import signal
import socket
import sys
import traceback
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Any

from gateway.processing.validation import check_document

ALARM_S = 60  # a hang guard per document, not a performance requirement
HARD_STOP_S = 180
LEAK_MARKERS = ("root:x:", "root:*:", "root:!:", "/bin/bash", "/usr/sbin/nologin")
MAX_FINDING_TEXT = 20_000  # a finding quoting an expanded entity would be far longer

_connects: list[str] = []
_real_connect = socket.socket.connect


class DocumentTimeout(Exception):
    """The document took longer than ALARM_S seconds."""


def _guarded_connect(self: socket.socket, address: Any) -> None:
    _connects.append(repr(address))
    raise ConnectionRefusedError(f"hostile test: network access to {address!r} refused")


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise DocumentTimeout(f"no verdict within {ALARM_S} s")


def _value(obj: Any, dotted: str) -> Any:
    for step in dotted.split("."):
        obj = obj[int(step)] if step.isdigit() else getattr(obj, step)
    return obj


def _strings(value: Any) -> Iterator[str]:
    """Every string in a decoded message (dataclasses, tuples), without building one big repr."""
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for item in dataclasses.fields(value):
            yield from _strings(getattr(value, item.name))
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _strings(item)


def _text(value: Any) -> str:
    return str(getattr(value, "value", value))


def _finding(finding: Any) -> dict[str, Any]:
    return {"level": getattr(finding, "level", None), "code": getattr(finding, "code", None),
            "xpath": getattr(finding, "xpath", None), "line": getattr(finding, "line", None),
            "text": getattr(finding, "text", None)}


def check_one(raw: bytes, entry: dict[str, Any], max_bytes: int) -> dict[str, Any]:
    result: dict[str, Any] = {"file": entry["file"], "verdict": None, "findings": [], "error": None,
                              "timeout": False, "decoded": {}, "leak": False, "decoded_chars": 0}
    signal.alarm(ALARM_S)
    try:
        verdict = check_document(raw, max_bytes=max_bytes)
    except DocumentTimeout as error:
        result["timeout"] = True
        result["error"] = str(error)
        return result
    except BaseException:  # noqa: BLE001 - the point is to report any escape, whatever it is
        result["error"] = traceback.format_exc()
        return result
    finally:
        signal.alarm(0)
    result["verdict"] = _text(verdict.verdict)
    message = verdict.message
    result["message"] = None if message is None else _text(getattr(message, "name", message))
    result["findings"] = [_finding(f) for f in verdict.findings]
    decoded = getattr(verdict, "decoded", None)
    strings = list(_strings(decoded))
    result["decoded_chars"] = sum(len(text) for text in strings)
    for path in entry["decoded"]:
        try:
            value = _value(decoded, path)
        except (AttributeError, IndexError, TypeError) as error:
            value = f"<not decoded: {error}>"
        result["decoded"][path] = value if isinstance(value, int | str | None) else str(value)
    texts = [str(f["text"]) for f in result["findings"]] + strings
    result["leak"] = any(marker in text for text in texts for marker in LEAK_MARKERS)
    result["max_finding_text"] = max((len(str(f["text"])) for f in result["findings"]), default=0)
    return result


def _reset_peak() -> bool:
    """Reset the peak-RSS mark to the current RSS (Linux >= 4.0). Without it, `ru_maxrss` of a process
    started from a large parent can begin at the parent's peak and hide growth."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _peak_kb() -> int:
    """Peak RSS in KiB since the last reset: VmHWM where Linux has it, else `ru_maxrss`."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _trap(port: int) -> socket.socket | None:
    trap = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    trap.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        trap.bind(("127.0.0.1", port))
    except OSError:
        trap.close()
        return None
    trap.listen(16)
    trap.setblocking(False)
    return trap


def _caught(trap: socket.socket | None) -> int:
    if trap is None:
        return -1
    count = 0
    while True:
        try:
            connection, _ = trap.accept()
        except BlockingIOError:
            return count
        connection.close()
        count += 1


def main(corpus: Path, out: Path, trap_port: int) -> int:
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    max_bytes = manifest["max_bytes"]
    trap = _trap(trap_port)
    signal.signal(signal.SIGALRM, _alarm)
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign,assignment]
    # Warm up (compile the XSDs, import the rules) before the baseline, so it measures the documents.
    for entry in manifest["documents"]:
        if entry["category"] == "baseline":
            check_document((corpus / entry["file"]).read_bytes(), max_bytes=max_bytes)
    reset = _reset_peak()
    baseline_kb = _peak_kb()
    with out.open("w", encoding="utf-8") as sink:
        for entry in manifest["documents"]:
            faulthandler.dump_traceback_later(HARD_STOP_S, exit=True)
            raw = (corpus / entry["file"]).read_bytes()
            sink.write(json.dumps({"started": entry["file"]}) + "\n")
            sink.flush()
            result = check_one(raw, entry, max_bytes)
            result["peak_kb_after"] = _peak_kb()
            sink.write(json.dumps(result) + "\n")  # ASCII: U+2028 is no line end
            sink.flush()
            del raw
        faulthandler.cancel_dump_traceback_later()
        peak_kb = _peak_kb()
        socket.socket.connect = _real_connect  # type: ignore[method-assign]
        summary = {"baseline_kb": baseline_kb, "peak_kb": peak_kb, "peak_reset": reset, "connects": _connects,
                   "trapped": _caught(trap)}
        sink.write(json.dumps({"summary": summary}) + "\n")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        print("usage: run_corpus.py CORPUS_DIR OUT.jsonl TRAP_PORT", file=sys.stderr)
        sys.exit(2)
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])))

"""Structured logs: JSON lines when stderr is not a terminal, key=value otherwise; never message content.

Log records carry an explicit `fields` mapping (message name, Identificatie, sha256 prefix,
codes, outcome, durations). Exceptions are described by type and code location only
(`describe_exception`), because an exception's text may quote a BSN, name or address.

The JSON lines use Elastic Common Schema names, so a log shipper needs no mapping: `@timestamp`,
`log.level`, `log.logger`, `message` (the human text), `service.name`, `event.duration` (ns),
`error.message`; our own facts go under `istd.` (`istd.message.code` is the message type, e.g.
WMO305). `istd web`'s access log (uvicorn) comes through the same formatter as `http.*` and
`url.path` fields, without the query string.
"""

from __future__ import annotations

import json
import logging
import sys
import time
import traceback
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

LOGGER_NAME = "istd"
SERVICE_NAME = "istd-gateway"
ECS_VERSION = "8.11.0"
# Our field names -> ECS (or our `istd.` namespace); any other plain field `x` becomes `istd.x`.
_ECS_FIELDS = {
    "message": "istd.message.code",
    "identificatie": "istd.message.identificatie",
    "sha256": "istd.message.sha256",
    "message_id": "istd.message.id",
    "outcome": "istd.outcome",
    "codes": "istd.retourcodes",
    "error": "error.message",
}
# Libraries whose DEBUG/INFO lines carry payloads: aiormq logs AMQP frames (message bodies), aiosqlite
# every operation with its SQL parameters, SQLAlchemy statements with parameters. Held at WARNING
# whatever level our loggers or the root logger are given, so DEBUG never writes personal data.
PAYLOAD_LOGGERS = ("aiormq", "aio_pika", "aiosqlite", "sqlalchemy", "asyncpg")
_PROJECT_ROOT = Path(__file__).resolve().parent.parent


def get_logger(name: str) -> logging.Logger:
    return logging.getLogger(f"{LOGGER_NAME}.{name}")


def fields(**values: object) -> dict[str, Any]:
    """`extra=` for a log call: `log.info("processed", extra=fields(message="WMO305", ms=1.2))`."""
    return {"fields": values}


def redact_url(url: str) -> str:
    """The URL with its password replaced by `***`, for messages and logs; each of a comma-separated list."""
    if "," in url:
        return ",".join(redact_url(part.strip()) for part in url.split(","))
    parts = urlsplit(url)
    if not parts.password:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def describe_exception(exc: BaseException) -> str:
    """`TypeName at path/module.py:42 in function`: where it happened, without the exception's text."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if Path(f.filename).resolve().is_relative_to(_PROJECT_ROOT)] or frames
    if not ours:
        return type(exc).__qualname__
    last = ours[-1]
    where = Path(last.filename).resolve()
    shown = where.relative_to(_PROJECT_ROOT) if where.is_relative_to(_PROJECT_ROOT) else where.name
    return f"{type(exc).__qualname__} at {shown}:{last.lineno} in {last.name}"


class JsonFormatter(logging.Formatter):
    """One JSON object per line with ECS field names: time, level, logger, message and the `fields`."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "@timestamp": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "log.level": record.levelname.lower(),
            "log.logger": record.name,
            "message": record.getMessage(),
            "service.name": SERVICE_NAME,
            "ecs.version": ECS_VERSION,
        }
        extra: Mapping[str, Any] = getattr(record, "fields", {}) or {}
        for key, value in extra.items():
            if key == "ms":  # ECS durations are nanoseconds
                entry["event.duration"] = round(float(value) * 1_000_000)
            else:  # a dotted name is an ECS name already (the access log's `http.*`)
                entry[_ECS_FIELDS.get(key, key if "." in key else f"istd.{key}")] = value
        if record.exc_info and record.exc_info[1] is not None:
            entry["error.message"] = describe_exception(record.exc_info[1])
        return json.dumps(entry, default=str, ensure_ascii=False)


class AccessLogFields(logging.Filter):
    """uvicorn's access records -> `fields` (method, path without query, status); the text says as much.

    uvicorn logs `client, method, full path, HTTP version, status`. The query string can carry free
    text typed into a form, so it is dropped, and the client address is left out as well.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5:
            _client, method, full_path, version, status = args
            path = str(full_path).split("?", 1)[0]
            record.msg, record.args = "%s %s %s", (method, path, status)
            record.fields = {
                "http.request.method": method, "url.path": path, "http.version": version,
                "http.response.status_code": status,
            }
        return True


class TextFormatter(logging.Formatter):
    """`HH:MM:SS level logger event key=value ...` for a terminal."""

    def format(self, record: logging.LogRecord) -> str:
        extra: Mapping[str, Any] = getattr(record, "fields", {}) or {}
        pairs = " ".join(f"{key}={value}" for key, value in extra.items() if "." not in key)
        stamp = time.strftime("%H:%M:%S", time.localtime(record.created))
        line = f"{stamp} {record.levelname.lower():7} {record.name} {record.getMessage()} {pairs}".rstrip()
        if record.exc_info and record.exc_info[1] is not None:
            line += f" error={describe_exception(record.exc_info[1])}"
        return line


def configure(level: int = logging.INFO, *, json_lines: bool | None = None) -> None:
    """Send our logs (and FastStream's and uvicorn's) to stderr in the format that suits where it goes."""
    use_json = (not sys.stderr.isatty()) if json_lines is None else json_lines
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if use_json else TextFormatter())
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, AccessLogFields) for f in access.filters):
        access.addFilter(AccessLogFields())
    for name in (LOGGER_NAME, "faststream", "uvicorn", "uvicorn.error", "uvicorn.access"):
        target = logging.getLogger(name)
        target.handlers[:] = [handler]
        target.setLevel(level)
        target.propagate = False
    # The worker logs every message once itself (gateway.worker.pipeline: identification, outcome, codes,
    # duration); the Processor's own per-message INFO lines would double that volume.
    logging.getLogger(f"{LOGGER_NAME}.processing").setLevel(max(level, logging.WARNING))
    for name in PAYLOAD_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)

"""Ctrl-C in the middle of a big `istd validate`, `ingest` and `publish`: a clean stop, a summary, exit 130.

The real command gets SIGINT while it works. For validate and ingest the test reads one line of their
output and then stops reading: the pipe fills, the command can get at most a pipe's worth further, and
the signal is sure to land in the middle of the run, whatever the machine's speed.
"""

from __future__ import annotations

import asyncio
import json
import re
import secrets
import signal
import sqlite3
import subprocess
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import aio_pika
import pytest

from gateway.worker.topology import Topology

Start = Callable[..., subprocess.Popen[bytes]]
RABBIT_URL = "amqp://guest:guest@127.0.0.1:5672/"


def _write_documents(folder: Path, count: int) -> None:
    """`count` distinct small documents (they need not be messages: each still gets a verdict)."""
    folder.mkdir()
    for index in range(count):
        body = f'<?xml version="1.0"?><Bericht xmlns="urn:test:interrupt"><Nummer>{index}</Nummer></Bericht>'
        (folder / f"{index:05d}.xml").write_text(body)


def _interrupt_after_first_line(process: subprocess.Popen[bytes]) -> tuple[list[str], list[str]]:
    assert process.stdout is not None
    first = process.stdout.readline()
    assert first, "the command printed nothing before the interrupt"
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)
    return (first + out).decode().splitlines(), err.decode().splitlines()


def test_ctrl_c_during_validate(tmp_path: Path, start_istd: Start) -> None:
    _write_documents(tmp_path / "inbox", 3000)
    process = start_istd("validate", "--json", "inbox")
    lines, err = _interrupt_after_first_line(process)
    assert process.returncode == 130
    checked = [json.loads(line) for line in lines]
    assert 0 < len(checked) < 3000
    assert [Path(d["path"]).name for d in checked] == [f"{i:05d}.xml" for i in range(len(checked))]
    [summary] = err
    assert re.fullmatch(
        rf"istd validate: interrupted: {len(checked)} documents? in [0-9.]+ s: {len(checked)} unsupported; "
        rf"{3000 - len(checked)} not checked", summary), summary


def test_ctrl_c_during_ingest_keeps_what_was_committed(tmp_path: Path, start_istd: Start) -> None:
    _write_documents(tmp_path / "inbox", 2000)
    process = start_istd("ingest", "inbox")
    lines, err = _interrupt_after_first_line(process)
    assert process.returncode == 130
    done = [json.loads(line) for line in lines]
    assert 0 < len(done) < 2000
    assert {d["outcome"] for d in done} == {"invalid"}
    assert "Traceback" not in "\n".join(err)
    assert re.fullmatch(rf"istd ingest: interrupted: {len(done)} files? in [0-9.]+ s: {len(done)} invalid; "
                        rf"{2000 - len(done)} not processed", err[-1]), err
    with sqlite3.connect(tmp_path / "register.sqlite3") as register:  # each reported file, and no other
        (stored,) = register.execute("SELECT count(*) FROM messages").fetchone()
    assert stored == len(done)


@pytest.fixture
async def prefix() -> AsyncIterator[str]:
    """A topology prefix of this test's own; its exchanges and queues are deleted afterwards."""
    name = f"cli-interrupt-{secrets.token_hex(4)}."
    yield name
    connection = await aio_pika.connect(RABBIT_URL)
    try:
        channel = await connection.channel()
        topology = Topology(prefix=name)
        for queue in topology.all_queues():
            await channel.queue_delete(queue.name, if_unused=False, if_empty=False)
        for exchange in topology.all_exchanges():
            await channel.exchange_delete(exchange.name)
    finally:
        await connection.close()


async def _queued(name: str) -> int:
    connection = await aio_pika.connect(RABBIT_URL)
    try:
        queue = await (await connection.channel()).declare_queue(name, passive=True)
        count = queue.declaration_result.message_count
        return int(count or 0)
    finally:
        await connection.close()


async def _wait_until_queued(name: str, process: subprocess.Popen[bytes]) -> None:
    """Until the first publishes are in the queue (the command has connected and begun)."""
    async with asyncio.timeout(60):
        while process.poll() is None:
            try:
                if await _queued(name) > 0:
                    return
            except aio_pika.exceptions.ChannelNotFoundEntity:
                pass  # not declared yet
            await asyncio.sleep(0.02)


@pytest.mark.rabbitmq
async def test_ctrl_c_during_publish(tmp_path: Path, prefix: str, start_istd: Start) -> None:
    _write_documents(tmp_path / "outbox", 20000)
    process = start_istd("publish", "outbox",
                         env={"ISTD_BROKER__URL": RABBIT_URL, "ISTD_BROKER__PREFIX": prefix})
    queue = Topology(prefix=prefix).inbound_queue.name
    await _wait_until_queued(queue, process)
    assert process.poll() is None, "publish ended before it could be interrupted"
    process.send_signal(signal.SIGINT)
    out, err = await asyncio.to_thread(process.communicate, timeout=120)
    assert process.returncode == 130
    assert out == b""
    [summary] = err.decode().splitlines()
    found = re.fullmatch(
        rf"istd publish: interrupted: published (\d+) of 20000 message\(s\) to {re.escape(prefix)}istd.in in "
        r"[0-9.]+ s; the first \1 files in order were confirmed, the rest not sent", summary)
    assert found is not None, summary
    published = int(found.group(1))
    assert 0 < published < 20000
    assert await _queued(queue) == published

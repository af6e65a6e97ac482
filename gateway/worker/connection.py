"""Broker connections over the nodes of a RabbitMQ cluster: the first that answers; on a loss, the next.

`ISTD_BROKER__URL` may name several nodes, comma separated. aio-pika's robust connection reconnects
to the one URL it was given; `FailoverConnection` keeps its robustness (channels, consumers and
callbacks restored after a reconnect) and tries the URLs in turn instead: at start the first that
answers, after a loss the one after the node it lost first (that node is likely the one that went
away), round the list. `rabbit_broker` builds the worker's FastStream broker on it,
`connect_first` is the one-shot connection of the `istd` commands.

`is_blocked` reads whether RabbitMQ blocked the connection (a memory or disk alarm): the broker
then reads nothing from it, neither publishes nor acks, until the alarm clears.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

import aio_pika
import aio_pika.abc
from aio_pika.exceptions import CONNECTION_EXCEPTIONS
from aio_pika.robust_connection import RobustConnection
from faststream.rabbit import RabbitBroker
from yarl import URL

from gateway.logs import fields, get_logger, redact_url

log = get_logger("broker")


def broker_urls(setting: str) -> list[str]:
    """The URLs of `ISTD_BROKER__URL` / `--broker`: one, or several comma separated (a cluster's nodes)."""
    urls = [part.strip() for part in setting.split(",") if part.strip()]
    if not urls:
        raise ValueError("no broker URL given: set ISTD_BROKER__URL (several nodes comma separated)")
    return urls


class FailoverConnection(RobustConnection):
    """A robust connection that moves through `urls` instead of retrying one."""

    def __init__(self, url: URL, loop: Any = None, *, urls: Sequence[str], **kwargs: Any) -> None:
        self._urls = [URL(u) for u in urls]
        self._start = 0
        self._current: int | None = None
        super().__init__(url, loop, **kwargs)

    @property
    def node(self) -> str:
        """The (password-free) URL this connection is on, or was on last."""
        return redact_url(str(self.url))

    # aio-pika's connection factory calls this (name-mangled) method for each attempt; overriding it
    # is the one way to choose the URL per attempt and keep everything else of the robust connection.
    async def _RobustConnection__connect_transport(self) -> None:
        error: BaseException | None = None
        for offset in range(len(self._urls)):
            index = (self._start + offset) % len(self._urls)
            self.url = self._urls[index]
            try:
                await super()._RobustConnection__connect_transport()  # type: ignore[misc]
            except CONNECTION_EXCEPTIONS as exc:
                error = exc
                log.warning("broker node not reachable",
                            extra=fields(broker=self.node, error=type(exc).__name__))
                continue
            if self._current is not None and index != self._current:
                log.warning("broker connection moved to another node", extra=fields(broker=self.node))
            else:
                log.info("broker connected", extra=fields(broker=self.node))
            self._current = self._start = index
            return
        assert error is not None
        raise error

    async def _on_connection_close(self, closing: Any) -> None:
        if self._current is not None:  # the node we lost goes to the end of the list
            self._start = (self._current + 1) % len(self._urls)
        await super()._on_connection_close(closing)


def rabbit_broker(setting: str, **kwargs: Any) -> RabbitBroker:
    """A FastStream broker on the URLs of `setting`; with several, over a `FailoverConnection`."""
    urls = broker_urls(setting)
    broker = RabbitBroker(urls[0], **kwargs)
    if len(urls) > 1:
        # FastStream hands these to aio_pika.connect_robust as they are; it has no argument of its own
        # for the connection class.
        broker._connection_kwargs["connection_class"] = partial(FailoverConnection, urls=urls)
    return broker


async def connect_first(setting: str) -> aio_pika.abc.AbstractConnection:
    """A plain connection to the first node of `setting` that answers (the `istd` commands)."""
    error: BaseException | None = None
    for url in broker_urls(setting):
        try:
            return await aio_pika.connect(url)
        except CONNECTION_EXCEPTIONS as exc:
            error = exc
    assert error is not None
    raise error


def is_blocked(connection: object) -> bool:
    """Whether RabbitMQ blocked this connection (Connection.Blocked: a memory or disk alarm)."""
    transport = getattr(connection, "transport", None)
    return underlay_blocked(getattr(transport, "connection", None))


def underlay_blocked(underlay: object) -> bool:
    """Whether RabbitMQ blocked this aiormq connection (the one under aio-pika's, or a channel's)."""
    # aiormq keeps the state in a private event and offers no public reading of it.
    unblocked = getattr(underlay, "_Connection__connection_unblocked", None)
    return unblocked is not None and not unblocked.is_set()

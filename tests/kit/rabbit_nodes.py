"""RabbitMQ nodes of a test's own: Debian's rabbitmq-server on private names, ports and directories.

The shared node (rabbit@localhost, 5672) is never touched: each node here has its own node name
(`istd-<token>-<n>@localhost`), AMQP and distribution ports, data, log and config files in a
temporary directory, no plugins, and a cookie of its own. `RabbitNodes` starts them, clusters them
(`rabbitmqctl join_cluster`), runs `rabbitmqctl`/`rabbitmq-queues` against them, stops or kills
one, and at `close()` kills every process it started and removes its directory, also after a failure.

The CLI tools use distribution ports of their own, 10000 above RABBITMQ_DIST_PORT (35672-35682 for
the shared node's default): the ports chosen here avoid that range.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import shutil
import signal
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tests.kit.reliability import free_port

SERVER = Path("/usr/lib/rabbitmq/bin/rabbitmq-server")
CTL_DIR = Path("/usr/lib/rabbitmq/bin")
CLI_PORTS = range(35600, 35700)  # the CLI tools' own distribution ports (see the module docstring)
START_S = 120.0


def available() -> bool:
    """Whether this machine has Debian's rabbitmq-server to start private nodes with."""
    return SERVER.exists() and (CTL_DIR / "rabbitmqctl").exists()


def _port(taken: set[int]) -> int:
    while True:
        port = free_port()
        if port not in CLI_PORTS and port not in taken and port + 10000 not in taken:
            taken.add(port)
            return port


@dataclass
class Node:
    """One private node: its name, ports and directory, and the process running it."""

    name: str
    port: int
    dist_port: int
    base: Path
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}/"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


class RabbitNodes:
    """`count` private nodes under `base`; use as an async context manager (close() at the end)."""

    def __init__(self, base: Path, count: int) -> None:
        self.base = base
        self.home = base / "home"
        token = secrets.token_hex(3)
        taken: set[int] = set()
        self.nodes = [
            Node(f"istd-{token}-{n}@localhost", _port(taken), _port(taken), base / f"node{n}")
            for n in range(1, count + 1)
        ]

    async def __aenter__(self) -> RabbitNodes:
        try:
            await self.start()
        except BaseException:
            await self.close()
            raise
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    def env(self, node: Node | None = None) -> dict[str, str]:
        """The environment of the server (with `node`) or of the CLI tools (without)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("RABBITMQ_", "ERL_"))}
        env.update(HOME=str(self.home), RABBITMQ_CONF_ENV_FILE=str(self.base / "rabbitmq-env.conf"))
        if node is not None:
            env.update(
                RABBITMQ_NODENAME=node.name, RABBITMQ_NODE_IP_ADDRESS="127.0.0.1",
                RABBITMQ_NODE_PORT=str(node.port), RABBITMQ_DIST_PORT=str(node.dist_port),
                RABBITMQ_MNESIA_BASE=str(node.base / "mnesia"), RABBITMQ_LOG_BASE=str(node.base / "log"),
                RABBITMQ_CONFIG_FILE=str(self.base / "rabbitmq.conf"),
                RABBITMQ_ENABLED_PLUGINS_FILE=str(self.base / "enabled_plugins"),
                RABBITMQ_PID_FILE=str(node.base / "pid"),
                RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}",
            )
        return env

    def _prepare(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        cookie = self.home / ".erlang.cookie"
        cookie.write_text(secrets.token_hex(16).upper())
        cookie.chmod(0o400)
        (self.base / "rabbitmq.conf").write_text("loopback_users = none\n")
        (self.base / "enabled_plugins").write_text("[].\n")
        (self.base / "rabbitmq-env.conf").write_text("ERL_EPMD_ADDRESS=127.0.0.1\n")

    async def start(self) -> None:
        """Start every node (at once) and wait until each runs its applications."""
        self._prepare()
        await asyncio.gather(*(self.start_node(node) for node in self.nodes))

    async def start_node(self, node: Node) -> None:
        await asyncio.to_thread(self._spawn, node)
        pid_file = str(node.base / "pid")
        await self.ctl(node, "wait", "--timeout", str(int(START_S)), pid_file, within=START_S + 10)

    def _spawn(self, node: Node) -> None:
        (node.base / "log").mkdir(parents=True, exist_ok=True)
        with (node.base / "server.out").open("ab") as out:
            node.process = subprocess.Popen(  # its own session: close() kills the whole group
                [str(SERVER)], env=self.env(node), stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True, cwd=node.base,
            )

    async def cluster(self) -> None:
        """Join every other node to the first one."""
        first = self.nodes[0]
        for node in self.nodes[1:]:
            await self.ctl(node, "stop_app")
            await self.ctl(node, "join_cluster", first.name)
            await self.ctl(node, "start_app")
        await self.ctl(first, "await_online_nodes", str(len(self.nodes)))

    async def ctl(self, node: Node, *args: str, tool: str = "rabbitmqctl", within: float = 120) -> str:
        """Run a CLI tool against `node`; its output, or CalledProcessError with it."""
        command = [str(CTL_DIR / tool), "-q", "-n", node.name, *args]
        result = await asyncio.to_thread(
            subprocess.run, command, env=self.env(), capture_output=True, text=True, timeout=within)
        if result.returncode != 0:
            raise subprocess.CalledProcessError(result.returncode, command, result.stdout, result.stderr)
        return result.stdout

    async def leader(self, queue: str) -> Node:
        """The node that leads quorum queue `queue`, asked of a running node."""
        asking = next(node for node in self.nodes if node.running)
        listing = await self.ctl(asking, "list_queues", "name", "leader", "--no-table-headers")
        for line in listing.splitlines():
            name, _, leader = line.strip().partition("\t")
            if name == queue:
                return next(node for node in self.nodes if node.name == leader.strip())
        raise LookupError(f"no queue {queue} on the cluster")

    async def members(self, queue: str) -> list[str]:
        """The nodes queue `queue` has members on."""
        asking = next(node for node in self.nodes if node.running)
        status = await self.ctl(asking, "quorum_status", queue, "--formatter", "json", tool="rabbitmq-queues")
        return sorted(node.name for node in self.nodes if node.name in status)

    async def kill(self, node: Node) -> None:
        """SIGKILL the node's whole process group: a crash, no goodbye to its peers or clients."""
        await asyncio.to_thread(self._kill, node)

    @staticmethod
    def _kill(node: Node) -> None:
        if node.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(node.process.pid, signal.SIGKILL)
        node.process.wait(timeout=30)

    async def close(self) -> None:
        """Kill every node started here and remove the directory; safe to call more than once."""
        for node in self.nodes:
            await self.kill(node)
        await asyncio.to_thread(shutil.rmtree, self.base, ignore_errors=True)


def urls(nodes: Sequence[Node]) -> str:
    """The nodes' URLs as ISTD_BROKER__URL takes them: comma separated, in this order."""
    return ",".join(node.url for node in nodes)

"""The errors a newcomer meets, through the real `istd`: one line on stderr saying what and what to do."""

from __future__ import annotations

import asyncio
import secrets
import socket
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.kit.reliability import admin
from tests.kit.services import scratch_database

Run = Callable[..., subprocess.CompletedProcess[str]]
OneLine = Callable[[subprocess.CompletedProcess[str], str], str]
RABBIT = "127.0.0.1:5672"
PG = "127.0.0.1:5432"


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A port some other process is listening on."""
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        yield other.getsockname()[1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_worker_http_port_in_use(istd: Run, one_line: OneLine, taken_port: int) -> None:
    done = istd("worker", env={"ISTD_HTTP__PORT": str(taken_port), "ISTD_BROKER__PREFIX": "never-used."})
    assert done.returncode == 1
    assert one_line(done, "istd worker:") == (
        f"istd worker: cannot listen on 127.0.0.1:{taken_port}: the port is in use; stop the other process "
        "or choose another port with ISTD_HTTP__PORT")


def test_web_port_in_use(istd: Run, taken_port: int) -> None:
    done = istd("web", "--port", str(taken_port))
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"istd web: cannot listen on 127.0.0.1:{taken_port}: the port is in use; stop the other process "
        "or choose another port with --port or ISTD_WEB__PORT"]


@pytest.mark.postgres
def test_postgres_database_that_does_not_exist(istd: Run, one_line: OneLine) -> None:
    name = f"istd_missing_{secrets.token_hex(4)}"
    url = f"postgresql://postgres@{PG}/{name}"
    expected = (f'database "{name}" does not exist on {PG}: create it (createdb -h 127.0.0.1 {name}) '
                "or name an existing one with --database / ISTD_DATABASE__URL")
    for argv, prefix in ((["allocations", "--database", url], "istd allocations"),
                         (["db", "upgrade", "--database", url], "istd db upgrade"),
                         (["users", "list", "--database", url], "istd users list")):
        done = istd(*argv)
        assert done.returncode == 2
        assert done.stderr.splitlines() == [f"{prefix}: {expected}"]
    worker = istd("worker", env={"ISTD_DATABASE__URL": url, "ISTD_HTTP__PORT": str(_free_port())})
    assert worker.returncode == 1
    assert one_line(worker, "istd worker:") == f"istd worker: {expected}"


@pytest.mark.postgres
async def test_postgres_database_that_refuses_writes(istd: Run, one_line: OneLine) -> None:
    async with scratch_database(f"istd_read_only_{secrets.token_hex(4)}", admin) as name:
        await admin(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
        url = f"postgresql://postgres@{PG}/{name}"
        expected = (f"the database at {url} refuses writes (read-only): make it writable "
                    "(default_transaction_read_only, a standby, the file's permissions) or name the primary")
        done = await asyncio.to_thread(istd, "db", "upgrade", "--database", url)
        assert done.returncode == 2
        cli = f"istd db upgrade: {expected} with --database / ISTD_DATABASE__URL"
        assert done.stderr.splitlines() == [cli]
        env = {"ISTD_DATABASE__URL": url, "ISTD_HTTP__PORT": str(_free_port())}
        worker = await asyncio.to_thread(istd, "worker", env=env)
    assert worker.returncode == 1
    assert one_line(worker, "istd worker:") == f"istd worker: {expected} in ISTD_DATABASE__URL"


MALFORMED = ("expected sqlite:///PATH or postgresql://USER[:PASSWORD]@HOST[:PORT]/NAME "
             "(--database or ISTD_DATABASE__URL)")


@pytest.mark.parametrize("url", ["nonsense", "postgresql://postgres@127.0.0.1:notaport/istd", "sqlite//x.db"])
def test_malformed_database_url(istd: Run, url: str) -> None:
    done = istd("allocations", "--database", url)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [f"istd allocations: malformed database URL {url!r}: {MALFORMED}"]


@pytest.mark.parametrize(("argv", "name"), [
    (["db", "upgrade"], "db upgrade"), (["users", "list"], "users list"), (["report", "running"], "report"),
    (["audit"], "audit"), (["purge", "--older-than", "24m"], "purge"), (["ingest", "."], "ingest"),
])
def test_malformed_database_url_in_every_command(istd: Run, argv: list[str], name: str) -> None:
    done = istd(*argv, env={"ISTD_DATABASE__URL": "nonsense"})
    assert done.returncode == 2
    assert done.stderr.splitlines() == [f"istd {name}: malformed database URL 'nonsense': {MALFORMED}"]


def test_unsupported_database_backend(istd: Run) -> None:
    done = istd("allocations", "--database", "mysql://someone@localhost/istd")
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "istd allocations: unsupported database backend 'mysql': use sqlite:/// or postgresql://"]


@pytest.mark.rabbitmq
def test_rabbitmq_wrong_password(istd: Run, one_line: OneLine, tmp_path: Path) -> None:
    (tmp_path / "a.xml").write_bytes(b"<a/>")
    url = f"amqp://guest:not-the-password@{RABBIT}/"
    expected = (f"RabbitMQ at amqp://guest:***@{RABBIT}/ refused the login of user 'guest': check the user "
                "and password in ISTD_BROKER__URL / --broker")
    done = istd("publish", "--broker", url, "a.xml")
    assert done.returncode == 1
    assert done.stderr.splitlines() == [f"istd publish: {expected}"]
    worker = istd("worker", "--broker", url, env={"ISTD_HTTP__PORT": str(_free_port())})
    assert worker.returncode == 1
    assert one_line(worker, "istd worker:") == f"istd worker: {expected}"
    assert worker.stderr.count("TR381 (S329) is off") == 1  # the start-up warning once, not twice


@pytest.mark.rabbitmq
def test_rabbitmq_missing_vhost(istd: Run, tmp_path: Path) -> None:
    (tmp_path / "a.xml").write_bytes(b"<a/>")
    vhost = f"istd-missing-{secrets.token_hex(4)}"
    done = istd("publish", "a.xml", env={"ISTD_BROKER__URL": f"amqp://guest:guest@{RABBIT}/{vhost}"})
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"istd publish: RabbitMQ at amqp://guest:***@{RABBIT}/{vhost} refused to open virtual host "
        f"'{vhost}' (it does not exist, or the user has no permission on it): create it (rabbitmqctl "
        f"add_vhost {vhost}; rabbitmqctl set_permissions -p {vhost} USER '.*' '.*' '.*') or fix the vhost in "
        "ISTD_BROKER__URL / --broker"]


def test_publish_to_a_closed_port(istd: Run, tmp_path: Path) -> None:
    (tmp_path / "a.xml").write_bytes(b"<a/>")
    port = _free_port()
    done = istd("publish", "--broker", f"amqp://guest:guest@127.0.0.1:{port}/", "a.xml")
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"istd publish: cannot reach RabbitMQ at amqp://guest:***@127.0.0.1:{port}/ (AMQPConnectionError); "
        "start it with `rabbitmq-server -detached` or `docker compose up -d rabbitmq`, or fix "
        "ISTD_BROKER__URL / --broker"]


@pytest.mark.rabbitmq
def test_dead_letters_wrong_password_and_closed_port(istd: Run) -> None:
    refused = istd("dead-letters", "list", "--broker", f"amqp://guest:not-the-password@{RABBIT}/")
    assert refused.returncode == 1
    assert refused.stderr.splitlines() == [
        f"istd dead-letters: RabbitMQ at amqp://guest:***@{RABBIT}/ refused the login of user 'guest': check "
        "the user and password in ISTD_BROKER__URL / --broker"]
    port = _free_port()
    closed = istd("--broker", f"amqp://guest:guest@127.0.0.1:{port}/", "dead-letters", "list")
    assert closed.returncode == 1
    assert closed.stderr.splitlines() == [
        f"istd dead-letters: cannot reach RabbitMQ at amqp://guest:***@127.0.0.1:{port}/ "
        "(AMQPConnectionError); start it with `rabbitmq-server -detached` or "
        "`docker compose up -d rabbitmq`, or fix ISTD_BROKER__URL / --broker"]


def test_users_add_without_a_terminal(istd: Run) -> None:
    done = istd("users", "add", "wijk1", "--role", "team")  # stdin is /dev/null: no terminal
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "istd users add: no terminal to ask the password on; pipe it in with --password-stdin (e.g. printenv "
        "PASSWORD | istd users add wijk1 --role team --password-stdin)"]
    assert istd("users", "list").stdout.splitlines() == ["username\trole\tgemeenten\tcreated"]
    passwd = istd("users", "passwd", "wijk1")
    assert passwd.returncode == 2
    assert passwd.stderr.splitlines() == [
        "istd users passwd: no terminal to ask the password on; pipe it in with --password-stdin (e.g. "
        "printenv PASSWORD | istd users passwd wijk1 --password-stdin)"]


def test_users_add_with_password_stdin_still_works(istd: Run) -> None:
    done = istd("users", "add", "wijk1", "--role", "ops", "--password-stdin", stdin="long enough password\n")
    assert (done.returncode, done.stdout, done.stderr) == (0, "added wijk1 (ops)\n", "")


def test_misspelled_setting_is_named_once(istd: Run) -> None:
    done = istd("allocations", env={"ISTD_DATABSE__URL": "sqlite:///elsewhere.db", "ISTD_COLOUR": "blue"})
    assert done.returncode == 0
    assert done.stderr.splitlines() == [
        "istd: warning: ISTD_COLOUR is not a setting and is ignored",
        "istd: warning: ISTD_DATABSE__URL is not a setting and is ignored (did you mean ISTD_DATABASE__URL?)",
    ]


def test_real_settings_and_test_variables_give_no_warning(istd: Run) -> None:
    done = istd("allocations", env={"ISTD_BROKER__PREFETCH": "10", "ISTD_WEB__PORT": "8091",
                                    "ISTD_GEMEENTEN": "0363", "ISTD_TEST_PG_HOST": "127.0.0.1"})
    assert (done.returncode, done.stderr) == (0, "")


@pytest.mark.parametrize(("argv", "option"), [
    (["allocations", "--on", "2024-13-01"], "--on"),
    (["report", "running", "--on", "1-2-2024"], "--on"),
    (["audit", "--since", "yesterday"], "--since"),
    (["ingest", "--today", "2024-02-30", "."], "--today"),
])
def test_invalid_date_names_the_option_and_the_form(istd: Run, argv: list[str], option: str) -> None:
    done = istd(*argv)
    command = argv[0]
    value = argv[argv.index(option) + 1]
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"istd {command}: argument {option}: expected a date as YYYY-MM-DD, got {value!r} "
        f"(see `istd {command} --help`)"]


def test_a_mistyped_command_is_one_line(istd: Run) -> None:
    done = istd("ingets", "x.xml")
    assert done.returncode == 2
    [line] = done.stderr.splitlines()
    assert line.startswith("istd: argument COMMAND: invalid choice: 'ingets'")
    assert line.endswith("(see `istd --help`)")

"""`thidua serve` as an operator runs it: the web process acknowledges Telegram's webhooks
while its supervised worker child processes and delivers them; a killed child is started
again and the updates acknowledged before or during its death are answered; the web chat's
long poll is woken across the process boundary; SIGTERM stops both processes cleanly."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import event, select

from bots.bootstrap import Runtime, build_runtime
from bots.settings import Settings
from bots.supervisor import Link, Supervisor, link_to_parent, socket_pair
from core.messages import OutgoingMessage
from core.storage.engine import make_engine
from core.storage.models import OutboxMessage, OutboxStatus
from tests.fakes.server import free_port
from tests.fakes.telegram_api import FakeTelegram, running
from tests.fakes.telegram_fixtures import HEADER, SECRET, telegram_env

ROOT = Path(__file__).resolve().parents[2]
STARTED = re.compile(r"worker started \(pid (\d+)\)")


def wait_for(condition: Callable[[], object], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


class Serve:
    """A `thidua serve` process and its output."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.log = log
        self.port = int(env["THIDUA_PORT"])
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bots", "serve"],
            cwd=ROOT,
            env=env,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
            process_group=0,  # as a shell starts a job: Ctrl-C goes to this group
        )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def children(self) -> list[int]:
        return [int(pid) for pid in STARTED.findall(self.output())]

    def wait_for_child(self, number: int) -> int:
        """The pid of the `number`-th child started, once it reported that it runs."""
        wait_for(lambda: len(self.children()) >= number, 60, f"child number {number}")
        wait_for(lambda: self.output().count("worker running:") >= number, 60, "the child to run")
        return self.children()[number - 1]


@pytest.fixture
def fake() -> Iterator[tuple[FakeTelegram, str]]:
    telegram = FakeTelegram()
    with running(telegram) as url:
        yield telegram, url


@pytest.fixture
def serve(
    fake: tuple[FakeTelegram, str], database_url: str, db_kind: str, tmp_path: Path
) -> Iterator[Serve]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("THIDUA_")},
        **telegram_env(database_url, fake[1]),
        "THIDUA_PORT": str(free_port()),
        "THIDUA_QUIET_HOURS": "00:00-00:00",
        "THIDUA_WORKER_RESTART_SECONDS": "3",
    }
    if db_kind == "postgres":  # the layout docs/operations.md gives for PostgreSQL
        env["THIDUA_INBOUND_SPOOL"] = str(tmp_path / "inbound-spool.db")
    server = Serve(env, tmp_path / "serve.log")
    try:
        yield server
    finally:
        if server.process.poll() is None:
            server.process.kill()
            server.process.wait(10)
        for pid in server.children():
            if pid_alive(pid):
                os.kill(pid, signal.SIGKILL)


def idle_threads(pid: int) -> list[int]:
    """The threads of a process in Linux's idle scheduling class."""
    threads = [int(task.name) for task in Path(f"/proc/{pid}/task").iterdir()]
    found = []
    for tid in threads:
        with contextlib.suppress(OSError):  # a thread that ended meanwhile
            if os.sched_getscheduler(tid) == os.SCHED_IDLE:
                found.append(tid)
    return found


def post_update(serve: Serve, update: dict[str, object]) -> httpx.Response:
    return httpx.post(
        serve.base + "/webhooks/telegram", json=update, headers={HEADER: SECRET}, timeout=10
    )


def recorded_sent(database_url: str) -> bool:
    """Every reply the worker handed to the platform has its outcome committed."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            statuses = conn.execute(select(OutboxMessage.__table__.c.status)).scalars().all()
    finally:
        engine.dispose()
    return bool(statuses) and all(s == OutboxStatus.SENT for s in statuses)


def test_serve_restarts_a_killed_worker_and_answers_every_acknowledged_update(
    serve: Serve, fake: tuple[FakeTelegram, str], database_url: str
) -> None:
    telegram = fake[0]
    first = serve.wait_for_child(1)
    web_niceness = os.getpriority(os.PRIO_PROCESS, serve.process.pid)
    assert os.getpriority(os.PRIO_PROCESS, first) == min(web_niceness + 10, 19)
    # in the web process's session, so in its scheduling group (Linux shares the CPU between
    # sessions first), which it leaves as it is; in a process group of its own (Ctrl-C)
    web = serve.process.pid
    assert os.getsid(first) == os.getsid(web)
    assert os.getpgid(first) == first != os.getpgid(web)
    autogroup = Path(f"/proc/{first}/autogroup")
    if autogroup.exists():
        assert autogroup.read_text() == Path(f"/proc/{web}/autogroup").read_text()
    if hasattr(os, "SCHED_IDLE"):  # and its processing the CPU only when nothing else wants it
        wait_for(lambda: idle_threads(first), 60, "the child's processing thread")
        assert first not in idle_threads(first)  # not its event loop (delivery's leases)
    before, during_stop, while_dead = (telegram.user(n) for n in (501, 502, 503))

    assert post_update(serve, telegram.message_update(before, "/start")).status_code == 200
    wait_for(lambda: telegram.sent_to(before.id), 60, "the reply through the child")
    # A send whose outcome is not committed yet may go again after a kill (at most the sends in
    # flight, docs/operations.md): freeze the child only once the reply is recorded.
    wait_for(lambda: recorded_sent(database_url), 60, "the reply recorded as sent")

    os.kill(first, signal.SIGSTOP)  # the child can do nothing from here on
    acked = post_update(serve, telegram.message_update(during_stop, "/start"))
    assert acked.status_code == 200, acked.text
    assert not telegram.sent_to(during_stop.id)
    os.kill(first, signal.SIGKILL)
    wait_for(lambda: "exited with signal SIGKILL" in serve.output(), 30, "the child's death")

    assert not pid_alive(first)
    acked = post_update(serve, telegram.message_update(while_dead, "/start"))
    assert acked.status_code == 200, acked.text
    assert len(serve.children()) == 1, "the child was started again before the webhook answered"

    second = serve.wait_for_child(2)
    assert second != first
    wait_for(lambda: telegram.sent_to(during_stop.id), 60, "the reply to the update of the stop")
    wait_for(lambda: telegram.sent_to(while_dead.id), 60, "the reply to the update of the death")
    assert len(telegram.sent_to(before.id)) == 1, "the first update was answered twice"

    with httpx.Client(base_url=serve.base, timeout=60) as web:
        session = web.post("/chat/api/session").json()["session"]
        sent = web.post("/chat/api/messages", json={"session": session, "text": "/start"})
        assert sent.status_code == 202
        polled = web.get("/chat/api/messages", params={"session": session, "after": 0, "wait": 20})
        assert polled.json()["messages"], "the web chat's long poll got no reply from the child"

    serve.process.send_signal(signal.SIGTERM)
    assert serve.process.wait(60) == 0
    assert not pid_alive(second)
    output = serve.output()
    assert "worker stopped" in output
    assert "Traceback" not in output


def test_ctrl_c_stops_serve_and_its_worker(serve: Serve) -> None:
    child = serve.wait_for_child(1)
    os.killpg(serve.process.pid, signal.SIGINT)  # a terminal's Ctrl-C: the job's group
    assert serve.process.wait(60) == 0
    assert not pid_alive(child)
    assert "worker stopped" in serve.output()
    assert len(serve.children()) == 1, "the child was started again while stopping"


def _queues(port: int, peer: int) -> tuple[int, int] | None:
    """(send queue, receive queue) of the TCP socket at local `port` connected to `peer`, as
    the kernel counts them (/proc/net/tcp); None if there is none."""
    for table in (Path("/proc/net/tcp"), Path("/proc/net/tcp6")):
        for line in table.read_text().splitlines()[1:]:
            fields = line.split()
            local, remote = (int(f.rsplit(":", 1)[1], 16) for f in fields[1:3])
            if (local, remote) == (port, peer):
                send, receive = fields[4].split(":")
                return int(send, 16), int(receive, 16)
    return None


def test_ctrl_c_with_a_web_chat_open_answers_its_long_poll_and_stops_cleanly(
    serve: Serve,
) -> None:
    """A browser waiting in the web chat's long poll when Ctrl-C comes: its poll is answered
    (nothing new) and the server stops at once, with no cancelled request's traceback."""
    serve.wait_for_child(1)
    session = httpx.post(serve.base + "/chat/api/session", timeout=10).json()["session"]
    browser = socket.create_connection(("127.0.0.1", serve.port), timeout=30)
    with browser:
        browser.sendall(
            f"GET /chat/api/messages?session={session}&after=0&wait=20 HTTP/1.1\r\n"
            f"Host: 127.0.0.1\r\nConnection: close\r\n\r\n".encode()
        )
        ours = browser.getsockname()[1]
        # the request left this socket and the server's socket has read all of it: the
        # server is answering it (waiting in the long poll)
        wait_for(lambda: _queues(ours, serve.port) == (0, 0), 30, "the request to be sent")
        wait_for(lambda: _queues(serve.port, ours) == (0, 0), 30, "the server to read it")
        os.killpg(serve.process.pid, signal.SIGINT)  # a terminal's Ctrl-C: the job's group
        answer = b""
        while chunk := browser.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 200"), answer[:200]
    assert answer.endswith(b'{"messages":[]}'), answer[-200:]
    assert serve.process.wait(60) == 0
    output = serve.output()
    assert "Traceback" not in output, output
    assert "CancelledError" not in output
    assert "thidua stopped." in output


@pytest.mark.anyio
async def test_a_web_chat_message_delivered_by_the_child_wakes_the_web_process_long_poll(
    runtime: Runtime, settings: Settings, database_url: str
) -> None:
    """The web process's mailbox re-reads only hourly here: the poll can only be answered by
    the wake-up that the child's delivery sends over the link."""
    web_engine = make_engine(database_url)
    polls: list[str] = []

    @event.listens_for(web_engine, "after_cursor_execute")
    def _seen(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if "webchat_message" in statement:
            polls.append(statement)

    web = build_runtime(settings, engine=web_engine, messengers=())
    web.mailbox.recheck = 3600
    ours, theirs = socket_pair()
    parent = Link(ours, Supervisor(web, []).received)
    loop = asyncio.get_running_loop()
    parent.attach(loop)
    child = link_to_parent(theirs.detach(), runtime, asyncio.Event(), loop)
    try:
        waiting = asyncio.create_task(web.mailbox.wait("browser-1", 0, timeout=120))
        while not polls:  # the poll's first read found nothing; it now waits for a wake-up
            await asyncio.wait({waiting}, timeout=0.01)
        await runtime.mailbox.put("browser-1", OutgoingMessage(text="Xin chào"))
        found = await asyncio.wait_for(waiting, 30)
        assert [m.text for _id, m in found] == ["Xin chào"]
    finally:
        child.close()
        parent.close()
        web_engine.dispose()


@pytest.mark.anyio
async def test_the_child_stops_when_the_web_process_is_gone(runtime: Runtime) -> None:
    ours, theirs = socket_pair()
    stop = asyncio.Event()
    child = link_to_parent(theirs.detach(), runtime, stop, asyncio.get_running_loop())
    ours.close()
    await asyncio.wait_for(stop.wait(), 30)
    assert child.closed


def test_a_worker_leading_its_own_session_lowers_its_session_group_too(
    fake: tuple[FakeTelegram, str], database_url: str, tmp_path: Path
) -> None:
    """`thidua worker` under systemd (or `setsid`) leads a session of its own, whose
    scheduling group would otherwise get as much CPU as the web process's: it sets that
    group's niceness as serve's child does. One started from a shell or a script leaves its
    session's group alone (the shell's, and whatever else runs in it); both are niced, and
    processing runs in Linux's idle scheduling class unless
    THIDUA_WORKER_IDLE_SCHEDULING=false."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("THIDUA_")},
        **telegram_env(database_url, fake[1]),
    }
    command = [sys.executable, "-m", "bots", "worker"]
    logs = [tmp_path / "own.log", tmp_path / "shared.log", tmp_path / "plain.log"]
    settings = ({}, {}, {"THIDUA_WORKER_IDLE_SCHEDULING": "false"})
    own, shared, plain = (
        subprocess.Popen(
            command if log.name != "shared.log" else [*command, "--no-processing"],
            cwd=ROOT,
            env={**env, **extra},
            stdout=log.open("wb"),
            start_new_session=new_session,
        )
        for log, new_session, extra in zip(logs, (True, False, False), settings, strict=True)
    )
    try:
        for log in logs:
            wait_for(lambda log=log: "worker running:" in log.read_text(), 60, f"{log.name}")
        niceness = min(os.getpriority(os.PRIO_PROCESS, 0) + 10, 19)
        for process in (own, shared, plain):
            assert os.getpriority(os.PRIO_PROCESS, process.pid) == niceness
        if hasattr(os, "SCHED_IDLE"):
            wait_for(lambda: idle_threads(own.pid), 60, "the processing thread")
            assert own.pid not in idle_threads(own.pid)  # its event loop keeps its class
            assert idle_threads(shared.pid) == idle_threads(plain.pid) == []
        ours = Path("/proc/self/autogroup")
        if ours.exists():
            assert Path(f"/proc/{own.pid}/autogroup").read_text().split()[-1] == "10"
            assert Path(f"/proc/{shared.pid}/autogroup").read_text() == ours.read_text()
    finally:
        for process in (own, shared, plain):
            process.terminate()
            process.wait(30)

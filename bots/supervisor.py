"""`thidua serve`'s child processes: processing, delivery and the scheduler run in a
`thidua worker` that the web process starts, watches and restarts.

Why a child: in one interpreter the processing loop's CPU (milliseconds per update) is
taken from the webhooks, which then answer at about a third of a bare FastAPI app's rate
(docs/benchmarks.md, P1). In a child, the web process does only what a webhook needs.

What crosses the boundary: the database (every update is stored before it is acknowledged,
every reply is a row), and, for promptness only, wake-ups over a Unix socket pair (see
`Link`): the web process tells the child that updates or outbox rows are waiting, the child
tells the web process which web chat sessions got a message so that their long polls answer
at once. A lost wake-up costs at most the loops' one-second re-check, never a message.

A child that exits for any reason is started again after a back-off (1 s doubling to 30 s,
back to 1 s once a child has run for a minute). Updates acknowledged meanwhile wait in the
spool or in `inbound_update` for the next child. The child runs in its own session, so a
terminal's Ctrl-C reaches the web process only, which then stops the child with SIGTERM
(SIGKILL after `stop_timeout`). If the web process dies, the child sees its end of the
socket pair close and stops by itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI

    from bots.bootstrap import Runtime

log = logging.getLogger(__name__)

NOTIFY_FD_OPTION = "--notify-fd"
_MAX_MESSAGE = 4096

# What travels over the link, one datagram each.
INBOUND = b"i"  # web → child: updates are stored
WAITING = b"w"  # child → web: its processing found nothing and waits for an INBOUND
OUTBOX = b"o"  # web → child: outbox rows are due (an officer's broadcast, an API call)
MAILBOX = b"m"  # child → web: b"m" + session id, a web chat message was delivered


class Link:
    """One end of a SOCK_SEQPACKET socket pair (message boundaries kept, EOF when the other
    end closes), read by the event loop. Sends never block: a full buffer drops the wake-up,
    which the receiver's periodic re-check covers."""

    def __init__(
        self,
        sock: socket.socket,
        on_message: Callable[[bytes], None],
        on_close: Callable[[], None] = lambda: None,
    ) -> None:
        sock.setblocking(False)
        self.sock = sock
        self._on_message = on_message
        self._on_close = on_close
        self._loop: asyncio.AbstractEventLoop | None = None
        self.closed = False

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        loop.add_reader(self.sock.fileno(), self._readable)

    def _readable(self) -> None:
        while True:
            try:
                data = self.sock.recv(_MAX_MESSAGE)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                data = b""
            if not data:
                self.close()
                self._on_close()
                return
            self._on_message(data)

    def send(self, message: bytes) -> None:
        if self.closed:
            return
        with contextlib.suppress(BlockingIOError, InterruptedError, BrokenPipeError, OSError):
            self.sock.send(message)

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        if self._loop is not None:
            with contextlib.suppress(Exception):
                self._loop.remove_reader(self.sock.fileno())
        self.sock.close()


def socket_pair() -> tuple[socket.socket, socket.socket]:
    return socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)


@dataclass
class Backoff:
    first: float = 1.0
    longest: float = 30.0
    stable_after: float = 60.0  # a child that ran this long starts again after `first`
    _next: float = field(default=0.0, init=False)

    def after_exit(self, ran_for: float) -> float:
        if ran_for >= self.stable_after or self._next == 0.0:
            self._next = self.first
        else:
            self._next = min(self._next * 2, self.longest)
        return self._next


class ChildProcess:
    """A `python -m bots ...` child in the web process's session but a process group of its
    own, its exit awaited by a thread that waits for it.

    The session: Linux (CONFIG_SCHED_AUTOGROUP, on by default) first shares the CPU equally
    between sessions, then inside each. In a session of its own the child's processing,
    although in the idle scheduling class, had its session group's whole share beside the
    web process, and drove PostgreSQL's backend (a session of its own, at full weight) as
    fast: `thidua serve` on PostgreSQL got 0.78 of a bare FastAPI app where the split layout,
    whose worker shares the web process's session, got 0.94 (docs/benchmarks.md, P1). In the
    web process's session the idle class and the niceness count against the web process
    itself. The process group: a terminal's Ctrl-C (and Ctrl-Z) reaches the foreground
    group, the web process's, only; the web process then stops the child.

    Started with `subprocess` rather than the event loop's `subprocess_exec`, which under
    uvloop knows no `process_group`; `process_group` makes the child call setpgid between
    fork and exec, so no Python code runs in the forked child."""

    def __init__(self, popen: subprocess.Popen[bytes], loop: asyncio.AbstractEventLoop) -> None:
        self._popen = popen
        self.pid = popen.pid
        self._loop = loop
        self._exited: asyncio.Future[int] = loop.create_future()
        threading.Thread(target=self._wait, name=f"wait-{self.pid}", daemon=True).start()

    @classmethod
    def start(
        cls, command: list[str], *, pass_fds: tuple[int, ...], loop: asyncio.AbstractEventLoop
    ) -> ChildProcess:
        return cls(subprocess.Popen(command, pass_fds=pass_fds, process_group=0), loop)

    def _wait(self) -> None:
        code = self._popen.wait()
        with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits any more
            self._loop.call_soon_threadsafe(self._exit, code)

    def _exit(self, code: int) -> None:
        if not self._exited.done():
            self._exited.set_result(code)

    @property
    def returncode(self) -> int | None:
        return self._exited.result() if self._exited.done() else None

    async def wait(self) -> int:
        return await asyncio.shield(self._exited)

    def send_signal(self, signum: int) -> None:
        self._popen.send_signal(signum)

    def kill(self) -> None:
        self._popen.kill()


@dataclass(frozen=True)
class ChildSpec:
    name: str
    args: tuple[str, ...]  # after `python -m bots`


class Child:
    """One supervised `python -m bots ...` process, started again whenever it exits."""

    def __init__(
        self,
        spec: ChildSpec,
        on_message: Callable[[bytes], None],
        backoff: Backoff,
        stop_timeout: float,
    ) -> None:
        self.spec = spec
        self._on_message = on_message
        self._backoff = backoff
        self._stop_timeout = stop_timeout
        self._stopping = asyncio.Event()
        self.process: ChildProcess | None = None
        self.link: Link | None = None
        self.starts = 0
        # INBOUND is sent only to a child whose processing waits for it: during a backlog
        # it does not wait, and a datagram per stored batch (hundreds a second) cost both
        # processes a wake-up each for nothing. Updates stored meanwhile are owed an INBOUND
        # that its next WAITING gets at once.
        self._waiting = True
        self._owed = False

    async def _start(self) -> ChildProcess:
        ours, theirs = socket_pair()
        try:
            process = ChildProcess.start(
                [
                    sys.executable,
                    "-m",
                    "bots",
                    *self.spec.args,
                    NOTIFY_FD_OPTION,
                    str(theirs.fileno()),
                ],
                pass_fds=(theirs.fileno(),),
                loop=asyncio.get_running_loop(),
            )
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        self._waiting, self._owed = True, False
        self.link = Link(ours, self._received)
        self.link.attach(asyncio.get_running_loop())
        self.starts += 1
        log.info("%s started (pid %d)", self.spec.name, process.pid)
        return process

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        while not self._stopping.is_set():
            started = loop.time()
            try:
                self.process = await self._start()
            except OSError as exc:
                log.error("%s could not be started: %s", self.spec.name, exc)
            else:
                code = await self.process.wait()
                if self.link is not None:
                    self.link.close()
                if self._stopping.is_set():
                    return
                delay = self._backoff.after_exit(loop.time() - started)
                log.error(
                    "%s (pid %d) exited with %s; starting it again in %.0f s",
                    self.spec.name,
                    self.process.pid,
                    _describe(code),
                    delay,
                )
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), delay)
                continue
            delay = self._backoff.after_exit(0.0)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), delay)

    async def stop(self) -> None:
        self._stopping.set()
        process = self.process
        if process is None or process.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), self._stop_timeout)
        except TimeoutError:
            log.error(
                "%s did not stop within %.0f s; killing it", self.spec.name, self._stop_timeout
            )
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
        log.info("%s stopped (%s)", self.spec.name, _describe(process.returncode or 0))
        if self.link is not None:
            self.link.close()

    def send(self, message: bytes) -> None:
        if self.link is not None:
            self.link.send(message)

    def inbound_stored(self) -> None:
        if self._waiting:
            self._waiting = False
            self.send(INBOUND)
        else:
            self._owed = True

    def _received(self, message: bytes) -> None:
        if message != WAITING:
            self._on_message(message)
        elif self._owed:
            self._owed = False
            self.send(INBOUND)
        else:
            self._waiting = True


def _describe(code: int) -> str:
    if code < 0:
        try:
            return f"signal {signal.Signals(-code).name}"
        except ValueError:
            return f"signal {-code}"
    return f"code {code}"


class Supervisor:
    """Keeps the children running for as long as the web app runs, and relays wake-ups."""

    def __init__(
        self,
        runtime: Runtime,
        specs: Sequence[ChildSpec],
        *,
        backoff: Backoff | None = None,
        stop_timeout: float = 20.0,
    ) -> None:
        self.runtime = runtime
        self.children = [
            Child(spec, self.received, backoff or Backoff(), stop_timeout) for spec in specs
        ]
        self._tasks: list[asyncio.Task[Any]] = []

    def received(self, message: bytes) -> None:
        if message.startswith(MAILBOX):
            self.runtime.mailbox.wake(message[len(MAILBOX) :].decode("utf-8", "replace"))

    def _broadcast(self, message: bytes) -> None:
        for child in self.children:
            child.send(message)

    async def _relay(self, event: asyncio.Event, relay: Callable[[], None]) -> None:
        """In the web process nothing else waits on these events: each wake-up (coalesced
        while the loop was busy) is relayed to every child."""
        while True:
            await event.wait()
            event.clear()
            relay()

    def _inbound_stored(self) -> None:
        for child in self.children:
            child.inbound_stored()

    async def start(self) -> None:
        self._tasks = [asyncio.create_task(child.run()) for child in self.children]
        self._tasks.append(
            asyncio.create_task(self._relay(self.runtime.inbound_ready, self._inbound_stored))
        )
        self._tasks.append(
            asyncio.create_task(
                self._relay(self.runtime.outbox_ready, lambda: self._broadcast(OUTBOX))
            )
        )

    async def stop(self) -> None:
        await asyncio.gather(*(child.stop() for child in self.children))
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()


def supervise(app: FastAPI, supervisor: Supervisor) -> None:
    """Run `supervisor`'s children inside the app's lifespan: started once the app is up,
    stopped before the app's own shutdown closes the runtime."""
    inner = app.router.lifespan_context

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[Any]:
        async with inner(app) as state:
            await supervisor.start()
            try:
                yield state
            finally:
                await supervisor.stop()

    app.router.lifespan_context = lifespan


def link_to_parent(
    fd: int, runtime: Runtime, stop: asyncio.Event, loop: asyncio.AbstractEventLoop
) -> Link:
    """The child's end: wake-ups from the web process set the runtime's events, delivered
    web chat messages are announced to it, and its closing (the web process is gone) stops
    the child."""

    def received(message: bytes) -> None:
        if message == INBOUND:
            runtime.inbound_ready.set()
        elif message == OUTBOX:
            runtime.outbox_ready.set()

    def parent_gone() -> None:
        log.warning("the web process is gone; stopping")
        stop.set()

    link = Link(socket.socket(fileno=fd), received, parent_gone)
    link.attach(loop)
    runtime.mailbox.listeners.append(lambda session: link.send(MAILBOX + session.encode()))
    return link

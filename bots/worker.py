"""The background loops: process stored updates, deliver the outbox through the channels."""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import logging
import os
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from bots.services import Services
from core import delivery
from core.errors import DeliveryErrorKind, DeliveryFailure, SendResult, Sent
from core.storage.models import OutboxStatus

log = logging.getLogger(__name__)

IDLE_WAIT = 1.0  # seconds between checks when nothing woke the loop (other instances' work)
DEFAULT_IN_FLIGHT = 8  # sends at once for a channel that does not say (`max_in_flight`)
RETRY_COMMIT = 1.0  # seconds before a group commit that failed is tried again


class _People:
    """Claimed jobs by person, in id order. A person is *active* while a slot sends their
    messages: jobs claimed for them meanwhile join their queue, so that one person's
    messages never go out of order or in parallel."""

    def __init__(self) -> None:
        self.queues: dict[int, deque[delivery.Job]] = {}
        self.ready: deque[int] = deque()  # people with jobs and no slot
        self.active: set[int] = set()
        self.queued = 0  # jobs claimed and not yet handed to a slot

    def add(self, job: delivery.Job) -> None:
        person = job.recipient.identity_id
        queue = self.queues.get(person)
        if queue is None:
            queue = self.queues[person] = deque()
            if person not in self.active:
                self.ready.append(person)
        queue.append(job)
        self.queued += 1

    def next_of(self, person: int) -> delivery.Job | None:
        """The same person's next job, keeping them active; None ends their turn."""
        queue = self.queues.get(person)
        if queue:
            self.queued -= 1
            job = queue.popleft()
            if not queue:
                del self.queues[person]
            return job
        self.active.discard(person)
        if person in self.queues:  # claimed while the slot was finishing: queue them again
            self.ready.append(person)
        return None

    def take(self) -> delivery.Job | None:
        """The first job of the next person waiting for a slot."""
        while self.ready:
            person = self.ready.popleft()
            if person in self.active or person not in self.queues:
                continue
            self.active.add(person)
            return self.next_of(person)
        return None

    def drop_person(self, person: int) -> list[delivery.Job]:
        """The person's queued jobs, taken out (their earlier message failed)."""
        queue = self.queues.pop(person, deque())
        self.queued -= len(queue)
        return list(queue)

    def drain(self) -> list[delivery.Job]:
        jobs = [job for queue in self.queues.values() for job in queue]
        self.queues.clear()
        self.ready.clear()
        self.queued = 0
        return jobs


class DeliveryWorker:
    """Sends due outbox rows of its platforms through `max_in_flight` slots per platform.

    - A slot sends one person's messages in order; a slow or hung call holds only its slot.
    - Each outcome is committed before the slot takes its next send (group commits across
      slots), together with the start of that next send: a row is marked SENDING in the
      database before it goes to the platform. So a kill -9 leaves unrecorded at most the
      sends in flight, one per slot, and only those rows are counted as possible duplicates
      when another worker claims them after their lease lapses.
    - Leases are short and renewed every third of their length while the worker lives: the
      rows of a dead worker come back within one lease.
    """

    def __init__(
        self,
        runtime: Services,
        batch: int = 500,
        concurrency: int | None = None,
        platforms: list[str] | None = None,
    ) -> None:
        self.runtime = runtime
        self.platforms = platforms  # None: every channel; one loop per platform keeps a slow
        self.batch = batch  # platform (Telegram's 30/s) from holding back the others
        self.concurrency = concurrency
        self.recovered = 0  # rows claimed again after a lost lease while their send was out
        self.sent = 0
        self._people = _People()
        self._held: set[int] = set()  # leased by us: renewed while we live
        self._pending: list[tuple[delivery.Record, asyncio.Future[list[str]]]] = []
        self._committing = False
        self._flusher: asyncio.Task[None] | None = None
        self._claimable = asyncio.Event()  # set when the queue runs low
        self._health: dict[str, delivery.Health] = {}  # per platform: lone failure or outage
        # Instants (the event loop's clock) when failed sends with a known wait come due again,
        # soonest first; the claiming loop wakes for them instead of at its next look.
        self._retries: list[float] = []
        self._retry_queued = asyncio.Event()

    # ---- configuration -------------------------------------------------------------------
    def _platforms(self) -> list[str]:
        return self.platforms or sorted(self.runtime.channels)

    def _slots(self) -> int:
        if self.concurrency is not None:
            return self.concurrency
        return sum(
            int(getattr(self.runtime.channels[p], "max_in_flight", DEFAULT_IN_FLIGHT))
            for p in self._platforms()
        )

    @property
    def _policy(self):  # type: ignore[no-untyped-def]
        return self.runtime.processor.config.delivery

    # ---- the database side -----------------------------------------------------------------
    async def _claim(self, limit: int) -> int:
        now = self.runtime.clock.now()
        policy = self._policy
        jobs, recovered = await asyncio.to_thread(
            delivery.claim_due,
            self.runtime.engine,
            platforms=self._platforms(),
            now=now,
            limit=limit,
            lease=policy.lease,
            quiet=policy.in_quiet_hours(now),
            own=set(self._held),
        )
        if recovered:
            self.recovered += recovered
            log.warning(
                "claimed %d outbox rows whose lease lapsed while their send was in flight "
                "(counted as possible duplicates)",
                recovered,
            )
        for job in jobs:
            self._held.add(job.outbox_id)
            self._people.add(job)
        return len(jobs)

    async def _commit(self, record: delivery.Record) -> list[str]:
        """Join the next group commit; returns the outcomes' new statuses once committed."""
        future: asyncio.Future[list[str]] = asyncio.get_running_loop().create_future()
        self._pending.append((record, future))
        if not self._committing:
            self._committing = True
            self._flusher = asyncio.create_task(self._flush())
        return await future

    async def _flush(self) -> None:
        try:
            while self._pending:
                group, self._pending = self._pending, []
                merged = delivery.Record(
                    outcomes=[o for r, _ in group for o in r.outcomes],
                    starting=[j for r, _ in group for j in r.starting],
                    released=[x for r, _ in group for x in r.released],
                )
                try:
                    statuses = await asyncio.to_thread(
                        delivery.record,
                        self.runtime.engine,
                        merged,
                        now=self.runtime.clock.now(),
                        lease=self._policy.lease,
                    )
                except Exception:
                    log.exception("recording delivery results failed; trying again")
                    self._pending = group + self._pending
                    await asyncio.sleep(RETRY_COMMIT)
                    continue
                index = 0
                for record, future in group:
                    count = len(record.outcomes)
                    if not future.done():
                        future.set_result(statuses[index : index + count])
                    index += count
        finally:
            self._committing = False

    async def _renew_forever(self, stop: asyncio.Event) -> None:
        every = self._policy.lease.total_seconds() / 3
        while not stop.is_set():
            await _wait_any(stop, every)
            if stop.is_set():
                return
            try:
                await asyncio.to_thread(
                    delivery.renew,
                    self.runtime.engine,
                    set(self._held),
                    now=self.runtime.clock.now(),
                    lease=self._policy.lease,
                )
            except Exception:
                log.exception("renewing delivery leases failed")

    # ---- sending ---------------------------------------------------------------------------
    async def _send(self, job: delivery.Job) -> SendResult:
        platform = job.recipient.platform
        channel = self.runtime.channels[platform]
        try:
            result = await channel.send(job.recipient, job.message, proactive=job.proactive)
        except Exception as exc:  # a bug in an adapter: never retried, always visible
            log.exception("channel %s raised on outbox %s", platform, job.outbox_id)
            return DeliveryFailure(DeliveryErrorKind.PERMANENT, f"adapter error: {exc!r}"[:500])
        health = self._health.get(platform)
        if health is None:
            health = self._health[platform] = delivery.Health()
        result = health.retry(job, result)  # a lone failure among successes: retried soon
        if not isinstance(result, Sent):
            log.info(
                "outbox %s not sent on %s: %s (%s)",
                job.outbox_id,
                job.recipient.platform,
                result.kind,
                result.detail[:200],
            )
        return result

    def _next(self, job: delivery.Job, result: SendResult) -> tuple[delivery.Job | None, list]:  # type: ignore[type-arg]
        """The slot's next job and the jobs given back untried."""
        person = job.recipient.identity_id
        released: list[tuple[delivery.Job, int | None]] = []
        if not isinstance(result, Sent):  # this person's later messages stay behind it
            released = [(j, job.outbox_id) for j in self._people.drop_person(person)]
        following = self._people.next_of(person)
        if following is None:
            following = self._people.take()
        if self._people.queued < self._slots():
            self._claimable.set()
        return following, released

    async def _slot(self, stop: asyncio.Event | None) -> None:
        job: delivery.Job | None = None
        while True:
            if job is None:
                job = self._people.take()
                if job is None:
                    return
                await self._commit(delivery.Record(starting=[job]))
            result = await self._send(job)
            following, released = self._next(job, result)
            if stop is not None and stop.is_set() and following is not None:
                released.append((following, None))  # stopping: give it back untried
                following = None
            [status] = await self._commit(
                delivery.Record(
                    outcomes=[(job, result)],
                    starting=[following] if following is not None else [],
                    released=released,
                )
            )
            if isinstance(result, Sent):
                self.sent += 1
            elif stop is not None and status == OutboxStatus.PENDING and result.retry_after:
                # due at the commit's time + retry_after, which is before this instant's
                loop = asyncio.get_running_loop()
                heapq.heappush(self._retries, loop.time() + result.retry_after)
                self._retry_queued.set()
            self._held.discard(job.outbox_id)
            self._held.difference_update(j.outbox_id for j, _ in released)
            job = following

    async def run_once(self) -> int:
        """Claim one batch and send all of it (tests, the terminal chat, benchmarks)."""
        claimed = await self._claim(self.batch)
        if claimed:
            await asyncio.gather(*(self._slot(None) for _ in range(self._slots())))
        return claimed

    async def run_forever(self, stop: asyncio.Event) -> None:
        slots: set[asyncio.Task[None]] = set()
        renewing = asyncio.create_task(self._renew_forever(stop))
        size = self._slots()
        low = size  # claim more when fewer than this many jobs wait
        try:
            loop = asyncio.get_running_loop()
            while not stop.is_set():
                self.runtime.outbox_ready.clear()
                self._claimable.clear()
                self._retry_queued.clear()
                claimed = 0
                if self._people.queued < low:
                    looked = loop.time()
                    try:
                        claimed = await self._claim(min(self.batch, max(4 * size, 50)))
                    except Exception:
                        log.exception("delivery claim failed")
                    while self._retries and self._retries[0] <= looked:
                        heapq.heappop(self._retries)  # due when the claim looked: it saw them
                while len(slots) < size and self._people.ready:
                    task = asyncio.create_task(self._slot(stop))
                    slots.add(task)
                    task.add_done_callback(slots.discard)
                    task.add_done_callback(lambda _t: self._claimable.set())
                if claimed and self._people.queued < low:
                    continue
                if self._people.queued >= low:
                    await _wait_any(stop, IDLE_WAIT, self._claimable)
                else:  # nothing due: wake for new rows, a failed send's retry, or a look
                    wait = IDLE_WAIT
                    if self._retries:
                        wait = min(wait, max(self._retries[0] - loop.time(), 0.0))
                    await _wait_any(stop, wait, self.runtime.outbox_ready, self._retry_queued)
        finally:
            untried = self._people.drain()
            if untried:  # leased, never handed to the platform: due again at once
                await self._commit(delivery.Record(released=[(j, None) for j in untried]))
                self._held.difference_update(j.outbox_id for j in untried)
            if slots:
                await asyncio.gather(*slots, return_exceptions=True)
            renewing.cancel()


def per_platform(runtime: Services, only: list[str] | None = None) -> list[DeliveryWorker]:
    """One delivery loop per messenger (of `only`, if given): each drains its own platform
    at its own pace."""
    chosen = sorted(p for p in runtime.channels if only is None or p in only)
    return [DeliveryWorker(runtime, platforms=[p]) for p in chosen]


def run_when_the_cpu_is_idle() -> None:
    """Put the calling thread in Linux's idle scheduling class (SCHED_IDLE), which any
    process may choose for its own threads: it runs on a CPU nothing else wants, and a
    webhook that wakes takes the CPU at once. No such class elsewhere."""
    if hasattr(os, "SCHED_IDLE"):
        with contextlib.suppress(OSError):
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))


async def process_forever(
    runtime: Services,
    stop: asyncio.Event,
    *,
    idle: bool = False,
    waiting: Callable[[], None] = lambda: None,
) -> None:
    """Process stored updates as they come, batch after batch, on a thread of its own; with
    `idle` that thread is in Linux's idle scheduling class (`thidua worker`, and serve's
    child: THIDUA_WORKER_IDLE_SCHEDULING). Niced (10) in the session of the web process, a
    worker with a backlog still held one of two cores while the webhooks and their load
    waited on the other (docs/benchmarks.md, P1). Only processing, the worker's CPU: the
    event loop, which renews delivery leases every second, keeps its niceness alone, so that
    a busy machine does not let a lease lapse while its send is in flight. `waiting` is
    called each time it finds nothing and waits (serve's child tells the web process, which
    then wakes it when updates are stored)."""
    loop = asyncio.get_running_loop()
    thread = ThreadPoolExecutor(
        1, "processing", initializer=run_when_the_cpu_is_idle if idle else None
    )
    try:
        while not stop.is_set():
            runtime.inbound_ready.clear()
            try:
                handled = await loop.run_in_executor(thread, runtime.processor.process_pending)
            except Exception:
                log.exception("processing round failed")
                handled = 0
            if handled:
                runtime.outbox_ready.set()
                continue
            waiting()
            await _wait_any(stop, IDLE_WAIT, runtime.inbound_ready)
    finally:
        thread.shutdown(wait=False)  # a round still running ends on its own


async def _wait_any(stop: asyncio.Event, timeout: float, *ready: asyncio.Event) -> None:
    waiters = [asyncio.ensure_future(event.wait()) for event in (stop, *ready)]
    try:
        await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()

"""The background loops: process stored updates, deliver the outbox through the channels."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict

from bots.services import Services
from core import delivery
from core.errors import DeliveryErrorKind, DeliveryFailure, SendResult, Sent

log = logging.getLogger(__name__)

IDLE_WAIT = 1.0  # seconds between checks when nothing woke the loop (other instances' work)


class DeliveryWorker:
    """Sends due outbox rows. One person's messages go in order; people go in parallel."""

    def __init__(
        self,
        runtime: Services,
        batch: int = 500,
        concurrency: int = 64,
        platforms: list[str] | None = None,
    ) -> None:
        self.runtime = runtime
        self.platforms = platforms  # None: every channel; one loop per platform keeps a slow
        self.batch = batch  # platform (Telegram's 30/s) from holding back the others
        self.semaphore = asyncio.Semaphore(concurrency)
        self.recovered = 0

    async def _send(self, job: delivery.Job) -> SendResult:
        channel = self.runtime.channels[job.recipient.platform]
        try:
            return await channel.send(job.recipient, job.message, proactive=job.proactive)
        except Exception as exc:  # a bug in an adapter: never retried, always visible
            log.exception("channel %s raised on outbox %s", job.recipient.platform, job.outbox_id)
            return DeliveryFailure(DeliveryErrorKind.PERMANENT, f"adapter error: {exc!r}"[:500])

    async def _send_in_order(
        self, jobs: list[delivery.Job]
    ) -> list[tuple[delivery.Job, SendResult]]:
        outcomes: list[tuple[delivery.Job, SendResult]] = []
        async with self.semaphore:
            for job in jobs:
                result = await self._send(job)
                outcomes.append((job, result))
                if not isinstance(result, Sent):
                    break  # keep this person's later messages behind the failed one
        return outcomes

    async def run_once(self) -> int:
        platforms = self.platforms or sorted(self.runtime.channels)
        now = self.runtime.clock.now()
        policy = self.runtime.processor.config.delivery
        jobs, recovered = await asyncio.to_thread(
            delivery.claim_due,
            self.runtime.engine,
            platforms=platforms,
            now=now,
            limit=self.batch,
            lease=policy.lease,
            quiet=policy.in_quiet_hours(now),
        )
        if recovered:
            self.recovered += recovered
            log.warning("recovered %d outbox rows from an expired lease", recovered)
        by_person: dict[int, list[delivery.Job]] = defaultdict(list)
        for job in jobs:
            by_person[job.recipient.identity_id].append(job)
        rounds = await asyncio.gather(*(self._send_in_order(g) for g in by_person.values()))
        outcomes = [outcome for group in rounds for outcome in group]
        await asyncio.to_thread(
            delivery.apply_results, self.runtime.engine, outcomes, self.runtime.clock.now()
        )
        tried = {job.outbox_id for job, _ in outcomes}
        unsent = [job for job in jobs if job.outbox_id not in tried]
        if unsent:
            await asyncio.to_thread(delivery.release, self.runtime.engine, unsent)
        return len(jobs)

    async def run_forever(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            self.runtime.outbox_ready.clear()
            try:
                sent = await self.run_once()
            except Exception:
                log.exception("delivery round failed")
                sent = 0
            if sent:
                continue
            await _wait_any(stop, self.runtime.outbox_ready, IDLE_WAIT)


def per_platform(runtime: Services, only: list[str] | None = None) -> list[DeliveryWorker]:
    """One delivery loop per messenger (of `only`, if given): each drains its own platform
    at its own pace."""
    chosen = sorted(p for p in runtime.channels if only is None or p in only)
    return [DeliveryWorker(runtime, platforms=[p]) for p in chosen]


async def process_forever(runtime: Services, stop: asyncio.Event) -> None:
    while not stop.is_set():
        runtime.inbound_ready.clear()
        try:
            handled = await asyncio.to_thread(runtime.processor.process_pending)
        except Exception:
            log.exception("processing round failed")
            handled = 0
        if handled:
            runtime.outbox_ready.set()
            continue
        await _wait_any(stop, runtime.inbound_ready, IDLE_WAIT)


async def _wait_any(stop: asyncio.Event, ready: asyncio.Event, timeout: float) -> None:
    waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(ready.wait())]
    try:
        await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()

"""Fetching the files of initiatives and the evidence photos of progress reports from the
platforms and keeping them in THIDUA_ATTACHMENTS_DIR (issues 8 and 17).

Each platform that can give a file's bytes has an `AttachmentFetcher` in `runtime.fetchers`
(bots/bootstrap.py): Telegram through getFile (its channel), Zalo and Messenger through the
file's URL (their webhooks carry a CDN URL as the attachment's ref), the web chat from the folder
where its page's picked files wait (adapters/webchat/uploads.py). The work is
done outside any transaction; `finish` (core.initiatives.attachments and
core.emulation.evidence, with the same arguments) checks the bytes and records the outcome.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from datetime import datetime
from pathlib import Path
from typing import Protocol

import httpx
from sqlmodel import Session, col, select

from adapters.webchat.uploads import PREFIX as UPLOAD
from adapters.webchat.uploads import Uploads
from bots.services import Services
from bots.settings import Settings
from core.chat.attachments import AttachmentLimits
from core.emulation import evidence
from core.emulation.models import EmulationReport
from core.initiatives import attachments
from core.initiatives.models import AttachmentStatus, InitiativeAttachment
from core.initiatives.notify import Notifier, Teller
from core.initiatives.rules import AttachmentProblem
from core.messages import Attachment
from core.ports import AttachmentFetcher, AttachmentTooLarge, AttachmentUnavailable
from core.storage.models import InboundUpdate

log = logging.getLogger(__name__)
UPLOAD_REF = re.compile(re.escape(UPLOAD) + r"[A-Za-z0-9_-]{32}")
URL_PLATFORMS = ("zalo", "zalobot", "facebook", "webchat")
BATCH = 20


def attachment_limits(settings: Settings) -> attachments.Limits:
    types = {t.strip().lower().lstrip(".") for t in settings.attachment_types.split(",")}
    return attachments.Limits(
        max_bytes=settings.attachment_max_mb * attachments.MB,
        extensions=frozenset(t for t in types if t),
    )


class UrlFetcher:
    """A file behind an http(s) URL (Zalo and Messenger attachments), read in chunks so that
    no more than `max_bytes` is ever held."""

    def __init__(self, platform: str, client: httpx.AsyncClient) -> None:
        self.platform = platform
        self.client = client

    async def fetch(self, attachment: Attachment, *, max_bytes: int) -> bytes:
        url = attachment.ref
        if not url.startswith(("https://", "http://")):
            raise AttachmentUnavailable("the reference is not a URL")
        async with self.client.stream("GET", url) as response:
            if response.status_code in (401, 403, 404, 410):
                raise AttachmentUnavailable(f"HTTP {response.status_code}")
            response.raise_for_status()  # 5xx and others: transient, tried again later
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise AttachmentTooLarge(declared)
            chunks: list[bytes] = []
            total = 0
            async for chunk in response.aiter_bytes():
                total += len(chunk)
                if total > max_bytes:
                    raise AttachmentTooLarge(str(total))
                chunks.append(chunk)
        return b"".join(chunks)


class EitherFetcher:
    """A platform's own files (the web chat's picked files) and files behind a URL on the same
    platform: a URL goes to `by_url`, any other reference to `own`."""

    def __init__(self, own: AttachmentFetcher, by_url: AttachmentFetcher) -> None:
        self.platform = own.platform
        self.own = own
        self.by_url = by_url

    async def fetch(self, attachment: Attachment, *, max_bytes: int) -> bytes:
        is_url = attachment.ref.startswith(("https://", "http://"))
        return await (self.by_url if is_url else self.own).fetch(attachment, max_bytes=max_bytes)


async def _fetch(runtime: Services, item: attachments.Pending) -> tuple[bytes | None, str | None]:
    """The bytes of a waiting file, or why not; raises when the platform could not be reached
    (the file stays waiting)."""
    fetcher = runtime.fetchers[item.platform]
    try:
        limit_bytes = runtime.processor.config.attachments.max_bytes
        return await fetcher.fetch(item.attachment, max_bytes=limit_bytes), None
    except AttachmentTooLarge:
        return None, AttachmentProblem.TOO_LARGE
    except AttachmentUnavailable as exc:
        log.info("attachment %s unavailable on %s: %s", item.id, item.platform, exc)
        return None, AttachmentProblem.UNAVAILABLE


Fetched = tuple[bytes | None, str | None]  # the bytes, or why there are none


class Pending(Protocol):
    """Claims a batch of waiting files: core.initiatives.attachments.pending and
    core.emulation.evidence.pending."""

    def __call__(
        self, session: Session, *, platforms: list[str], limit: int = BATCH
    ) -> list[attachments.Pending]: ...


class Finish(Protocol):
    """Records one fetch's outcome: core.initiatives.attachments.finish and
    core.emulation.evidence.finish, which take the same arguments."""

    def __call__(
        self,
        session: Session,
        *,
        pending_id: int,
        data: bytes | None,
        problem: str | None,
        root: Path,
        teller: Teller,
        now: datetime,
        limits: AttachmentLimits,
    ) -> str: ...


# initiatives' files, then progress reports' evidence photos
KINDS: tuple[tuple[Pending, Finish, str], ...] = (
    (attachments.pending, attachments.finish, "attachment"),
    (evidence.pending, evidence.finish, "evidence"),
)


async def store_pending(runtime: Services, limit: int = BATCH) -> int:
    """Fetch, check and store the files waiting (initiatives' files, then progress reports'
    evidence photos); returns how many were finished (stored or refused). A file whose
    platform could not be reached stays waiting for the next run."""
    finished = 0
    for pending, finish, what in KINDS:
        finished += await _store(runtime, limit, pending, finish, what)
    if finished:
        runtime.outbox_ready.set()
    return finished


async def _store(runtime: Services, limit: int, pending: Pending, finish: Finish, what: str) -> int:
    """One kind of waiting file: claim a batch, fetch each outside any transaction, record each
    outcome in its own."""
    teller = Notifier(runtime.catalogs, runtime.processor.config)

    def claim() -> list[attachments.Pending]:
        with Session(runtime.engine) as session:
            return pending(session, platforms=sorted(runtime.fetchers), limit=limit)

    def record(item: attachments.Pending, fetched: Fetched) -> None:
        with Session(runtime.engine) as session, session.begin():
            finish(
                session,
                pending_id=item.id,
                data=fetched[0],
                problem=fetched[1],
                root=runtime.settings.attachments_dir,
                teller=teller,
                now=runtime.clock.now(),
                limits=runtime.processor.config.attachments,
            )

    finished = 0
    for item in await asyncio.to_thread(claim):
        try:
            fetched = await _fetch(runtime, item)
        except Exception as exc:  # network trouble: the row stays pending
            log.warning("%s %s not fetched from %s: %r", what, item.id, item.platform, exc)
            continue
        await asyncio.to_thread(record, item, fetched)
        finished += 1
    return finished


def sweep_files(runtime: Services) -> int:
    """Remove the files of initiatives deleted since (drafts discarded or erased by /forget),
    and the files picked in the web chat more than a day ago."""
    root = runtime.settings.attachments_dir
    with Session(runtime.engine) as session:
        removed = attachments.sweep_unreferenced(session, root)
        wanted = _uploads_wanted(session)
    return removed + Uploads.beside(root).sweep(wanted=wanted)


def _uploads_wanted(session: Session) -> set[str]:
    """The web chat files something still waits to read: an initiative's or a report's file
    not fetched yet, a received message not processed yet."""
    refs = list(
        session.exec(
            select(InitiativeAttachment.ref).where(
                InitiativeAttachment.status == AttachmentStatus.PENDING,
                col(InitiativeAttachment.ref).startswith(UPLOAD),
            )
        )
    )
    refs += session.exec(
        select(EmulationReport.evidence_ref).where(
            EmulationReport.evidence_status == "pending",
            col(EmulationReport.evidence_ref).startswith(UPLOAD),
        )
    )
    waiting = session.exec(
        select(InboundUpdate.body).where(
            col(InboundUpdate.body).is_not(None), col(InboundUpdate.body).contains(UPLOAD)
        )
    )
    refs += [m.group(0) for body in waiting for m in UPLOAD_REF.finditer(body or "")]
    return {str(ref).removeprefix(UPLOAD) for ref in refs if ref}


async def store_forever(runtime: Services, stop: asyncio.Event) -> None:
    interval = runtime.settings.scheduler_interval_seconds
    while not stop.is_set():
        try:
            await asyncio.to_thread(sweep_files, runtime)
            while await store_pending(runtime) >= BATCH:
                pass
        except Exception:
            log.exception("storing attachments failed; trying again later")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)

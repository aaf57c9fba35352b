"""Evidence photos of progress reports: the bytes behind the platform's reference are fetched
outside any transaction (by the same fetchers as initiatives' files, bots/attachments.py),
checked again (the attachment size limit, an image whatever its name, no executable) and kept
under the attachments folder as `evidence/<campaign>/<sha256>.<ext>`; a refused photo is told
to its reporter. The stored path never leaves the server: officers download it through the
admin API."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlmodel import Session, col, select

from core.chat.attachments import AttachmentLimits
from core.dispatch import reply
from core.emulation import report_texts
from core.emulation.models import EmulationCriterion, EmulationReport
from core.i18n import Translator
from core.initiatives.attachments import Pending, write_file
from core.initiatives.notify import Teller
from core.initiatives.rules import content_problem
from core.messages import Attachment, OutgoingMessage

PENDING, STORED, REFUSED = "pending", "stored", "refused"
FOLDER = "evidence"
_MAGIC = {b"\xff\xd8\xff": "jpg", b"\x89PNG": "png", b"GIF8": "gif", b"RIFF": "webp"}


def image_extension(data: bytes) -> str | None:
    """The kind of image the bytes are, by their first bytes; None when they are no image."""
    for magic, extension in _MAGIC.items():
        if data.startswith(magic):
            return extension
    return "heic" if data[4:8] == b"ftyp" else None


def pending(session: Session, *, platforms: list[str], limit: int = 20) -> list[Pending]:
    """Evidence photos waiting to be fetched from one of these platforms, oldest first."""
    if not platforms:
        return []
    rows = session.exec(
        select(EmulationReport)
        .where(
            EmulationReport.evidence_status == PENDING,
            col(EmulationReport.evidence_platform).in_(platforms),
        )
        .order_by(col(EmulationReport.id))
        .limit(limit)
    ).all()
    return [
        Pending(
            id=r.id,  # type: ignore[arg-type]
            platform=r.evidence_platform or "",
            attachment=Attachment("image", r.evidence_ref or "", r.evidence_name, None, None),
        )
        for r in rows
    ]


def finish(
    session: Session,
    *,
    pending_id: int,
    data: bytes | None,
    problem: str | None,
    root: Path,
    teller: Teller,
    now: datetime,
    limits: AttachmentLimits,
) -> str:
    """Record one fetch of a photo `pending` gave (its report's id): the photo checked and
    kept, or refused and its reporter told why. The arguments are those of
    core.initiatives.attachments.finish."""
    row = session.exec(
        select(EmulationReport)
        .where(EmulationReport.id == pending_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if row is None or row.evidence_status != PENDING:
        return row.evidence_status or "gone" if row else "gone"
    if data is not None and problem is None:
        found = content_problem(data, limits.max_bytes)
        problem = found.value if found else None
        if problem is None and image_extension(data) is None:
            problem = "evidence_not_a_photo"
    if problem is not None or data is None:
        row.evidence_status, row.evidence_problem = REFUSED, problem or "attachment_unavailable"
        _tell_refused(session, teller, row, now, limits)
        session.flush()
        return REFUSED
    folder = root / FOLDER
    relative, digest = write_file(folder, row.campaign_id, data, image_extension(data) or "jpg")
    row.evidence_path, row.evidence_sha256 = f"{FOLDER}/{relative}", digest
    row.evidence_size, row.evidence_status = len(data), STORED
    session.flush()
    return STORED


def _tell_refused(
    session: Session, teller: Teller, row: EmulationReport, now: datetime, limits: AttachmentLimits
) -> None:
    criterion = session.get(EmulationCriterion, row.criterion_id)
    name = criterion.name if criterion else ""

    def compose(t: Translator) -> list[OutgoingMessage]:
        why = report_texts.problem(t, row.evidence_problem or "", limit=limits.max_mb)
        text = t.gettext(
            "Your evidence photo for “{name}” was not kept. {why} Send /progress to send "
            "another while the period is open.",
            name=name,
            why=why,
        )
        return [reply(text)]

    teller.tell(
        session, member_id=row.reported_by, compose=compose, key=f"emu_ev:{row.id}", now=now
    )


def stored_file(root: Path, row: EmulationReport) -> Path | None:
    """Where a kept photo is, for the API's download (never shown to anyone)."""
    if row.evidence_status != STORED or not row.evidence_path:
        return None
    path = (root / row.evidence_path).resolve()
    if not path.is_relative_to(root.resolve()) or not path.is_file():
        return None
    return path

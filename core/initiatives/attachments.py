"""Files of initiatives: limits, and the bytes kept outside the database.

A file a person sends is first a reference (platform, ref) in `initiative_attachment`, checked
against what the platform declares (kind, name, type, size). The bytes are fetched later,
outside any transaction, through the platform's `AttachmentFetcher`; they are checked again
(size, and that they are no executable whatever their name) and written under the
attachments folder as `<initiative>/<sha256>.<ext>`. The stored path never leaves the server:
officers of the unit see the file on the desk's initiative page or download it through the
admin API.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlmodel import Session, col, select

from core.chat import attachments as attachment_rules
from core.dispatch import reply
from core.i18n import Translator
from core.initiatives import rules
from core.initiatives.models import AttachmentStatus, Initiative, InitiativeAttachment
from core.initiatives.notify import Teller
from core.initiatives.problems import problem_text
from core.messages import Attachment, OutgoingMessage

MB = attachment_rules.MB
Limits = attachment_rules.AttachmentLimits


@dataclass(frozen=True)
class Pending:
    id: int
    platform: str
    attachment: Attachment


def pending(session: Session, *, platforms: list[str], limit: int = 20) -> list[Pending]:
    """Files waiting to be fetched from one of these platforms, oldest first."""
    if not platforms:
        return []
    rows = session.exec(
        select(InitiativeAttachment)
        .where(
            InitiativeAttachment.status == AttachmentStatus.PENDING,
            col(InitiativeAttachment.platform).in_(platforms),
        )
        .order_by(col(InitiativeAttachment.id))
        .limit(limit)
    ).all()
    return [
        Pending(
            id=r.id,  # type: ignore[arg-type]
            platform=r.platform,
            attachment=Attachment(kind=r.kind, ref=r.ref, name=r.name, mime=r.mime, size=r.size),
        )
        for r in rows
    ]


def _extension(row: InitiativeAttachment) -> str:
    ext = (row.name or "").rsplit(".", 1)[-1].lower() if "." in (row.name or "") else ""
    if ext and ext.isalnum() and len(ext) <= 5:
        return ext
    return {"image": "jpg", "video": "mp4"}.get(row.kind, "bin")


def write_file(root: Path, initiative_id: int, data: bytes, extension: str) -> tuple[str, str]:
    """Write the bytes under the attachments folder (atomically: a partial file is never
    seen under its final name). Returns (the path relative to the folder, the sha256)."""
    digest = hashlib.sha256(data).hexdigest()
    relative = Path(str(initiative_id)) / f"{digest}.{extension}"
    target = root / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(target.suffix + ".part")
    partial.write_bytes(data)
    os.replace(partial, target)
    return relative.as_posix(), digest


def finish(
    session: Session,
    *,
    pending_id: int,
    data: bytes | None,
    problem: str | None,
    root: Path,
    teller: Teller,
    now: datetime,
    limits: Limits,
) -> str:
    """Record the outcome of one fetch of a file `pending` gave: the bytes checked and stored,
    or the refusal (the author is told why). A row another instance finished already is left
    alone. core.emulation.evidence.finish takes the same arguments, so that one caller
    (bots/attachments.py) serves both kinds of waiting file."""
    row = session.exec(
        select(InitiativeAttachment)
        .where(InitiativeAttachment.id == pending_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if row is None or row.status != AttachmentStatus.PENDING:
        return row.status if row else "gone"
    limit = limits.max_bytes
    if data is not None and problem is None:
        found = rules.content_problem(data, limit)
        problem = found.value if found else None
    if problem is not None or data is None:
        row.status = AttachmentStatus.REFUSED
        row.problem = problem or rules.AttachmentProblem.UNAVAILABLE
        _tell_refused(session, teller, row, now, limits)
        session.flush()
        return row.status
    row.stored_path, row.sha256 = write_file(root, row.initiative_id, data, _extension(row))
    row.size = len(data)
    row.status = AttachmentStatus.STORED
    session.flush()
    return row.status


def _tell_refused(
    session: Session,
    teller: Teller,
    row: InitiativeAttachment,
    now: datetime,
    limits: Limits,
) -> None:
    item = session.get(Initiative, row.initiative_id)
    if item is None:
        return

    def compose(t: Translator) -> list[OutgoingMessage]:
        why = problem_text(t, row.problem or "", limit=limits.max_mb)
        return [
            reply(
                t.gettext(
                    "Your file «{name}» was not kept. {why}",
                    name=row.name or t.gettext("photo"),
                    why=why,
                )
            )
        ]

    teller.tell(
        session,
        member_id=item.submitter_id,
        compose=compose,
        key=f"ini:{item.id}:file:{row.id}",
        now=now,
    )


def stored_file(root: Path, row: InitiativeAttachment) -> Path | None:
    """Where a stored file is, for the API's download (never shown to anyone)."""
    if row.status != AttachmentStatus.STORED or not row.stored_path:
        return None
    path = (root / row.stored_path).resolve()
    if not path.is_relative_to(root.resolve()) or not path.is_file():
        return None
    return path


def sweep_unreferenced(session: Session, root: Path) -> int:
    """Delete the folders of initiatives that no longer exist (discarded drafts, drafts of a
    person who used /forget), after the transaction that deleted them committed. Ids are
    never reused, so such a folder can belong to no later initiative; a crash between the
    commit and this sweep leaves files that nothing refers to, removed by the next sweep.
    Returns the number of files deleted."""
    if not root.is_dir():
        return 0
    folders = {p.name: p for p in root.iterdir() if p.is_dir() and p.name.isdigit()}
    if not folders:
        return 0
    alive = {
        str(i)
        for i in session.exec(
            select(Initiative.id).where(col(Initiative.id).in_([int(n) for n in folders]))
        )
    }
    removed = 0
    for name, folder in folders.items():
        if name in alive:
            continue
        for file in folder.iterdir():
            if file.is_file():
                file.unlink(missing_ok=True)
                removed += 1
        with contextlib.suppress(OSError):
            folder.rmdir()
    return removed

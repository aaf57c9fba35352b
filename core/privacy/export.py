"""/mydata as a file: everything thidua keeps about a member, every row (the chat shows the
latest 20 of each list), as a spreadsheet a person can read (XLSX, a sheet per part) and as
JSON for another service. Words are in the person's language; dates in the union's time zone.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import Workbook
from sqlmodel import Session, col, select

from core.commendations.models import CommendationStatus
from core.i18n import N_, Translator
from core.initiatives import texts as initiative_texts
from core.members import service
from core.members.labels import LANGUAGE_NAMES, platform_name, worker_group, yes_no
from core.members.models import ConsentPurpose, Member, UnionUnit
from core.points.models import PointsEntry, PointsSource
from core.privacy import mydata

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JSON = "application/json"
PURPOSES = {
    ConsentPurpose.DATA_PROCESSING: N_("taking part in your union's campaigns"),
    ConsentPurpose.ANNOUNCEMENTS: N_("receiving your union's announcements"),
    ConsentPurpose.PUBLIC_NAME: N_("your name shown beyond your union"),
}
SOURCES = {
    PointsSource.QUIZ_ANSWER: N_("Quiz answers"),
    PointsSource.INITIATIVE: N_("Accepted initiatives"),
    PointsSource.COMMENDATION: N_("Commendations"),
    PointsSource.PARTICIPATION: N_("Taking part in campaigns"),
}
COMMENDATION_STATUSES = {
    CommendationStatus.NOMINATED: N_("proposed, waiting for a decision"),
    CommendationStatus.APPROVED: N_("approved"),
    CommendationStatus.REJECTED: N_("not approved"),
}
NOTES = (
    N_(
        "The messages you send are deleted as soon as they have been answered; only their "
        "ids are kept for two days so that nothing is answered twice."
    ),
    N_(
        "If you send /forget while a quiz you took is still open, a code computed with a "
        "secret key from your messenger account is kept until the quiz closes. It does not "
        "name you and cannot be turned back into your account; it only lets the quiz count "
        "one attempt per person if you join again."
    ),
    N_(
        "Send /forget to erase your data. The union keeps its records of rewards and "
        "results, without your name."
    ),
)
Cell = str | int | datetime | date | None


@dataclass(frozen=True)
class Part:
    key: str  # the JSON key, stable across languages
    title: str  # the sheet's name, in the person's language
    columns: tuple[tuple[str, str], ...]  # (JSON key, heading in the person's language)
    rows: list[tuple[Cell, ...]]


def parts(session: Session, t: Translator, member: Member) -> list[Part]:
    assert member.id is not None
    kept = mydata.gather(session, member_id=member.id)
    _ = t.gettext
    return [
        _profile(session, t, member),
        _consents(t, kept),
        Part(
            "messengers",
            _("Messengers"),
            (("messenger", _("Messenger")), ("first_seen", _("First message"))),
            [(platform_name(t, i.platform), i.first_seen_at) for i in kept.identities],
        ),
        _points(session, t, member.id),
        _attempts(t, kept),
        _initiatives(t, kept),
        _commendations(t, kept),
        Part("notes", _("Notes"), (("note", _("Note")),), [(_(n),) for n in NOTES]),
    ]


def _consents(t: Translator, kept: mydata.MyData) -> Part:
    _ = t.gettext
    columns = (
        ("purpose", _("Purpose")),
        ("given", _("Agreed on")),
        ("withdrawn", _("Withdrawn on")),
        ("wording", _("Text version")),
    )
    rows: list[tuple[Cell, ...]] = [
        (_(PURPOSES.get(c.purpose, c.purpose)), c.granted_at, c.withdrawn_at, c.wording)
        for c in kept.consents
    ]
    return Part("consents", _("Consents"), columns, rows)


def _attempts(t: Translator, kept: mydata.MyData) -> Part:
    _ = t.gettext
    columns = (
        ("quiz", _("Quiz")),
        ("attempt", _("Attempt")),
        ("started", _("Date")),
        ("points", _("Points")),
        ("correct", _("Correct answers")),
    )
    rows: list[tuple[Cell, ...]] = [
        (a.title, a.number, a.started_at, a.score, a.correct) for a in kept.attempts
    ]
    return Part("quiz_attempts", _("Quiz attempts"), columns, rows)


def _initiatives(t: Translator, kept: mydata.MyData) -> Part:
    _ = t.gettext
    columns = (
        ("code", _("Tracking code")),
        ("title", _("Title")),
        ("part", _("Your part")),
        ("status", _("Status")),
        ("share_vnd", _("Your share (VND)")),
        ("share_points", _("Your points")),
    )
    rows: list[tuple[Cell, ...]] = [
        (
            i.code,
            i.title,
            _("submitted") if i.submitter else _("co-author"),
            initiative_texts.status(t, i.status),
            i.share_vnd,
            i.share_points,
        )
        for i in kept.initiatives
    ]
    return Part("initiatives", _("Initiatives you took part in"), columns, rows)


def _commendations(t: Translator, kept: mydata.MyData) -> Part:
    _ = t.gettext
    columns = (
        ("date", _("Date")),
        ("kind", _("Commended or proposed")),
        ("status", _("Status")),
        ("reason", _("Reason")),
    )
    rows: list[tuple[Cell, ...]] = [
        (
            c.created_at,
            _("Commended") if c.received else _("Proposed by you"),
            _(COMMENDATION_STATUSES.get(c.status, c.status)),
            c.reason,
        )
        for c in kept.commendations
    ]
    return Part("commendations", _("Commendations"), columns, rows)


def _profile(session: Session, t: Translator, member: Member) -> Part:
    _ = t.gettext
    unit = session.get(UnionUnit, member.unit_id)
    messengers = service.identities_of(session, member_id=member.id)  # type: ignore[arg-type]
    rows: list[tuple[Cell, ...]] = [
        ("name", _("Name"), member.full_name),
        ("phone", _("Phone"), member.phone),
        ("union", _("Union"), unit.name if unit else ""),
        ("group", _("Group"), worker_group(t, member.worker_group)),
        ("leadership_post", _("Leadership post"), yes_no(t, member.holds_leadership_post)),
        ("language", _("Language"), LANGUAGE_NAMES.get(member.locale, member.locale)),
        (
            "messengers",
            _("Messengers"),
            ", ".join(platform_name(t, i.platform) for i in messengers),
        ),
        ("joined", _("Joined on"), member.joined_at),
    ]
    return Part(
        "profile",
        _("Profile"),
        (("field", _("Field")), ("label", _("What")), ("value", _("Value"))),
        rows,
    )


def _points(session: Session, t: Translator, member_id: int) -> Part:
    _ = t.gettext
    entries = session.exec(
        select(PointsEntry).where(PointsEntry.member_id == member_id).order_by(col(PointsEntry.id))
    )
    return Part(
        "points",
        _("Points"),
        (("date", _("Date")), ("source", _("Where they came from")), ("points", _("Points"))),
        [(e.created_at, _(SOURCES.get(e.source, e.source)), e.points) for e in entries],
    )


def as_json(found: list[Part], t: Translator) -> bytes:
    def value(cell: Cell) -> Cell:
        if isinstance(cell, datetime):
            return cell.astimezone(t.tz).isoformat()
        return cell.isoformat() if isinstance(cell, date) else cell

    doc = {
        p.key: [{k: value(v) for (k, _h), v in zip(p.columns, row, strict=True)} for row in p.rows]
        for p in found
    }
    return json.dumps(doc, ensure_ascii=False, indent=2).encode()


def as_xlsx(found: list[Part], t: Translator) -> bytes:
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for part in found:
        sheet = book.create_sheet(part.title[:31])
        sheet.append([heading for _k, heading in part.columns])
        for row in part.rows:
            sheet.append([_local(cell, t) for cell in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _local(cell: Cell, t: Translator) -> Cell:
    """A moment as the union's wall-clock time (a spreadsheet cell has no time zone); text a
    spreadsheet would run as a formula is kept as text."""
    if isinstance(cell, datetime):
        return cell.astimezone(t.tz).replace(tzinfo=None)
    if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + cell
    return cell

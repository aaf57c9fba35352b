"""The confirmed titles of a campaign as the workbook a commendation council (Hội đồng thi
đua – khen thưởng) works from: a heading, then one table of STT, name (a person's or the
collective's), unit, title or form, issuing level, summary of achievements and notes (who
added or changed it and why; a former member who used /forget)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from sqlmodel import Session

from core.campaigns.scope import Actor
from core.emulation import title_proposals, title_texts
from core.emulation.title_defaults import level_label
from core.emulation.title_models import ChangeAction
from core.emulation.title_proposals import CONFIRMED, OFFICER, Line
from core.errors import DomainError
from core.i18n import Translator
from core.members.labels import name_of

WIDTHS = (6, 30, 36, 40, 28, 50, 40)


def header(t: Translator) -> list[str]:
    return [
        t.gettext("No."),
        t.gettext("Full name / collective"),
        t.gettext("Unit"),
        t.gettext("Title / form"),
        t.gettext("Issuing level"),
        t.gettext("Summary of achievements"),
        t.gettext("Notes"),
    ]


def _note(t: Translator, line: Line) -> str:
    notes = []
    if line.member is not None and line.member.forgotten_at is not None:
        notes.append(t.gettext("Former member: their personal data was erased at their request"))
    if line.proposal.origin == OFFICER:
        notes.append(t.gettext("Added by the officers"))
    for change, _who in line.changes:
        if change.action == ChangeAction.CHANGED:
            notes.append(
                t.gettext(
                    "Changed from “{before}”: {reason}", before=change.before, reason=change.reason
                )
            )
        elif change.action == ChangeAction.ADDED:
            notes.append(change.reason)
    return "; ".join(notes)


def rows(t: Translator, lines: Sequence[Line]) -> list[list[object]]:
    confirmed = [x for x in lines if x.proposal.status == CONFIRMED]
    return [
        [
            n,
            name_of(t, x.member) if x.member is not None else x.unit.name,
            x.unit.name if x.member is not None else x.above,
            x.proposal.name,
            level_label(t, x.proposal.level),
            x.proposal.summary,
            _note(t, x),
        ]
        for n, x in enumerate(confirmed, start=1)
    ]


def workbook(session: Session, *, actor: Actor, campaign_id: int, t: Translator) -> bytes:
    """The confirmed list as XLSX (written row by row, not held as a sheet in memory)."""
    found = title_proposals.board(session, actor=actor, campaign_id=campaign_id)
    if not found.confirmed:
        raise DomainError("titles_not_confirmed")
    book = Workbook(write_only=True)
    sheet = book.create_sheet(t.gettext("Commendations")[:31])
    for n, width in enumerate(WIDTHS):
        sheet.column_dimensions[chr(ord("A") + n)].width = width
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")

    def styled(values: Sequence[object], font: Font | None = None) -> list[object]:
        out = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=value)
            cell.alignment = wrap
            if font is not None:
                cell.font = font
            out.append(cell)
        return out

    sheet.append(styled([t.gettext("LIST OF TITLES AND COMMENDATIONS PROPOSED")], bold))
    sheet.append(
        styled(
            [
                t.gettext(
                    "Campaign “{campaign}”, {starts} – {ends}",
                    campaign=found.campaign.title,
                    starts=t.date(found.campaign.starts_on),
                    ends=t.date(found.campaign.ends_on),
                )
            ]
        )
    )
    sheet.append([])
    sheet.append(styled(header(t), bold))
    for row in rows(t, found.lines):
        sheet.append(styled(row))
    if not any(x.proposal.status == CONFIRMED for x in found.lines):
        sheet.append(styled(["", t.gettext("Nobody was confirmed for a title.")]))
    for definition in found.nobody:
        sheet.append(styled(["", title_texts.nobody(t, definition)]))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

"""A review as an XLSX workbook, one sheet per part, written in streaming mode (openpyxl's
write-only workbook: rows go to the file as they come, so a province's review stays small in
memory)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import BinaryIO

from openpyxl import Workbook

from core.emulation.review_texts import kind_label, notes
from core.emulation.review_view import Shown
from core.emulation.templates import Reporter
from core.emulation.titles import title_label
from core.i18n import N_, Translator

REPORTERS = {
    Reporter.MEMBER: N_("each member"),
    Reporter.GRASSROOTS: N_("the grassroots union"),
    Reporter.EVALUATOR: N_("an evaluator of the level above"),
}


def _safe(value: object) -> object:
    """Text that a spreadsheet would run as a formula is kept as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _sheet(
    book: Workbook, title: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> None:
    page = book.create_sheet(title[:31])
    page.append(list(header))
    for row in rows:
        page.append([_safe(v) for v in row])


def _summary(t: Translator, view: Shown) -> list[tuple[str, object]]:
    f, _ = view.figures, t.gettext
    lines: list[tuple[str, object]] = [
        (_("Campaign"), view.campaign.title),
        (_("Review"), kind_label(t, f.kind)),
        (_("Figures to"), t.date(f.as_of)),
        (_("Periods counted"), ", ".join(f.periods)),
        (_("Members the campaign is for"), f.total("members")),
        (_("Pledged"), f.total("registered")),
        (_("Reported their results"), f.total("reporting")),
        (_("Pledges met"), f.total("pledges_met")),
        (_("Initiatives"), f.total("initiatives")),
        (_("Initiatives accepted"), f.total("accepted")),
        (_("Benefit of the accepted initiatives (VND)"), f.total("benefit_vnd")),
        (_("Commendations"), f.total("commendations")),
        (_("People commended"), f.total("commended")),
        (_("of them workers directly in production or business"), f.total("direct_workers")),
        (_("of them holding no leadership post"), f.total("non_leaders")),
        (_("Announcement messages"), f.total("reached")),
        (_("of them delivered"), f.total("delivered")),
    ]
    lines += [(_("Note"), text) for text in notes(t, f)]
    return lines


def _results(book: Workbook, t: Translator, view: Shown) -> None:
    """The unions' results, the criteria, the blocks."""
    f, _ = view.figures, t.gettext
    unit_criteria = [c for c in f.criteria if c.reporter != Reporter.MEMBER]
    _sheet(
        book,
        _("Results by union"),
        (
            _("Rank"),
            _("Union"),
            _("Points"),
            _("Block"),
            _("Rank in the block"),
            _("Figures in"),
            _("Figures due"),
            *(view.criterion(c.criterion_id) for c in unit_criteria),
        ),
        (
            (
                u.rank,
                view.unit(u.unit_id),
                u.points,
                view.block(u.block_id),
                u.block_rank,
                u.figures_in,
                u.figures_due,
                *(u.by_criterion.get(c.criterion_id, 0) for c in unit_criteria),
            )
            for u in f.ranked
        ),
    )
    _sheet(
        book,
        _("Criteria"),
        (
            _("Criterion"),
            _("Reported by"),
            _("Periods"),
            _("Figures due"),
            _("Figures in"),
            _("Targets reached"),
            _("Points"),
        ),
        (
            (
                view.criterion(c.criterion_id),
                _(REPORTERS[Reporter(c.reporter)]),
                c.periods,
                c.due,
                c.reported,
                c.met,
                c.points,
            )
            for c in f.criteria
        ),
    )
    _sheet(
        book,
        _("Blocks"),
        (_("Block"), _("Evaluated by"), _("Rank"), _("Union"), _("Points")),
        (
            (view.block(b.block_id), view.unit(b.owner_unit_id), rank, view.unit(u), points)
            for b in f.blocks
            for u, points, rank in b.units
        ),
    )


def _people_and_reach(book: Workbook, t: Translator, view: Shown) -> None:
    """The best people, initiatives and commendations, the announcements' reach."""
    f, _ = view.figures, t.gettext
    _sheet(
        book,
        _("People"),
        (
            _("No."),
            _("Name"),
            _("Union"),
            _("Points"),
            _("Title pledged"),
            _("Name shown beyond the union"),
        ),
        (
            (
                n,
                view.person(t, p.member_id),
                view.unit(p.unit_id),
                p.points,
                title_label(t, p.title) if p.title else "",
                _("yes") if view.public(p.member_id) else _("no"),
            )
            for n, p in enumerate(f.people, start=1)
        ),
    )
    _sheet(
        book,
        _("Initiatives, commendations"),
        (
            _("Union"),
            _("Initiatives"),
            _("Accepted"),
            _("Benefit (VND)"),
            _("Commendations"),
            _("People commended"),
            _("Direct workers"),
            _("No leadership post"),
        ),
        (
            (
                view.unit(u.unit_id),
                u.initiatives,
                u.accepted,
                u.benefit_vnd,
                u.commendations,
                u.commended,
                u.direct_workers,
                u.non_leaders,
            )
            for u in f.units
        ),
    )
    _sheet(
        book,
        _("Reach"),
        (
            _("Announcement"),
            _("Sent on"),
            _("Audience"),
            _("Delivered"),
            _("Waiting"),
            _("Queued"),
            _("Failed"),
            _("Skipped"),
        ),
        (
            (
                f"#{r.broadcast_id}",
                t.datetime(r.created_at),
                r.audience,
                r.sent,
                r.waiting,
                r.queued,
                r.failed,
                r.skipped,
            )
            for r in f.reach
        ),
    )


def write(out: BinaryIO, t: Translator, view: Shown) -> None:
    """The workbook of the review into `out`."""
    f, _ = view.figures, t.gettext
    book = Workbook(write_only=True)
    _sheet(book, _("Summary"), (_("Item"), _("Figure")), _summary(t, view))
    _sheet(
        book,
        _("Participation"),
        (_("Union"), _("Members"), _("Pledged"), _("Reported"), _("Pledges met")),
        (
            (view.unit(u.unit_id), u.members, u.registered, u.reporting, u.pledges_met)
            for u in f.units
        ),
    )
    _results(book, t, view)
    _people_and_reach(book, t, view)
    book.save(out)

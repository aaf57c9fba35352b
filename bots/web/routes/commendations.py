"""Commendations: the nominations waiting for a decision (approve with points, reject with a
reason), a direct commendation by the officer, and the share report (who is commended: direct
production workers, staff without a leadership post)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from fastapi import APIRouter
from fastapi.responses import Response
from sqlmodel import Session, col, select
from starlette.datastructures import FormData

from bots.web import forms
from bots.web.context import PREFIX, Me, Refused, Visit, WebApp, WebProblem
from bots.web.deps import CurrentMe, OfficerVisit, PostedForm, Web
from bots.web.reports import Table, build, period_of
from bots.web.unitpicker import UnitPicker, picker
from core import initiatives
from core.commendations import service
from core.commendations.forms import Form, form_label, issuing_levels, level_label
from core.commendations.models import Commendation, CommendationStatus
from core.i18n import Translator
from core.initiatives import rules as initiative_rules
from core.members.labels import name_of
from core.members.models import Member, UnionUnit
from core.organisation import picking
from core.reports.service import Period

router = APIRouter()
STATUSES = tuple(s.value for s in CommendationStatus)
CANDIDATES = 30
MAX_POINTS = 100_000


@dataclass(frozen=True)
class Item:
    item: Commendation
    unit: str
    people: list[Member]
    nominator: str
    announcement: str  # what the union would read if approved now (nominated ones only)


@dataclass(frozen=True)
class Page:
    items: list[Item]
    picker: UnitPicker  # the unit whose members may be commended: its way down, a search
    unit: UnionUnit | None  # the unit chosen for a direct commendation
    candidates: list[Member]
    report: Table
    levels: list[str] = field(default_factory=list)  # the issuing levels the officer may record


@dataclass(frozen=True)
class Typed:
    """What an officer typed in the new-commendation form, shown again when it is refused."""

    unit_id: int | None = None
    members: tuple[int, ...] = ()
    team_name: str = ""
    reason: str = ""
    adhoc: bool = False
    form: str = ""
    level: str = ""
    # an announcement edited before approving, refused: (commendation id, the text as typed)
    announcement: tuple[int, str] | None = None


@dataclass(frozen=True)
class Query:
    """What the page's filters ask for (its query string)."""

    status: str
    unit_id: int | None
    q: str
    period: Period
    unit_q: str = ""


def items_of(s: Session, me: Me, status: str, t: Translator, announce: Translator) -> list[Item]:
    """The commendations of the officer's units with that status (any: ""), newest first, the
    waiting ones with the preview of their announcement (in the members' language)."""
    statuses = (status,) if status in STATUSES else ()
    found = service.in_scope(s, actor=me.actor, statuses=statuses, limit=500)
    found.reverse()
    names = picking.names_of(s, {c.unit_id for c in found})
    nominator_ids = [c.nominated_by for c in found if c.nominated_by]
    nominators = {
        m.id: name_of(t, m) for m in s.exec(select(Member).where(col(Member.id).in_(nominator_ids)))
    }
    return [
        Item(
            c,
            names.get(c.unit_id, ""),
            service.commended(s, commendation_id=c.id),  # type: ignore[arg-type]
            nominators.get(c.nominated_by, "") if c.nominated_by else "",
            service.preview(s, announce, c) if c.status == CommendationStatus.NOMINATED else "",
        )
        for c in found
    ]


def candidates_of(s: Session, me: Me, unit_id: int, q: str) -> tuple[UnionUnit, list[Member]]:
    """The unit chosen for a direct commendation and its members matching the typed name."""
    chosen = me.actor.require_unit(s, unit_id)
    home = initiatives.grassroots_of(s, unit_id)
    wanted = initiative_rules.normalised(q)
    found = [
        m
        for m in initiatives.unit_members(s, unit=home)
        if m.id != me.member_id
        and (not wanted or wanted in initiative_rules.normalised(m.full_name or ""))
    ]
    return chosen, found[:CANDIDATES]


def load(s: Session, me: Me, t: Translator, announce: Translator, query: Query) -> Page:
    items = items_of(s, me, query.status, t, announce)
    chosen, candidates, levels = None, [], []
    if query.unit_id is not None:
        chosen, candidates = candidates_of(s, me, query.unit_id, query.q)
        home = initiatives.grassroots_of(s, query.unit_id)
        levels = [lv.value for lv in issuing_levels(s, me.actor, home)]
    chooser = picker(
        s,
        me,
        action=f"{PREFIX}/commendations",
        unit=str(query.unit_id or ""),
        q=query.unit_q,
        keep={"status": query.status},
    )
    report = build(s, me, t, "commendations", query.period)
    return Page(items, chooser, chosen, candidates, report, levels)


def query_of(visit: Visit) -> Query:
    params = visit.request.query_params
    unit_raw = params.get("unit", "")
    return Query(
        status=params.get("status", "nominated"),
        unit_id=int(unit_raw) if unit_raw.isdigit() else None,
        q=params.get("q", "")[:100],
        period=period_of(visit, params.get("from", ""), params.get("to", "")),
        unit_q=params.get("unit_q", "")[:100],
    )


async def show(
    visit: Visit, me: Me, refused: Refused | None = None, typed: Typed | None = None
) -> Response:
    query = query_of(visit)
    typed = typed or Typed()
    if typed.unit_id is not None:
        query = replace(query, unit_id=typed.unit_id)
    t, announce = visit.t, visit.web.notifier.translator(None)
    data = await visit.db(lambda s: load(s, me, t, announce, query))
    return visit.render(
        "commendations.html",
        status=refused.status if refused else 200,
        page=data,
        chosen=query.status,
        statuses=STATUSES,
        q=query.q,
        error=refused.message if refused else None,
        done=visit.request.query_params.get("done"),
        default_points=service.DEFAULT_POINTS,
        status_label=lambda v: status_text(t, v),
        form_label=form_label,
        level_label=level_label,
        form_choices=[f.value for f in Form],
        typed=typed,
    )


async def act(
    visit: Visit,
    web: WebApp,
    me: Me,
    work: Callable[[Session], object],
    done: str,
    typed: Typed | None = None,
) -> Response:
    """One decision in one transaction, then back to the list (or the list with the refusal,
    and the form as it was typed)."""
    outcome = await visit.attempt(work)
    if isinstance(outcome, Refused):
        return await show(visit, me, outcome, typed)
    web.runtime.outbox_ready.set()
    return visit.redirect(f"{PREFIX}/commendations?done={done}")


def points_of(form: FormData) -> int:
    raw = forms.text(form, "points").strip()
    if not raw:
        return service.DEFAULT_POINTS
    if raw.isdigit() and int(raw) <= MAX_POINTS:
        return int(raw)
    raise WebProblem(422, "bad_points")


@router.get("/commendations")
async def commendations(visit: OfficerVisit, me: CurrentMe) -> Response:
    return await show(visit, me)


@router.post("/commendations")
async def nominate(visit: OfficerVisit, me: CurrentMe, form: PostedForm, web: Web) -> Response:
    unit_id = forms.integer(form, "unit_id")
    ids = [int(v) for v in form.getlist("member") if isinstance(v, str) and v.isdigit()]
    team = forms.text(form, "team_name", limit=200).strip() or None
    reason, adhoc, now = forms.text(form, "reason"), form.get("adhoc") == "on", visit.now
    kind, level = forms.text(form, "form", limit=12), forms.text(form, "level", limit=16)

    def work(s: Session) -> object:
        return service.officer_nominate(
            s,
            actor=me.actor,
            unit_id=unit_id,
            member_ids=ids,
            reason=reason,
            now=now,
            team_name=team,
            adhoc=adhoc,
            notifier=web.notifier,
            form=kind or None,
            level=(level or None) if kind else None,
        )

    typed = Typed(unit_id, tuple(ids), team or "", reason, adhoc, kind, level)
    return await act(visit, web, me, work, "nominated", typed)


@router.post("/commendations/{commendation_id}/approve")
async def approve(
    commendation_id: int, visit: OfficerVisit, me: CurrentMe, form: PostedForm, web: Web
) -> Response:
    points, now = points_of(form), visit.now
    text = forms.text(form, "announcement") if "announcement" in form else None

    def work(s: Session) -> object:
        return service.approve(
            s,
            actor=me.actor,
            commendation_id=commendation_id,
            notifier=web.notifier,
            now=now,
            award_points=points,
            announcement_text=text,
        )

    typed = Typed(announcement=(commendation_id, text)) if text is not None else None
    return await act(visit, web, me, work, "approved", typed)


@router.post("/commendations/{commendation_id}/reject")
async def reject(
    commendation_id: int, visit: OfficerVisit, me: CurrentMe, form: PostedForm, web: Web
) -> Response:
    reason, now = forms.text(form, "reason"), visit.now

    def work(s: Session) -> object:
        return service.reject(
            s,
            actor=me.actor,
            commendation_id=commendation_id,
            reason=reason,
            now=now,
            notifier=web.notifier,
        )

    return await act(visit, web, me, work, "rejected")


def status_text(t: Translator, value: str) -> str:
    _ = t.gettext
    return {
        "nominated": _("waiting for approval"),
        "approved": _("approved"),
        "rejected": _("not approved"),
    }.get(value, value)

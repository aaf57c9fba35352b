"""Commendations: the nominations waiting for a decision (approve with points, reject with a
reason), a direct commendation by the officer, and the share report (who is commended: direct
production workers, staff without a leadership post)."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session, col, select

from bots.web import forms
from bots.web.context import PREFIX, Me, Visit, WebApp, WebProblem, in_scope_units, officer_visit
from bots.web.reports import Table, build, period_of
from core import initiatives
from core.commendations import service
from core.commendations.models import Commendation, CommendationStatus
from core.initiatives import rules as initiative_rules
from core.members.models import Member, UnionUnit

STATUSES = tuple(s.value for s in CommendationStatus)
CANDIDATES = 30
MAX_POINTS = 100_000


@dataclass(frozen=True)
class Item:
    item: Commendation
    unit: str
    people: list[Member]
    nominator: str


@dataclass(frozen=True)
class Page:
    items: list[Item]
    units: list[UnionUnit]
    unit: UnionUnit | None  # the unit chosen for a direct commendation
    candidates: list[Member]
    report: Table


def register(router: APIRouter, web: WebApp) -> None:
    notifier = web.notifier

    def load(s: Session, me: Me, visit: Visit, status: str, unit_id: int | None, q: str) -> Page:
        statuses = (status,) if status in STATUSES else ()
        found = service.in_scope(s, actor=me.actor, statuses=statuses, limit=500)
        found.reverse()  # newest first
        units = in_scope_units(s, me)
        names = {u.id: u.name for u in units}
        nominators = {
            m.id: m.full_name or ""
            for m in s.exec(
                select(Member).where(
                    col(Member.id).in_([c.nominated_by for c in found if c.nominated_by])
                )
            )
        }
        items = [
            Item(
                c,
                names.get(c.unit_id, ""),
                service.commended(s, commendation_id=c.id),  # type: ignore[arg-type]
                nominators.get(c.nominated_by, "") if c.nominated_by else "",
            )
            for c in found
        ]
        chosen, candidates = None, []
        if unit_id is not None:
            chosen = me.actor.require_unit(s, unit_id)
            home = initiatives.grassroots_of(s, unit_id)
            wanted = initiative_rules.normalised(q)
            candidates = [
                m
                for m in initiatives.unit_members(s, unit=home)
                if m.id != me.member_id
                and (not wanted or wanted in initiative_rules.normalised(m.full_name or ""))
            ][:CANDIDATES]
        period = period_of(
            visit,
            visit.request.query_params.get("from", ""),
            visit.request.query_params.get("to", ""),
        )
        report = build(s, me, visit, "commendations", period)
        return Page(items, units, chosen, candidates, report)

    async def show(visit: Visit, *, status: int = 200, error: str | None = None) -> Response:
        me = visit.me
        assert me is not None
        params = visit.request.query_params
        chosen = params.get("status", "nominated")
        unit_raw = params.get("unit", "")
        unit_id = int(unit_raw) if unit_raw.isdigit() else None
        q = params.get("q", "")[:100]
        data = await visit.db(lambda s: load(s, me, visit, chosen, unit_id, q))
        return visit.render(
            "commendations.html",
            status=status,
            page=data,
            chosen=chosen,
            statuses=STATUSES,
            q=q,
            error=error,
            done=params.get("done"),
            default_points=service.DEFAULT_POINTS,
            status_label=lambda v: status_text(visit, v),
        )

    @router.get("/commendations")
    async def commendations(request: Request) -> Response:
        return await show(await officer_visit(web, request))

    async def act(visit: Visit, work, done: str) -> Response:  # type: ignore[no-untyped-def]
        try:
            await visit.db(work)
        except WebProblem as problem:
            if problem.status == 404:
                raise
            return await show(visit, status=problem.status, error=visit.problem(problem.err))
        web.runtime.outbox_ready.set()
        return visit.redirect(f"{PREFIX}/commendations?done={done}")

    @router.post("/commendations")
    async def nominate(request: Request) -> Response:
        visit = await officer_visit(web, request)
        form = await visit.form()
        actor, now = visit.actor, visit.now
        unit_id = forms.integer(form, "unit_id")
        ids = [int(v) for v in form.getlist("member") if isinstance(v, str) and v.isdigit()]
        team = forms.text(form, "team_name", limit=200).strip() or None
        reason = forms.text(form, "reason")
        adhoc = form.get("adhoc") == "on"
        return await act(
            visit,
            lambda s: service.officer_nominate(
                s,
                actor=actor,
                unit_id=unit_id,
                member_ids=ids,
                reason=reason,
                now=now,
                team_name=team,
                adhoc=adhoc,
                notifier=notifier,
            ),
            "nominated",
        )

    @router.post("/commendations/{commendation_id}/approve")
    async def approve(request: Request, commendation_id: int) -> Response:
        visit = await officer_visit(web, request)
        form = await visit.form()
        actor, now = visit.actor, visit.now
        raw = forms.text(form, "points").strip()
        if not raw:
            points = service.DEFAULT_POINTS
        elif raw.isdigit() and int(raw) <= MAX_POINTS:
            points = int(raw)
        else:
            raise WebProblem(422, "bad_points")
        return await act(
            visit,
            lambda s: service.approve(
                s,
                actor=actor,
                commendation_id=commendation_id,
                notifier=notifier,
                now=now,
                award_points=points,
            ),
            "approved",
        )

    @router.post("/commendations/{commendation_id}/reject")
    async def reject(request: Request, commendation_id: int) -> Response:
        visit = await officer_visit(web, request)
        form = await visit.form()
        actor, now = visit.actor, visit.now
        reason = forms.text(form, "reason")
        return await act(
            visit,
            lambda s: service.reject(
                s,
                actor=actor,
                commendation_id=commendation_id,
                reason=reason,
                now=now,
                notifier=notifier,
            ),
            "rejected",
        )


def status_text(visit: Visit, value: str) -> str:
    _ = visit.t.gettext
    return {
        "nominated": _("waiting for approval"),
        "approved": _("approved"),
        "rejected": _("not approved"),
    }.get(value, value)

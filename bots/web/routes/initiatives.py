"""The initiatives review queue: filter, open, assign, ask for information, accept with the
reward from the unit's band table, reject with a reason, mark as applied."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session, col, select

from bots.web import forms
from bots.web.context import PREFIX, Me, Visit, WebApp, WebProblem, in_scope_units, officer_visit
from core import initiatives as service
from core.errors import DomainError
from core.initiatives import texts as words
from core.initiatives.models import Initiative, InitiativeEvent
from core.initiatives.rules import OPEN, Status
from core.members.models import Member, UnionUnit

STATUSES = frozenset(s.value for s in Status)
ACTIONS = ("review", "assign", "ask", "accept", "reject", "applied")


@dataclass(frozen=True)
class Row:
    item: Initiative
    unit: str
    assignee: str


@dataclass(frozen=True)
class Detail:
    item: Initiative
    unit: UnionUnit
    authors: str
    reward: service.Reward | None
    reward_problem: str | None
    officers: list[Member]
    events: list[InitiativeEvent]
    names: dict[int, str]


def register(router: APIRouter, web: WebApp) -> None:
    notifier = web.notifier

    def queue(s: Session, me: Me, status: str, unit_id: int | None, mine: bool):  # type: ignore[no-untyped-def]
        statuses = tuple(OPEN) if status == "open" else ((status,) if status in STATUSES else ())
        found = service.in_scope(s, actor=me.actor, statuses=statuses, limit=500)
        units = in_scope_units(s, me)
        names = {u.id: u.name for u in units}
        if unit_id is not None:
            chosen = next((u for u in units if u.id == unit_id), None)
            found = [
                i
                for i in found
                if chosen is not None and s.get(UnionUnit, i.unit_id).path.startswith(chosen.path)  # type: ignore[union-attr]
            ]
        if mine:
            found = [i for i in found if i.assignee_id == me.member_id]
        people = {
            m.id: m.full_name or ""
            for m in s.exec(
                select(Member).where(
                    col(Member.id).in_([i.assignee_id for i in found if i.assignee_id])
                )
            )
        }
        rows = [
            Row(i, names.get(i.unit_id, ""), people.get(i.assignee_id, "") if i.assignee_id else "")
            for i in found
        ]
        return rows, units

    @router.get("/initiatives")
    async def initiatives(
        request: Request, status: str = "open", unit: str = "", mine: str = ""
    ) -> Response:
        visit = await officer_visit(web, request)
        me = visit.me
        assert me is not None
        unit_id = int(unit) if unit.isdigit() else None
        rows, units = await visit.db(lambda s: queue(s, me, status, unit_id, bool(mine)))
        return visit.render(
            "initiatives.html",
            rows=rows,
            units=units,
            chosen=status,
            unit_id=unit_id,
            mine=bool(mine),
            statuses=[s.value for s in Status if s != Status.DRAFT],
            label=lambda v: words.status(visit.t, v),
        )

    def detail(s: Session, me: Me, initiative_id: int, visit: Visit) -> Detail:
        item = service.get(s, actor=me.actor, initiative_id=initiative_id)
        unit = s.get(UnionUnit, item.unit_id)
        assert unit is not None
        reward, why = None, None
        if item.status in OPEN:
            today = visit.now.astimezone(ZoneInfo(web.settings.timezone)).date()
            try:
                reward = service.compute_reward(s, item=item, on=today)
            except DomainError as err:
                why = visit.problem(err)
        events = list(
            s.exec(
                select(InitiativeEvent)
                .where(InitiativeEvent.initiative_id == item.id)
                .order_by(col(InitiativeEvent.id))
            )
        )
        officers = service.officers_for_assignment(s, item=item)
        names = {m.id: m.full_name or "" for _a, m in service.authors_of(s, initiative_id=item.id)}  # type: ignore[arg-type]
        names.update({m.id: m.full_name or "" for m in officers})  # type: ignore[misc]
        return Detail(
            item,
            unit,
            service.author_names(s, initiative_id=item.id),  # type: ignore[arg-type]
            reward,
            why,
            officers,
            events,
            names,  # type: ignore[arg-type]
        )

    async def show(
        visit: Visit, initiative_id: int, *, status: int = 200, error: str | None = None
    ):  # type: ignore[no-untyped-def]
        me = visit.me
        assert me is not None
        data = await visit.db(lambda s: detail(s, me, initiative_id, visit))
        t = visit.t
        return visit.render(
            "initiative.html",
            status=status,
            d=data,
            error=error,
            done=visit.request.query_params.get("done"),
            open_=data.item.status in OPEN,
            status_label=words.status(t, data.item.status),
            category=words.category(t, data.item.category),
            benefit=words.benefit(t, data.item.benefit_kind, data.item.benefit_amount),
            label=lambda v: words.status(t, v) if v in Status.__members__.values() else v,
        )

    @router.get("/initiatives/{initiative_id}")
    async def initiative(request: Request, initiative_id: int) -> Response:
        return await show(await officer_visit(web, request), initiative_id)

    @router.post("/initiatives/{initiative_id}/{action}")
    async def decide(request: Request, initiative_id: int, action: str) -> Response:
        visit = await officer_visit(web, request)
        form = await visit.form()
        if action not in ACTIONS:
            raise WebProblem(404, "not_found")
        actor, now = visit.actor, visit.now

        def work(s: Session) -> None:
            common = {"actor": actor, "initiative_id": initiative_id, "notifier": notifier}
            if action == "review":
                service.start_review(s, now=now, **common)
            elif action == "assign":
                service.assign(s, assignee_id=forms.integer(form, "assignee"), now=now, **common)
            elif action == "ask":
                service.ask_info(s, question=forms.text(form, "question"), now=now, **common)
            elif action == "accept":
                service.accept(s, now=now, **common)
            elif action == "reject":
                service.reject(s, reason=forms.text(form, "reason"), now=now, **common)
            else:
                service.mark_applied(s, now=now, **common)

        try:
            await visit.db(work)
        except WebProblem as problem:
            if problem.status == 404:
                raise
            return await show(
                visit, initiative_id, status=problem.status, error=visit.problem(problem.err)
            )
        web.runtime.outbox_ready.set()
        return visit.redirect(f"{PREFIX}/initiatives/{initiative_id}?done={action}")

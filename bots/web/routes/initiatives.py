"""The initiatives review queue: filter, open, assign, ask for information, accept with the
reward from the unit's band table, reject with a reason, mark as applied: one route per
decision, each posted by its own form on the initiative's page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter
from fastapi.responses import Response
from sqlmodel import Session, col, select

from bots.web import forms, problems
from bots.web.context import PREFIX, Me, Refused, Visit, WebApp, WebProblem
from bots.web.deps import CurrentMe, OfficerVisit, PostedForm, Web, WebSettings
from bots.web.unitpicker import UnitPicker, picker
from core import initiatives as service
from core.campaigns.models import Campaign
from core.errors import DomainError
from core.i18n import Translator
from core.initiatives import attachments
from core.initiatives import texts as words
from core.initiatives.models import Initiative, InitiativeAttachment, InitiativeEvent
from core.initiatives.rules import OPEN, Status
from core.members.labels import name_of
from core.members.models import Member, UnionUnit
from core.organisation import picking

router = APIRouter()
STATUSES = frozenset(s.value for s in Status)
# Shown in the page; any other file is downloaded, never opened on the desk's origin.
PICTURES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})
# One decision: the service call, given the transaction and the arguments every one takes
# (actor, initiative_id, notifier, now).
Decision = Callable[[Session, dict[str, Any]], object]


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
    files: list[InitiativeAttachment]  # the photos and files the authors sent
    campaign: str | None  # the title of the campaign it was sent for


def _within(s: Session, found: list[Initiative], chosen: UnionUnit | None) -> list[Initiative]:
    """The initiatives of the chosen unit and the units below it."""
    if chosen is None:
        return []
    units = {i.unit_id: s.get(UnionUnit, i.unit_id) for i in found}
    return [
        i for i in found if (u := units[i.unit_id]) is not None and u.path.startswith(chosen.path)
    ]


def queue(
    s: Session, me: Me, status: str, unit: str, unit_q: str, mine: bool
) -> tuple[list[Row], UnitPicker]:
    """The initiatives with that status, of the unit chosen (without one: of all the
    officer's units), with the picker that chooses it."""
    statuses = tuple(OPEN) if status == "open" else ((status,) if status in STATUSES else ())
    found = service.in_scope(s, actor=me.actor, statuses=statuses, limit=500)
    keep = {"status": status, "mine": "1" if mine else ""}
    chooser = picker(s, me, action=f"{PREFIX}/initiatives", unit=unit, q=unit_q, keep=keep)
    if unit:
        found = _within(s, found, chooser.chosen)
    names = picking.names_of(s, {i.unit_id for i in found})
    if mine:
        found = [i for i in found if i.assignee_id == me.member_id]
    assignees = [i.assignee_id for i in found if i.assignee_id]
    people = {
        m.id: m.full_name or "" for m in s.exec(select(Member).where(col(Member.id).in_(assignees)))
    }
    rows = [
        Row(i, names.get(i.unit_id, ""), people.get(i.assignee_id, "") if i.assignee_id else "")
        for i in found
    ]
    return rows, chooser


def _reward(
    s: Session, item: Initiative, today: date, t: Translator
) -> tuple[service.Reward | None, str | None]:
    """What accepting would give today, or why the band table cannot say."""
    if item.status not in OPEN:
        return None, None
    try:
        return service.compute_reward(s, item=item, on=today), None
    except DomainError as err:
        return None, problems.text(t, err)


def detail(s: Session, me: Me, initiative_id: int, today: date, t: Translator) -> Detail:
    item = service.get(s, actor=me.actor, initiative_id=initiative_id)
    unit = s.get(UnionUnit, item.unit_id)
    assert unit is not None and item.id is not None
    reward, why = _reward(s, item, today, t)
    events = list(
        s.exec(
            select(InitiativeEvent)
            .where(InitiativeEvent.initiative_id == item.id)
            .order_by(col(InitiativeEvent.id))
        )
    )
    officers = service.officers_for_assignment(s, item=item)
    names = {m.id: name_of(t, m) for _a, m in service.authors_of(s, initiative_id=item.id)}
    names.update({m.id: name_of(t, m) for m in officers})
    # who else acted on it: officers since gone (a former union chair ...), other reviewers
    others = {e.actor_id for e in events if e.actor_id is not None and e.actor_id not in names}
    names.update(
        {m.id: name_of(t, m) for m in s.exec(select(Member).where(col(Member.id).in_(others)))}
    )
    authors = service.author_names(s, initiative_id=item.id, t=t)
    files = service.attachments_of(s, initiative_id=item.id)
    campaign = s.get(Campaign, item.campaign_id) if item.campaign_id else None
    title = campaign.title if campaign else None
    return Detail(item, unit, authors, reward, why, officers, events, names, files, title)  # type: ignore[arg-type]


async def show(
    visit: Visit, me: Me, initiative_id: int, refused: Refused | None = None
) -> Response:
    """The initiative's page (again, with the refusal, when a decision was not taken)."""
    tz = visit.web.settings.timezone
    today = visit.now.astimezone(ZoneInfo(tz)).date()
    t = visit.t
    data = await visit.db(lambda s: detail(s, me, initiative_id, today, t))
    item = data.item
    return visit.render(
        "initiative.html",
        status=refused.status if refused else 200,
        d=data,
        error=refused.message if refused else None,
        done=visit.request.query_params.get("done"),
        open_=item.status in OPEN,
        status_label=words.status(t, item.status),
        category=words.category(t, item.category),
        benefit=words.benefit(t, item.benefit_kind, item.benefit_amount),
        label=lambda v: words.status(t, v) if v in Status.__members__.values() else v,
        pictures=PICTURES,
    )


async def decide(
    visit: Visit, web: WebApp, me: Me, initiative_id: int, done: str, decision: Decision
) -> Response:
    """Take one decision in one transaction; the authors are told through the outbox."""
    common = {
        "actor": me.actor,
        "initiative_id": initiative_id,
        "notifier": web.notifier,
        "now": visit.now,
    }
    outcome = await visit.attempt(lambda s: decision(s, common))
    if isinstance(outcome, Refused):
        return await show(visit, me, initiative_id, outcome)
    web.runtime.outbox_ready.set()
    return visit.redirect(f"{PREFIX}/initiatives/{initiative_id}?done={done}")


@router.get("/initiatives")
async def initiatives(
    visit: OfficerVisit,
    me: CurrentMe,
    status: str = "open",
    unit: str = "",
    unit_q: str = "",
    mine: str = "",
) -> Response:
    unit = unit if unit.isdigit() else ""
    rows, chooser = await visit.db(lambda s: queue(s, me, status, unit, unit_q, bool(mine)))
    return visit.render(
        "initiatives.html",
        rows=rows,
        picker=chooser,
        chosen=status,
        unit=unit,
        mine=bool(mine),
        statuses=[s.value for s in Status if s != Status.DRAFT],
        label=lambda v: words.status(visit.t, v),
    )


@router.get("/initiatives/{initiative_id}")
async def initiative(initiative_id: int, visit: OfficerVisit, me: CurrentMe) -> Response:
    return await show(visit, me, initiative_id)


def file_of(s: Session, me: Me, initiative_id: int, file_id: int, root: Path) -> FileOut:
    service.get(s, actor=me.actor, initiative_id=initiative_id)
    row = s.get(InitiativeAttachment, file_id)
    path = (
        attachments.stored_file(root, row) if row and row.initiative_id == initiative_id else None
    )
    if row is None or path is None:
        raise WebProblem(404, "not_found")
    return FileOut(path.read_bytes(), row.mime or "application/octet-stream", row.name or path.name)


@dataclass(frozen=True)
class FileOut:
    data: bytes
    mime: str
    name: str


@router.get("/initiatives/{initiative_id}/files/{file_id}")
async def initiative_file(
    initiative_id: int, file_id: int, visit: OfficerVisit, me: CurrentMe, settings: WebSettings
) -> Response:
    """A photo or file the authors sent, to the officers whose units cover the initiative:
    a photo shown in the page, any other file downloaded."""
    root = settings.attachments_dir
    got = await visit.db(lambda s: file_of(s, me, initiative_id, file_id, root))
    shown = got.mime in PICTURES
    safe = "".join(c for c in got.name if c.isascii() and (c.isalnum() or c in "._-")) or "file"
    how = "inline" if shown else "attachment"
    media = got.mime if shown else "application/octet-stream"
    headers = {"Content-Disposition": f'{how}; filename="{safe}"'}
    return visit.finish(Response(got.data, media_type=media, headers=headers))


@router.post("/initiatives/{initiative_id}/review")
async def start_review(
    initiative_id: int, visit: OfficerVisit, me: CurrentMe, _form: PostedForm, web: Web
) -> Response:
    return await decide(
        visit, web, me, initiative_id, "review", lambda s, c: service.start_review(s, **c)
    )


@router.post("/initiatives/{initiative_id}/assign")
async def assign(
    initiative_id: int, visit: OfficerVisit, me: CurrentMe, form: PostedForm, web: Web
) -> Response:
    def decision(s: Session, common: dict[str, Any]) -> object:
        return service.assign(s, assignee_id=forms.integer(form, "assignee"), **common)

    return await decide(visit, web, me, initiative_id, "assign", decision)


@router.post("/initiatives/{initiative_id}/ask")
async def ask(
    initiative_id: int, visit: OfficerVisit, me: CurrentMe, form: PostedForm, web: Web
) -> Response:
    def decision(s: Session, common: dict[str, Any]) -> object:
        return service.ask_info(s, question=forms.text(form, "question"), **common)

    return await decide(visit, web, me, initiative_id, "ask", decision)


@router.post("/initiatives/{initiative_id}/accept")
async def accept(
    initiative_id: int, visit: OfficerVisit, me: CurrentMe, _form: PostedForm, web: Web
) -> Response:
    return await decide(
        visit, web, me, initiative_id, "accept", lambda s, c: service.accept(s, **c)
    )


@router.post("/initiatives/{initiative_id}/reject")
async def reject(
    initiative_id: int, visit: OfficerVisit, me: CurrentMe, form: PostedForm, web: Web
) -> Response:
    def decision(s: Session, common: dict[str, Any]) -> object:
        return service.reject(s, reason=forms.text(form, "reason"), **common)

    return await decide(visit, web, me, initiative_id, "reject", decision)


@router.post("/initiatives/{initiative_id}/applied")
async def applied(
    initiative_id: int, visit: OfficerVisit, me: CurrentMe, _form: PostedForm, web: Web
) -> Response:
    return await decide(
        visit, web, me, initiative_id, "applied", lambda s, c: service.mark_applied(s, **c)
    )

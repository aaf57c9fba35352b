"""Admin API for initiatives, reward tables, commendations and their reports.

Same bearer tokens as the campaign API (bots/api/routes.py): an officer's token acts within the
officer's units, THIDUA_ADMIN_TOKEN on all. Anything outside the caller's scope is 403 and is
logged (by `api_error_handler`). Every decision tells the authors through the outbox in the
same transaction, exactly as the buttons in chat do.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Literal, TypeVar
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlmodel import Session

from bots.api.routes import ApiError, Caller, in_transaction
from bots.bootstrap import Runtime
from core.campaigns.scope import Actor
from core.commendations import service as commendations
from core.commendations.models import Commendation, CommendationStatus
from core.initiatives import attachments, rules, service
from core.initiatives.models import Initiative, InitiativeAttachment
from core.initiatives.notify import Notifier
from core.initiatives.rules import Band, Status
from core.members.models import UnionUnit
from core.reports import export
from core.reports.service import Period, commendation_shares, initiatives_by_status

T = TypeVar("T")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"


class AuthorOut(BaseModel):
    member_id: int
    name: str
    share_vnd: int | None
    share_points: int | None


class AttachmentOut(BaseModel):
    """What an officer of the unit may know of a file; where it is stored is never told."""

    id: int
    kind: str
    name: str | None
    mime: str | None
    size: int | None
    status: str
    problem: str | None


class EventOut(BaseModel):
    status: str
    actor_id: int | None
    note: str | None
    created_at: datetime


class InitiativeOut(BaseModel):
    id: int
    code: str | None
    unit_id: int
    status: str
    title: str
    category: str | None
    benefit_kind: str | None
    benefit_amount: int | None
    campaign_id: int | None
    hide_name: bool
    assignee_id: int | None
    submitted_at: datetime | None
    status_changed_at: datetime
    benefit_vnd: int | None = Field(description="the benefit the band was read with")
    reward_vnd: int | None
    reward_points: int | None
    reject_reason: str | None
    info_request: str | None


class InitiativeDetail(InitiativeOut):
    problem: str
    solution: str
    authors: list[AuthorOut]
    attachments: list[AttachmentOut]
    history: list[EventOut]


class AssignIn(BaseModel):
    assignee_id: int


class QuestionIn(BaseModel):
    question: str = Field(min_length=1, max_length=service.MAX_TEXT)


class ReasonIn(BaseModel):
    reason: str = Field(min_length=1, max_length=service.MAX_TEXT)


class RewardOut(BaseModel):
    benefit_vnd: int
    reward_vnd: int
    points: int
    table_id: int
    shares: list[dict[str, int]]


class AcceptOut(BaseModel):
    initiative: InitiativeOut
    reward: RewardOut


class BandIn(BaseModel):
    min_vnd: int = Field(ge=0)
    max_vnd: int | None = Field(default=None, ge=0, description="excluded; null: no upper end")
    reward_vnd: int = Field(ge=0)
    points: int = Field(ge=0)


class RewardTableIn(BaseModel):
    effective_from: date
    vnd_per_hour: int = Field(default=0, ge=0, description="the value of one working hour saved")
    bands: list[BandIn] = Field(min_length=1, max_length=rules.MAX_BANDS)


class RewardTableOut(BaseModel):
    id: int
    unit_id: int = Field(description="the unit whose table it is (maybe an ancestor)")
    effective_from: date
    vnd_per_hour: int
    bands: list[BandIn]


class NominationIn(BaseModel):
    unit_id: int
    member_ids: list[int] = Field(min_length=1, max_length=50)
    team_name: str | None = Field(default=None, max_length=120)
    reason: str = Field(min_length=1, max_length=commendations.MAX_REASON)
    adhoc: bool = Field(default=False, description="khen thưởng đột xuất")


class ApproveIn(BaseModel):
    points: int = Field(default=commendations.DEFAULT_POINTS, ge=0, le=100_000)


class CommendationOut(BaseModel):
    id: int
    unit_id: int
    team_name: str | None
    reason: str
    adhoc: bool
    status: str
    by_officer: bool
    points: int
    member_ids: list[int]
    decided_at: datetime | None
    reject_reason: str | None


def _initiative_out(item: Initiative) -> InitiativeOut:
    return InitiativeOut(
        id=item.id,  # type: ignore[arg-type]
        code=item.code,
        unit_id=item.unit_id,
        status=item.status,
        title=item.title,
        category=item.category,
        benefit_kind=item.benefit_kind,
        benefit_amount=item.benefit_amount,
        campaign_id=item.campaign_id,
        hide_name=item.hide_name,
        assignee_id=item.assignee_id,
        submitted_at=item.submitted_at,
        status_changed_at=item.status_changed_at,
        benefit_vnd=item.benefit_vnd,
        reward_vnd=item.reward_vnd,
        reward_points=item.reward_points,
        reject_reason=item.reject_reason,
        info_request=item.info_request,
    )


def _detail(session: Session, item: Initiative) -> InitiativeDetail:
    assert item.id is not None
    return InitiativeDetail(
        **_initiative_out(item).model_dump(),
        problem=item.problem,
        solution=item.solution,
        authors=[
            AuthorOut(
                member_id=m.id,  # type: ignore[arg-type]
                name=m.full_name or "",
                share_vnd=a.share_vnd,
                share_points=a.share_points,
            )
            for a, m in service.authors_of(session, initiative_id=item.id)
        ],
        attachments=[
            AttachmentOut(
                id=f.id,  # type: ignore[arg-type]
                kind=f.kind,
                name=f.name,
                mime=f.mime,
                size=f.size,
                status=f.status,
                problem=f.problem,
            )
            for f in service.attachments_of(session, initiative_id=item.id)
        ],
        history=[
            EventOut(status=e.status, actor_id=e.actor_id, note=e.note, created_at=e.created_at)
            for e in service.history_of(session, initiative_id=item.id)
        ],
    )


def _commendation_out(session: Session, item: Commendation) -> CommendationOut:
    return CommendationOut(
        id=item.id,  # type: ignore[arg-type]
        unit_id=item.unit_id,
        team_name=item.team_name,
        reason=item.reason,
        adhoc=item.adhoc,
        status=item.status,
        by_officer=item.by_officer,
        points=item.points,
        member_ids=[
            m.id  # type: ignore[misc]
            for m in commendations.commended(session, commendation_id=item.id)  # type: ignore[arg-type]
        ],
        decided_at=item.decided_at,
        reject_reason=item.reject_reason,
    )


def _table_out(session: Session, table_id: int) -> RewardTableOut:
    table = service.table_by_id(session, table_id=table_id)
    return RewardTableOut(
        id=table_id,
        unit_id=table.unit_id,
        effective_from=table.effective_from,
        vnd_per_hour=table.vnd_per_hour,
        bands=[
            BandIn(min_vnd=b.min_vnd, max_vnd=b.max_vnd, reward_vnd=b.reward_vnd, points=b.points)
            for b in service.bands_of(session, table_id=table_id)
        ],
    )


def make_router(runtime: Runtime) -> APIRouter:
    router = APIRouter(prefix="/api/v1", tags=["initiatives"])
    notifier = Notifier(runtime.catalogs, runtime.processor.config)
    timezone = runtime.settings.timezone

    async def run(work: Callable[[Session], T]) -> T:
        return await in_transaction(runtime, work)

    async def decide(who: Actor, initiative_id: int, work: Callable[[Session], T]) -> T:
        """A decision on one initiative: 403 outside the caller's scope, then the work, then
        the delivery loop is woken for the authors' messages."""

        def scoped(session: Session) -> T:
            service.get(session, actor=who, initiative_id=initiative_id, forbid=True)
            return work(session)

        result = await run(scoped)
        runtime.outbox_ready.set()
        return result

    @router.get("/initiatives", response_model=list[InitiativeOut])
    async def list_initiatives(
        who: Caller,
        status: Annotated[list[Status] | None, Query()] = None,
        unit_id: int | None = None,
        after_id: Annotated[int, Query(ge=0)] = 0,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
    ) -> list[InitiativeOut]:
        """Sent initiatives in the caller's units, oldest first; filter by status (repeat the
        parameter) and by a unit's subtree; page with `after_id` (the last id received)."""

        def work(s: Session) -> list[InitiativeOut]:
            within = who.require_unit(s, unit_id) if unit_id is not None else None
            found = service.in_scope(
                s,
                actor=who,
                statuses=tuple(str(v) for v in status or ()),
                within=within,
                after_id=after_id,
                limit=limit,
            )
            return [_initiative_out(i) for i in found]

        return await run(work)

    @router.get("/initiatives/{initiative_id}", response_model=InitiativeDetail)
    async def show_initiative(initiative_id: int, who: Caller) -> InitiativeDetail:
        def work(s: Session) -> InitiativeDetail:
            item = service.get(s, actor=who, initiative_id=initiative_id, forbid=True)
            return _detail(s, item)

        return await run(work)

    @router.get(
        "/initiatives/{initiative_id}/attachments/{attachment_id}",
        responses={200: {"content": {"application/octet-stream": {}}}},
    )
    async def download_attachment(initiative_id: int, attachment_id: int, who: Caller) -> Response:
        """The bytes of a stored file, to officers whose units cover the initiative (403 for
        anyone else). Files not fetched yet or refused: 404."""
        root = runtime.settings.attachments_dir

        def work(s: Session) -> tuple[bytes, str, str]:
            service.get(s, actor=who, initiative_id=initiative_id, forbid=True)
            row = s.get(InitiativeAttachment, attachment_id)
            if row is None or row.initiative_id != initiative_id:
                raise ApiError(404, "attachment_unknown")
            path = attachments.stored_file(root, row)
            if path is None:
                raise ApiError(404, "attachment_not_stored")
            name = row.name or path.name
            return path.read_bytes(), row.mime or "application/octet-stream", name

        data, mime, name = await run(work)
        safe = (
            "".join(ch for ch in name if ch.isascii() and (ch.isalnum() or ch in "._-")) or "file"
        )
        return Response(
            content=data,
            media_type=mime,
            headers={"Content-Disposition": f'attachment; filename="{safe}"'},
        )

    @router.post("/initiatives/{initiative_id}/assign", response_model=InitiativeOut)
    async def assign(initiative_id: int, body: AssignIn, who: Caller) -> InitiativeOut:
        now = runtime.clock.now()
        item = await decide(
            who,
            initiative_id,
            lambda s: service.assign(
                s,
                actor=who,
                initiative_id=initiative_id,
                assignee_id=body.assignee_id,
                notifier=notifier,
                now=now,
            ),
        )
        return _initiative_out(item)

    @router.post("/initiatives/{initiative_id}/ask", response_model=InitiativeOut)
    async def ask_info(initiative_id: int, body: QuestionIn, who: Caller) -> InitiativeOut:
        """Ask the authors for information; they answer in chat."""
        now = runtime.clock.now()
        item = await decide(
            who,
            initiative_id,
            lambda s: service.ask_info(
                s,
                actor=who,
                initiative_id=initiative_id,
                question=body.question,
                notifier=notifier,
                now=now,
            ),
        )
        return _initiative_out(item)

    @router.post("/initiatives/{initiative_id}/accept", response_model=AcceptOut)
    async def accept(initiative_id: int, who: Caller) -> AcceptOut:
        """Accept: the reward comes from the band of the table in force today, split among
        the authors, written to the ledger once. A second acceptance is 409."""
        now = runtime.clock.now()
        item, reward = await decide(
            who,
            initiative_id,
            lambda s: service.accept(
                s, actor=who, initiative_id=initiative_id, notifier=notifier, now=now
            ),
        )
        return AcceptOut(
            initiative=_initiative_out(item),
            reward=RewardOut(
                benefit_vnd=reward.benefit_vnd,
                reward_vnd=reward.reward_vnd,
                points=reward.points,
                table_id=reward.table_id,
                shares=[
                    {"member_id": m, "vnd": vnd, "points": pts} for m, vnd, pts in reward.shares
                ],
            ),
        )

    @router.post("/initiatives/{initiative_id}/reject", response_model=InitiativeOut)
    async def reject(initiative_id: int, body: ReasonIn, who: Caller) -> InitiativeOut:
        now = runtime.clock.now()
        item = await decide(
            who,
            initiative_id,
            lambda s: service.reject(
                s,
                actor=who,
                initiative_id=initiative_id,
                reason=body.reason,
                notifier=notifier,
                now=now,
            ),
        )
        return _initiative_out(item)

    @router.post("/initiatives/{initiative_id}/applied", response_model=InitiativeOut)
    async def mark_applied(initiative_id: int, who: Caller) -> InitiativeOut:
        now = runtime.clock.now()
        item = await decide(
            who,
            initiative_id,
            lambda s: service.mark_applied(
                s, actor=who, initiative_id=initiative_id, notifier=notifier, now=now
            ),
        )
        return _initiative_out(item)

    @router.get("/units/{unit_id}/reward-table", response_model=RewardTableOut)
    async def get_reward_table(unit_id: int, who: Caller, on: date | None = None) -> RewardTableOut:
        """The table in force for the unit on a day (today when absent): the unit's own, else
        that of the nearest ancestor that has one. 404 when none is in force."""
        day = on or runtime.clock.now().astimezone(ZoneInfo(timezone)).date()

        def work(s: Session) -> RewardTableOut:
            who.require_unit(s, unit_id)
            table = service.table_in_force(s, unit_id=unit_id, on=day)
            if table is None:
                raise ApiError(404, "reward_table_missing")
            return _table_out(s, table.id)  # type: ignore[arg-type]

        return await run(work)

    @router.put("/units/{unit_id}/reward-table", response_model=RewardTableOut)
    async def set_reward_table(unit_id: int, body: RewardTableIn, who: Caller) -> RewardTableOut:
        """Set the unit's table from its collective labour agreement, in force from
        `effective_from` (a table of the same date is replaced). Overlapping, empty or
        negative bands: 422 with the code."""
        now = runtime.clock.now()
        bands = [Band(b.min_vnd, b.max_vnd, b.reward_vnd, b.points) for b in body.bands]

        def work(s: Session) -> RewardTableOut:
            table = service.set_reward_table(
                s,
                actor=who,
                unit_id=unit_id,
                effective_from=body.effective_from,
                bands=bands,
                vnd_per_hour=body.vnd_per_hour,
                now=now,
            )
            return _table_out(s, table.id)  # type: ignore[arg-type]

        return await run(work)

    @router.get("/commendations", response_model=list[CommendationOut])
    async def list_commendations(
        who: Caller,
        status: Annotated[list[CommendationStatus] | None, Query()] = None,
        after_id: Annotated[int, Query(ge=0)] = 0,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
    ) -> list[CommendationOut]:
        def work(s: Session) -> list[CommendationOut]:
            found = commendations.in_scope(
                s,
                actor=who,
                statuses=tuple(str(v) for v in status or ()),
                after_id=after_id,
                limit=limit,
            )
            return [_commendation_out(s, c) for c in found]

        return await run(work)

    @router.post("/commendations", response_model=CommendationOut, status_code=201)
    async def nominate(body: NominationIn, who: Caller) -> CommendationOut:
        """A direct nomination by an officer of the unit (a team when `team_name` is given,
        with two members or more). It still waits for an approval."""
        now = runtime.clock.now()

        def work(s: Session) -> CommendationOut:
            item = commendations.officer_nominate(
                s,
                actor=who,
                unit_id=body.unit_id,
                member_ids=body.member_ids,
                reason=body.reason,
                now=now,
                team_name=body.team_name,
                adhoc=body.adhoc,
                notifier=notifier,
            )
            return _commendation_out(s, item)

        result = await run(work)
        runtime.outbox_ready.set()
        return result

    @router.post("/commendations/{commendation_id}/approve", response_model=CommendationOut)
    async def approve(commendation_id: int, body: ApproveIn, who: Caller) -> CommendationOut:
        """Approve: points to each person commended (once), the people told, the unit told
        (naming only those who agreed)."""
        now = runtime.clock.now()

        def work(s: Session) -> CommendationOut:
            item = commendations.approve(
                s,
                actor=who,
                commendation_id=commendation_id,
                notifier=notifier,
                now=now,
                award_points=body.points,
            )
            return _commendation_out(s, item)

        result = await run(work)
        runtime.outbox_ready.set()
        return result

    @router.post("/commendations/{commendation_id}/reject", response_model=CommendationOut)
    async def reject_commendation(
        commendation_id: int, body: ReasonIn, who: Caller
    ) -> CommendationOut:
        now = runtime.clock.now()

        def work(s: Session) -> CommendationOut:
            item = commendations.reject(
                s,
                actor=who,
                commendation_id=commendation_id,
                reason=body.reason,
                now=now,
                notifier=notifier,
            )
            return _commendation_out(s, item)

        result = await run(work)
        runtime.outbox_ready.set()
        return result

    @router.get(
        "/reports/{kind}",
        responses={200: {"content": {"text/csv": {}, XLSX: {}, "application/json": {}}}},
    )
    async def report(
        kind: Literal["initiatives", "commendations"],
        who: Caller,
        start: Annotated[date, Query(alias="from")],
        end: Annotated[date, Query(alias="to")],
        unit_id: int | None = None,
        format: Literal["csv", "xlsx", "json"] = "csv",
    ) -> Response:
        """Initiatives by unit and status (with the accepted benefit and the rewards), or the
        commendation shares (direct production workers, staff without a leadership post), for
        the caller's units or one unit's subtree, over local dates `from`..`to` (included)."""
        if end < start:
            raise ApiError(422, "period_reversed")
        period = Period(start, end, timezone)

        def work(s: Session) -> tuple[list[str], list[list[object]]]:
            within: UnionUnit | None = who.require_unit(s, unit_id) if unit_id else None
            if kind == "initiatives":
                rows = initiatives_by_status(s, actor=who, period=period, within=within)
                return export.INITIATIVE_HEADER, export.initiative_rows(rows)
            shares = commendation_shares(s, actor=who, period=period, within=within)
            return export.SHARE_HEADER, export.share_rows(shares)

        header, rows = await run(work)
        name = f"{kind}_{start.isoformat()}_{end.isoformat()}"
        if format == "json":
            return Response(content=export.to_json(header, rows), media_type="application/json")
        if format == "xlsx":
            return Response(
                content=export.to_xlsx({kind: (header, rows)}),
                media_type=XLSX,
                headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
            )
        return Response(
            content=export.to_csv(header, rows),
            media_type=CSV,
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )

    return router

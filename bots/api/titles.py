"""Admin API: titles and commendation forms (issue #17). Each union level's definitions with
their thresholds (officers of the level edit them; a level with none takes the standard set);
a closed campaign's proposals (thidua's, run again until confirmed), the officers' amendments
with a reason, the confirmation (once) and the council's XLSX. Thresholds travel as decimal
strings, never as floats."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field
from sqlmodel import Session

from bots.api.deps import ApiDep, Caller
from core.emulation import title_defs, title_export, title_proposals, title_texts
from core.emulation.title_defaults import Form, Level, Subject
from core.emulation.title_models import TitleDefinition
from core.emulation.titles import Title
from core.members.labels import name_of

router = APIRouter(prefix="/api/v1", tags=["titles"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class DefinitionIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    subject: Subject
    form: Form
    level: Level = Field(description="who issues it (cấp khen)")
    min_score: Decimal | None = Field(default=None, description="% of the points at target")
    min_share: Decimal | None = Field(default=None, description="% reached on every criterion")
    all_targets: bool = Field(default=False, description="every pledged (or set) target met")
    max_rank: int | None = Field(default=None, description="ranked this or better")
    pledge_title: Title | None = Field(default=None, description="a person pledged this or more")

    def data(self) -> title_defs.DefinitionInput:
        return title_defs.DefinitionInput(**self.model_dump())


class DefinitionOut(DefinitionIn):
    id: int
    owner_unit_id: int
    position: int
    thresholds: str = Field(description="what it asks, in the union's language")


class ChangeOut(BaseModel):
    action: str
    before: str | None
    after: str | None
    reason: str
    changed_by: int | None
    changed_at: datetime


class ProposalOut(BaseModel):
    id: int
    title_id: int
    title: str
    subject: str
    form: str
    level: str
    member_id: int | None
    name: str = Field(description="the person's name (a former member's is not shown)")
    unit_id: int
    unit: str
    score: Decimal | None
    rank: int | None
    summary: str
    origin: str = Field(description="thidua or officer")
    status: str = Field(description="proposed, removed or confirmed")
    commendation_id: int | None
    changes: list[ChangeOut]


class BoardOut(BaseModel):
    campaign_id: int
    proposed_at: datetime | None
    confirmed_at: datetime | None
    proposals: list[ProposalOut]
    nobody: list[str] = Field(description="a line for each title nobody meets")


class AddIn(BaseModel):
    title_id: int
    member_id: int | None = None
    unit_id: int | None = Field(default=None, description="a grassroots union, for a collective")
    reason: str = Field(min_length=1, max_length=500)


class RemoveIn(BaseModel):
    reason: str = Field(min_length=1, max_length=500)


class ChangeIn(BaseModel):
    title_id: int
    reason: str = Field(min_length=1, max_length=500)


def definition_out(row: TitleDefinition, api: ApiDep) -> DefinitionOut:
    return DefinitionOut(
        id=row.id,  # type: ignore[arg-type]
        owner_unit_id=row.owner_unit_id,
        position=row.position,
        name=row.name,
        subject=Subject(row.subject),
        form=Form(row.form),
        level=Level(row.level),
        min_score=row.min_score,
        min_share=row.min_share,
        all_targets=row.all_targets,
        max_rank=row.max_rank,
        pledge_title=Title(row.pledge_title) if row.pledge_title else None,
        thresholds=title_texts.thresholds(api.translator(), row),
    )


def board_out(found: title_proposals.Board, api: ApiDep) -> BoardOut:
    t = api.translator()
    return BoardOut(
        campaign_id=found.campaign.id,  # type: ignore[arg-type]
        proposed_at=found.round.proposed_at if found.round else None,
        confirmed_at=found.round.confirmed_at if found.round else None,
        proposals=[
            ProposalOut(
                id=x.proposal.id,  # type: ignore[arg-type]
                title_id=x.proposal.title_id,
                title=x.proposal.name,
                subject=x.proposal.subject,
                form=x.proposal.form,
                level=x.proposal.level,
                member_id=x.proposal.member_id,
                name=name_of(t, x.member) if x.member else x.unit.name,
                unit_id=x.unit.id,  # type: ignore[arg-type]
                unit=x.unit.name,
                score=x.proposal.score,
                rank=x.proposal.rank,
                summary=x.proposal.summary,
                origin=x.proposal.origin,
                status=x.proposal.status,
                commendation_id=x.proposal.commendation_id,
                changes=[
                    ChangeOut(**c.model_dump(include=set(ChangeOut.model_fields)))
                    for c, _who in x.changes
                ],
            )
            for x in found.lines
        ],
        nobody=[title_texts.nobody(t, d) for d in found.nobody],
    )


@router.get("/units/{unit_id}/titles", response_model=list[DefinitionOut])
async def unit_titles(unit_id: int, api: ApiDep, who: Caller) -> list[DefinitionOut]:
    """The titles and forms in force that the unit's level defines."""
    return await api.run(
        lambda s: [
            definition_out(r, api) for r in title_defs.of_unit(s, actor=who, unit_id=unit_id)[1]
        ]
    )


@router.post("/units/{unit_id}/titles", response_model=DefinitionOut, status_code=201)
async def add_title(unit_id: int, body: DefinitionIn, api: ApiDep, who: Caller) -> DefinitionOut:
    now = api.now()
    return await api.run(
        lambda s: definition_out(
            title_defs.add(s, actor=who, unit_id=unit_id, data=body.data(), now=now), api
        )
    )


@router.post(
    "/units/{unit_id}/titles/standard", response_model=list[DefinitionOut], status_code=201
)
async def standard_titles(unit_id: int, api: ApiDep, who: Caller) -> list[DefinitionOut]:
    """The standard set of the unit's level, for a unit with none in force (409 otherwise)."""
    now, t = api.now(), api.translator()
    return await api.run(
        lambda s: [
            definition_out(r, api)
            for r in title_defs.take_standard(s, actor=who, unit_id=unit_id, t=t, now=now)
        ]
    )


@router.put("/titles/{title_id}", response_model=DefinitionOut)
async def edit_title(title_id: int, body: DefinitionIn, api: ApiDep, who: Caller) -> DefinitionOut:
    now = api.now()
    return await api.run(
        lambda s: definition_out(
            title_defs.edit(s, actor=who, title_id=title_id, data=body.data(), now=now), api
        )
    )


@router.delete("/titles/{title_id}", status_code=204)
async def retire_title(title_id: int, api: ApiDep, who: Caller) -> Response:
    now = api.now()
    await api.run(lambda s: title_defs.retire(s, actor=who, title_id=title_id, now=now))
    return Response(status_code=204)


@router.get("/campaigns/{campaign_id}/titles", response_model=BoardOut)
async def campaign_titles(campaign_id: int, api: ApiDep, who: Caller) -> BoardOut:
    """Who is proposed for which title, with the amendments, and the titles nobody meets."""
    return await api.run(
        lambda s: board_out(title_proposals.board(s, actor=who, campaign_id=campaign_id), api)
    )


@router.post("/campaigns/{campaign_id}/titles/propose", response_model=BoardOut)
async def propose(campaign_id: int, api: ApiDep, who: Caller) -> BoardOut:
    """thidua's proposals for the closed campaign (409 campaign_not_closed, titles_confirmed)."""
    now, t, tz = api.now(), api.translator(), api.settings.timezone

    def work(s: Session) -> BoardOut:
        title_proposals.propose_titles(s, campaign_id, now, t=t, timezone=tz, actor=who)
        return board_out(title_proposals.board(s, actor=who, campaign_id=campaign_id), api)

    return await api.run(work)


@router.post(
    "/campaigns/{campaign_id}/titles/proposals", response_model=ProposalOut, status_code=201
)
async def add_proposal(campaign_id: int, body: AddIn, api: ApiDep, who: Caller) -> ProposalOut:
    """An officer's own candidate, with the reason."""
    now = api.now()

    def work(s: Session) -> ProposalOut:
        made = title_proposals.add(
            s,
            actor=who,
            campaign_id=campaign_id,
            title_id=body.title_id,
            reason=body.reason,
            now=now,
            member_id=body.member_id,
            unit_id=body.unit_id,
        )
        found = title_proposals.board(s, actor=who, campaign_id=campaign_id)
        return next(p for p in board_out(found, api).proposals if p.id == made.id)

    return await api.run(work)


async def _amended(api: ApiDep, who: Caller, work_row) -> ProposalOut:  # type: ignore[no-untyped-def]
    def work(s: Session) -> ProposalOut:
        row = work_row(s)
        found = title_proposals.board(s, actor=who, campaign_id=row.campaign_id)
        return next(p for p in board_out(found, api).proposals if p.id == row.id)

    return await api.run(work)


@router.post("/titles/proposals/{proposal_id}/remove", response_model=ProposalOut)
async def remove_proposal(
    proposal_id: int, body: RemoveIn, api: ApiDep, who: Caller
) -> ProposalOut:
    now = api.now()
    return await _amended(
        api,
        who,
        lambda s: title_proposals.remove(
            s, actor=who, proposal_id=proposal_id, reason=body.reason, now=now
        ),
    )


@router.post("/titles/proposals/{proposal_id}/change", response_model=ProposalOut)
async def change_proposal(
    proposal_id: int, body: ChangeIn, api: ApiDep, who: Caller
) -> ProposalOut:
    now = api.now()
    return await _amended(
        api,
        who,
        lambda s: title_proposals.change(
            s,
            actor=who,
            proposal_id=proposal_id,
            title_id=body.title_id,
            reason=body.reason,
            now=now,
        ),
    )


@router.post("/campaigns/{campaign_id}/titles/confirm", response_model=BoardOut)
async def confirm(campaign_id: int, api: ApiDep, who: Caller) -> BoardOut:
    """The list confirmed, once (409 titles_confirmed the second time)."""
    now, t = api.now(), api.translator()

    def work(s: Session) -> BoardOut:
        title_proposals.confirm(
            s, actor=who, campaign_id=campaign_id, now=now, t=t, teller=api.notifier
        )
        return board_out(title_proposals.board(s, actor=who, campaign_id=campaign_id), api)

    result = await api.run(work)
    api.wake_delivery()
    return result


@router.get("/campaigns/{campaign_id}/titles.xlsx")
async def council_file(campaign_id: int, api: ApiDep, who: Caller) -> Response:
    """The confirmed list as the commendation council's workbook."""
    t = api.translator()
    body = await api.run(
        lambda s: title_export.workbook(s, actor=who, campaign_id=campaign_id, t=t)
    )
    return Response(
        body,
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="titles-{campaign_id}.xlsx"'},
    )

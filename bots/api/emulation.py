"""Admin API: a campaign's emulation criteria, and the ready-made templates to start from.
Figures (points, targets) travel as decimal strings ("0.02"), never as floats."""

from __future__ import annotations

from decimal import Decimal

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from bots.api.deps import ApiDep, Caller
from core.emulation import criteria as service
from core.emulation.models import EmulationCriterion
from core.emulation.rules import CriterionInput
from core.emulation.scoring import Kind
from core.emulation.templates import TEMPLATES, Frequency, Reporter

router = APIRouter(prefix="/api/v1", tags=["emulation"])


class CriterionIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    kind: Kind
    points: Decimal = Field(gt=0, le=1000, description="the most a unit earns at its target")
    reporter: Reporter
    frequency: Frequency
    measure: str = Field(default="", max_length=60, description="the unit of a number")
    target: Decimal | None = Field(default=None, description="per member when per_member")
    per_member: bool = False
    lower_is_better: bool = False
    evidence: bool = Field(default=False, description="a photo or file asked with each report")

    def data(self) -> CriterionInput:
        return CriterionInput(**self.model_dump())


class CriterionOut(CriterionIn):
    id: int
    campaign_id: int
    position: int
    version: int


class TemplateIn(BaseModel):
    key: str = Field(description="a key from GET /api/v1/emulation/templates")


class TemplateOut(BaseModel):
    key: str
    name: str
    criteria: list[CriterionIn]


def criterion_out(row: EmulationCriterion) -> CriterionOut:
    data = service.input_of(row)
    return CriterionOut(
        id=row.id,  # type: ignore[arg-type]
        campaign_id=row.campaign_id,
        position=row.position,
        version=row.version,
        **CriterionIn.model_validate(data, from_attributes=True).model_dump(),
    )


@router.get("/emulation/templates", response_model=list[TemplateOut])
async def list_templates(api: ApiDep, who: Caller) -> list[TemplateOut]:
    t = api.translator()
    return [
        TemplateOut(
            key=found.key,
            name=t.gettext(found.name),
            criteria=[
                CriterionIn.model_validate(d, from_attributes=True)
                for d in service.template_inputs(found, t)
            ],
        )
        for found in TEMPLATES
    ]


@router.get("/campaigns/{campaign_id}/criteria", response_model=list[CriterionOut])
async def list_criteria(campaign_id: int, api: ApiDep, who: Caller) -> list[CriterionOut]:
    _campaign, rows = await api.run(
        lambda s: service.of_campaign(s, actor=who, campaign_id=campaign_id)
    )
    return [criterion_out(r) for r in rows]


@router.post("/campaigns/{campaign_id}/criteria", response_model=CriterionOut, status_code=201)
async def add_criterion(
    campaign_id: int, body: CriterionIn, api: ApiDep, who: Caller
) -> CriterionOut:
    now = api.now()
    row = await api.run(
        lambda s: service.add(s, actor=who, campaign_id=campaign_id, data=body.data(), now=now)
    )
    return criterion_out(row)


@router.post(
    "/campaigns/{campaign_id}/criteria/from-template",
    response_model=list[CriterionOut],
    status_code=201,
)
async def criteria_from_template(
    campaign_id: int, body: TemplateIn, api: ApiDep, who: Caller
) -> list[CriterionOut]:
    """The template's criteria copied onto a campaign that has none, in the union's language."""
    now, t = api.now(), api.translator()
    rows = await api.run(
        lambda s: service.from_template(
            s, actor=who, campaign_id=campaign_id, key=body.key, t=t, now=now
        )
    )
    return [criterion_out(r) for r in rows]


@router.put("/criteria/{criterion_id}", response_model=CriterionOut)
async def edit_criterion(
    criterion_id: int, body: CriterionIn, api: ApiDep, who: Caller
) -> CriterionOut:
    """The criterion as given; after the launch this is its next version (a new id)."""
    now = api.now()
    row = await api.run(
        lambda s: service.edit(s, actor=who, criterion_id=criterion_id, data=body.data(), now=now)
    )
    return criterion_out(row)


@router.delete("/criteria/{criterion_id}", status_code=204)
async def remove_criterion(criterion_id: int, api: ApiDep, who: Caller) -> Response:
    now = api.now()
    await api.run(lambda s: service.remove(s, actor=who, criterion_id=criterion_id, now=now))
    return Response(status_code=204)

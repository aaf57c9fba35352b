"""A campaign's progress reports on the desk: for one period, who has reported (their figures
in force, late ones marked) and who has not; reminding the rest now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import Response
from sqlmodel import Session

from bots.web import forms
from bots.web.context import PREFIX, Me, Refused, Visit, WebProblem
from bots.web.deps import CurrentMe, OfficerVisit, PostedForm, Web, WebSettings
from core.campaigns import service as campaigns
from core.campaigns.models import Campaign
from core.emulation import evidence, report_calls, roll
from core.emulation.models import EmulationReport
from core.emulation.pledges import local_today
from core.emulation.report_texts import shown

router = APIRouter()
SHOWN = 500  # reporters listed on the page, those missing first; the admin API lists all


@dataclass(frozen=True)
class ReportsPage:
    campaign: Campaign
    periods: list[date]
    roll: roll.Roll | None


def load(s: Session, me: Me, campaign_id: int, today: date, asked: date | None) -> ReportsPage:
    campaign = campaigns.get(s, actor=me.actor, campaign_id=campaign_id)
    chosen = roll.chosen_due(campaign, s, today, asked)
    found = roll.roll_of(s, campaign, chosen) if chosen else None
    return ReportsPage(campaign, roll.due_dates(campaign, s), found)


def _asked(visit: Visit) -> date | None:
    raw = visit.request.query_params.get("due", "")
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


async def show(
    visit: Visit, me: Me, campaign_id: int, timezone: str, refused: Refused | None = None
) -> Response:
    today = local_today(visit.now, timezone)
    data = await visit.db(lambda s: load(s, me, campaign_id, today, _asked(visit)))
    return visit.render(
        "progress.html",
        status=refused.status if refused else 200,
        page=data,
        shown=shown,
        shown_max=SHOWN,
        error=refused.message if refused else None,
        reminded=visit.request.query_params.get("n"),
    )


@router.get("/campaigns/{campaign_id}/reports")
async def reports(
    campaign_id: int, visit: OfficerVisit, me: CurrentMe, settings: WebSettings
) -> Response:
    return await show(visit, me, campaign_id, settings.timezone)


@router.post("/campaigns/{campaign_id}/reports/remind")
async def remind(
    campaign_id: int,
    visit: OfficerVisit,
    me: CurrentMe,
    form: PostedForm,
    web: Web,
    settings: WebSettings,
) -> Response:
    now, timezone = visit.now, settings.timezone

    def work(s: Session) -> tuple[int, date]:
        due = forms.day(form, "due")
        if due is None:
            raise WebProblem(422, "bad_date")
        told = report_calls.remind_now(
            s,
            actor=me.actor,
            campaign_id=campaign_id,
            due_on=due,
            teller=web.notifier,
            now=now,
            timezone=timezone,
        )
        return told, due

    done = await visit.attempt(work)
    if isinstance(done, Refused):
        return await show(visit, me, campaign_id, timezone, done)
    web.runtime.outbox_ready.set()
    told, due = done
    return visit.redirect(f"{PREFIX}/campaigns/{campaign_id}/reports?due={due}&n={told}")


MIME = {"jpg": "image/jpeg", "png": "image/png", "gif": "image/gif", "webp": "image/webp"}


def evidence_of(s: Session, me: Me, report_id: int, root: Path) -> tuple[bytes, str]:
    row = s.get(EmulationReport, report_id)
    if row is None:
        raise WebProblem(404, "report_unknown")
    campaigns.get(s, actor=me.actor, campaign_id=row.campaign_id)
    path = evidence.stored_file(root, row)
    if path is None:
        raise WebProblem(404, "report_unknown")
    return path.read_bytes(), MIME.get(path.suffix.lstrip("."), "image/heic")


@router.get("/reports/{report_id}/evidence")
async def photo(
    report_id: int, visit: OfficerVisit, me: CurrentMe, settings: WebSettings
) -> Response:
    """A progress report's evidence photo, to officers whose units cover its campaign."""
    root = settings.attachments_dir
    data, media = await visit.db(lambda s: evidence_of(s, me, report_id, root))
    return visit.finish(Response(data, media_type=media))

"""A campaign's reviews on the desk (sơ kết, tổng kết): the list, a mid-term review made now
(announced to the members or not), the final review (made when the campaign closes; made here
for a campaign closed before there were reviews), a review's page with its charts, its
workbook (XLSX), and its announcement sent on request."""

from __future__ import annotations

import io
from dataclasses import dataclass

from fastapi import APIRouter
from fastapi.responses import Response
from markupsafe import Markup
from sqlmodel import Session

from bots.spreadsheets import XLSX
from bots.web.charts import bar_chart
from bots.web.context import PREFIX, Me, Refused, Visit
from bots.web.deps import CurrentMe, OfficerVisit, PostedForm, Web
from core.campaigns import service as campaigns
from core.campaigns.models import Campaign, CampaignStatus
from core.emulation import review, review_announce, review_book, review_texts
from core.emulation.review_models import EmulationReview
from core.emulation.review_view import Shown, shown
from core.emulation.titles import title_label
from core.errors import NotFound
from core.i18n import Translator

router = APIRouter()
CHART_UNITS = 15


@dataclass(frozen=True)
class ReviewsPage:
    campaign: Campaign
    reviews: list[EmulationReview]
    final: EmulationReview | None


def load(s: Session, me: Me, campaign_id: int) -> ReviewsPage:
    campaign = campaigns.get(s, actor=me.actor, campaign_id=campaign_id)
    rows = review.of_campaign(s, actor=me.actor, campaign_id=campaign_id)
    return ReviewsPage(campaign, rows, next((r for r in rows if r.kind == "final"), None))


async def show_list(
    visit: Visit, me: Me, campaign_id: int, refused: Refused | None = None
) -> Response:
    data = await visit.db(lambda s: load(s, me, campaign_id))
    return visit.render(
        "reviews.html",
        status=refused.status if refused else 200,
        page=data,
        kind_label=review_texts.kind_label,
        error=refused.message if refused else None,
    )


@router.get("/campaigns/{campaign_id}/reviews")
async def reviews_page(campaign_id: int, visit: OfficerVisit, me: CurrentMe) -> Response:
    return await show_list(visit, me, campaign_id)


def _announce(s: Session, web: Web, row: EmulationReview, me: Me, visit: Visit) -> None:
    policy = web.policy
    t = web.runtime.catalogs.translator(web.runtime.catalogs.default_locale, policy.timezone)
    review_announce.announce(s, row=row, t=t, policy=policy, now=visit.now, by=me.actor.member_id)


@router.post("/campaigns/{campaign_id}/reviews")
async def make(
    campaign_id: int, visit: OfficerVisit, me: CurrentMe, form: PostedForm, web: Web
) -> Response:
    """A mid-term review now; or, for a closed campaign without one, its final review."""
    now, announce = visit.now, form.get("announce") == "on"

    def work(s: Session) -> int:
        campaign = campaigns.get(s, actor=me.actor, campaign_id=campaign_id)
        if campaign.status == CampaignStatus.CLOSED:
            t = visit.web.translator(None)  # the union's language, for the titles proposed
            row = review.run_final_review(s, campaign_id, now, by=me.actor.member_id, t=t)
        else:
            row = review.run_mid_review(
                s, actor=me.actor, campaign_id=campaign_id, now=now, announce=announce
            )
            if announce:
                _announce(s, web, row, me, visit)
        return row.id  # type: ignore[return-value]

    made = await visit.attempt(work)
    if isinstance(made, Refused):
        return await show_list(visit, me, campaign_id, made)
    web.runtime.outbox_ready.set()
    return visit.redirect(f"{PREFIX}/campaigns/{campaign_id}/reviews/{made}?done=made")


def _shown(s: Session, me: Me, campaign_id: int, review_id: int) -> Shown:
    row, campaign = review.visible(s, actor=me.actor, review_id=review_id)
    if campaign.id != campaign_id:
        raise NotFound("review_unknown")
    return shown(s, row, campaign)


def charts(t: Translator, view: Shown) -> list[Markup]:
    f = view.figures
    found = []
    best = f.ranked[:CHART_UNITS]
    if best and f.criteria:
        found.append(
            bar_chart(
                t.gettext("Points of the unions (the first {n})", n=len(best)),
                [(f"{u.rank}. {view.unit(u.unit_id)}", float(u.points)) for u in best],
                chart_id="points",
                number=lambda v: t.number(round(v, 2)),
            )
        )
    whole = f.total("members")
    if whole:
        found.append(
            bar_chart(
                t.gettext("Participation of the members"),
                [
                    (t.gettext("Members the campaign is for"), float(whole)),
                    (t.gettext("Pledged"), float(f.total("registered"))),
                    (t.gettext("Reported their results"), float(f.total("reporting"))),
                    (t.gettext("Pledges met"), float(f.total("pledges_met"))),
                ],
                chart_id="participation",
                number=lambda v: t.number(int(v)),
            )
        )
    return found


@router.get("/campaigns/{campaign_id}/reviews/{review_id}")
async def review_page(
    campaign_id: int, review_id: int, visit: OfficerVisit, me: CurrentMe
) -> Response:
    view = await visit.db(lambda s: _shown(s, me, campaign_id, review_id))
    t = visit.t
    return visit.render(
        "review.html",
        view=view,
        f=view.figures,
        kind_label=review_texts.kind_label,
        notes=review_texts.notes(t, view.figures),
        charts=charts(t, view),
        title_label=title_label,
        done=visit.request.query_params.get("done"),
    )


@router.post("/campaigns/{campaign_id}/reviews/{review_id}/announce")
async def announce(
    campaign_id: int, review_id: int, visit: OfficerVisit, me: CurrentMe, _f: PostedForm, web: Web
) -> Response:
    def work(s: Session) -> None:
        view = _shown(s, me, campaign_id, review_id)
        if view.row.broadcast_id is None:
            _announce(s, web, view.row, me, visit)

    await visit.db(work)
    web.runtime.outbox_ready.set()
    where = f"{PREFIX}/campaigns/{campaign_id}/reviews/{review_id}"
    return visit.redirect(f"{where}?done=announced")


@router.get("/campaigns/{campaign_id}/reviews/{review_id}/xlsx")
async def workbook(
    campaign_id: int, review_id: int, visit: OfficerVisit, me: CurrentMe
) -> Response:
    t = visit.t

    def work(s: Session) -> bytes:
        out = io.BytesIO()
        review_book.write(out, t, _shown(s, me, campaign_id, review_id))
        return out.getvalue()

    body = await visit.db(work)
    name = f"review-{campaign_id}-{review_id}.xlsx"
    return visit.finish(
        Response(
            body,
            media_type=XLSX,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    )

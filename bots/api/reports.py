"""Admin API: the initiative and commendation reports, as CSV, XLSX or JSON."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response
from sqlmodel import Session

from bots.api.deps import ApiDep, Caller
from bots.api.errors import ApiError
from bots.api.schemas import XLSX
from core.members.models import UnionUnit
from core.reports import export
from core.reports.service import Period, commendation_shares, initiatives_by_status

CSV = "text/csv; charset=utf-8"
router = APIRouter(prefix="/api/v1", tags=["initiatives"])


@router.get(
    "/reports/{kind}",
    responses={200: {"content": {"text/csv": {}, XLSX: {}, "application/json": {}}}},
)
async def report(
    kind: Literal["initiatives", "commendations"],
    api: ApiDep,
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
    period = Period(start, end, api.settings.timezone)

    def work(s: Session) -> tuple[list[str], list[list[object]]]:
        within: UnionUnit | None = who.require_unit(s, unit_id) if unit_id else None
        if kind == "initiatives":
            rows = initiatives_by_status(s, actor=who, period=period, within=within)
            return export.INITIATIVE_HEADER, export.initiative_rows(rows)
        shares = commendation_shares(s, actor=who, period=period, within=within)
        return export.SHARE_HEADER, export.share_rows(shares)

    header, rows = await api.run(work)
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

# ruff: noqa: F811  (the fixtures are imported by name from tests/browser/support.py)
"""The desk's «Cán bộ và quyền truy cập» at the scale of a province: the units without an
officer are counted in the unit chosen with the unit picker (and below each unit directly
under it), listed 100 at a time in the order of the tree, each with its parent's name, and the
sheet of officer codes is printed for the page shown. SQLite and PostgreSQL."""

from __future__ import annotations

import re

import httpx
import pytest
from sqlmodel import Session, col, func, select

from bots.bootstrap import Runtime
from core.linking.models import OneTimeCode
from core.members import service as members_service
from core.members.models import OfficerRole, UnionUnit, UnitKind
from tests.browser.support import client, post_form, settings, signed_in_officer  # noqa: F401
from tests.e2e.campaign_support import MINH_PHAT, ZONE, load_demo

pytestmark = pytest.mark.anyio


def build_districts(runtime: Runtime) -> dict[str, int]:
    """Under the zone, three upper-level unions of 40, 60 and 80 grassroots unions, none of
    them with an officer: 183 units without one, with the demo's own."""
    ids: dict[str, int] = {}
    with Session(runtime.engine) as session, session.begin():
        zone = session.get(UnionUnit, ZONE)
        for name, size in (("Khối Alpha", 40), ("Khối Beta", 60), ("Khối Gamma", 80)):
            upper = members_service.create_unit(
                session, name=name, kind=UnitKind.UPPER_LEVEL_UNION, parent=zone
            )
            ids[name] = upper.id  # type: ignore[assignment]
            for n in range(size):
                members_service.create_unit(
                    session, name=f"Tổ {n:02d}", kind=UnitKind.GRASSROOTS_UNION, parent=upper
                )
    return ids


def vacant_of(html: str) -> list[str]:
    listed = html.split('id="vacant"', 1)[1].split("</ul>", 1)[0]
    return [re.sub(r"<[^>]+>", "", li).strip() for li in listed.split("<li>")[1:]]


async def test_a_province_sized_scope_counts_pages_and_prints_its_units_without_officers(
    client: httpx.AsyncClient, runtime: Runtime
):
    data = load_demo(runtime)
    ids = build_districts(runtime)
    web, _officer = await signed_in_officer(client, runtime, data, ZONE)
    with Session(runtime.engine) as session:
        zone_path = session.get(UnionUnit, ZONE).path  # type: ignore[union-attr]
        in_zone = (col(UnionUnit.path).startswith(zone_path), col(UnionUnit.closed_at).is_(None))
        open_units = session.exec(select(func.count()).select_from(UnionUnit).where(*in_zone)).one()
        total = session.exec(
            select(func.count())
            .select_from(UnionUnit)
            .where(*in_zone, col(UnionUnit.id).not_in(select(OfficerRole.unit_id)))
        ).one()
    assert total >= 183

    page = await web.get("/web/officers")
    assert page.status_code == 200
    assert f"Đơn vị chưa có cán bộ: {total}" in page.text
    assert f"{total} trong số {open_units} đơn vị đang hoạt động" in page.text
    below = page.text.split('id="vacant-below"', 1)[1].split("</table>", 1)[0]
    for name, count in (("Khối Alpha", 41), ("Khối Beta", 61), ("Khối Gamma", 81)):
        assert re.search(rf"{name}</a></td><td>{count}</td>", below), below
    first = vacant_of(page.text)
    assert len(first) == 100 and "Trang sau" in page.text
    assert all(re.fullmatch(r".+ \(.+\)", line) for line in first)  # each with its parent
    assert "Tổ 00 (Khối Gamma)" in first or "Tổ 00 (Khối Alpha)" in first

    after = re.search(r'href="([^"]*after=\d+)" rel="next"', page.text)
    assert after is not None
    second_url = after.group(1).replace("&amp;", "&")
    second = await web.get(second_url)
    rest = vacant_of(second.text)
    assert len(rest) == total - 100 and "Trang đầu" in second.text
    assert "từ 101 đến" in second.text

    # the last unit of the first page gets an officer: the second page is the same
    anchor = int(second_url.rsplit("after=", 1)[1])
    with Session(runtime.engine) as session, session.begin():
        session.add(OfficerRole(member_id=data.officer_of[ZONE], unit_id=anchor))
    again = await web.get(second_url)
    assert vacant_of(again.text) == rest
    assert f"Đơn vị chưa có cán bộ: {total - 1}" in again.text
    assert (await web.get("/web/officers?after=99999999")).status_code == 200  # first page

    # the sheet prints the page shown: its 83 units, nothing for the first page's
    sheet = await post_form(
        web,
        second_url,
        "/web/officers/codes",
        {
            "unit": str(ZONE),
            "after": second_url.rsplit("after=", 1)[1],
        },
    )
    assert sheet.status_code == 200
    assert sheet.text.count("<figure") == len(rest)
    with Session(runtime.engine) as session:
        issued = session.exec(select(func.count()).select_from(OneTimeCode)).one()
    assert issued >= len(rest)

    # the picker narrows everything to one upper-level union
    with Session(runtime.engine) as session:
        in_beta = session.get(UnionUnit, anchor).parent_id == ids["Khối Beta"]  # type: ignore[union-attr]
    left = 61 - in_beta  # the unit given an officer above may be one of Beta's
    beta = await web.get(f"/web/officers?unit={ids['Khối Beta']}")
    assert f"Đơn vị chưa có cán bộ: {left}" in beta.text
    assert len(vacant_of(beta.text)) == left and "Trang sau" not in beta.text
    rows = beta.text.split('id="vacant-below"', 1)[1].split("</table>", 1)[0]
    assert rows.count("<tr><td>") == left - 1  # each of its unions, alone in its subtree

    # another union's officer may not look into the zone's units
    mp_web, _ = await signed_in_officer(client, runtime, data, MINH_PHAT)
    refused = await mp_web.get(f"/web/officers?unit={ids['Khối Beta']}")
    assert refused.status_code in (403, 404)

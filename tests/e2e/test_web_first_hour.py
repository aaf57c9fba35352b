# ruff: noqa: F811
"""The desk's main tasks in the first hour: the assignee list starts with the unit's own
officers, a refused team nomination keeps what was typed."""

from __future__ import annotations

import re

import httpx
import pytest
from sqlmodel import Session, select

from bots.bootstrap import Runtime
from core.members.models import Member, OfficerRole
from tests.browser.support import (  # noqa: F401
    client,
    post_form,
    settings,
    signed_in_officer,
    submitted_initiative,
)
from tests.e2e.campaign_support import MINH_PHAT, PROVINCE, load_demo

pytestmark = pytest.mark.anyio


def officer_name(runtime: Runtime, unit: int) -> str:
    with Session(runtime.engine) as session:
        return session.exec(
            select(Member.full_name)
            .join(OfficerRole, OfficerRole.member_id == Member.id)  # type: ignore[arg-type]
            .where(OfficerRole.unit_id == unit)
        ).one()  # type: ignore[return-value]


async def test_the_assignee_list_starts_with_the_units_own_officer(
    client: httpx.AsyncClient, runtime: Runtime
):
    data = load_demo(runtime)
    item = submitted_initiative(runtime, unit_id=MINH_PHAT, title="Gá kẹp nhanh")
    web, _user = await signed_in_officer(client, runtime, data, PROVINCE)
    page = (await web.get(f"/web/initiatives/{item}")).text
    select_html = page[
        page.index('id="assignee"') : page.index("</select>", page.index('id="assignee"'))
    ]
    options = re.findall(r"<option [^>]*>([^<]+)</option>", select_html)
    assert options[0] == officer_name(runtime, MINH_PHAT)
    assert options[-1] == officer_name(runtime, PROVINCE)  # the province's officer is last


async def test_a_refused_team_nomination_keeps_what_was_typed(
    client: httpx.AsyncClient, runtime: Runtime
):
    data = load_demo(runtime)
    web, _user = await signed_in_officer(client, runtime, data, MINH_PHAT)
    with Session(runtime.engine) as session:
        one = session.exec(
            select(Member.id).where(Member.unit_id == MINH_PHAT).order_by(Member.id.desc())  # type: ignore[union-attr]
        ).first()
    answer = await post_form(
        web,
        f"/web/commendations?unit={MINH_PHAT}",
        "/web/commendations",
        {
            "unit_id": MINH_PHAT,
            "member": [one],
            "team_name": "Tổ cơ khí số 2",
            "reason": "Cả tổ làm thêm giờ để kịp đơn hàng xuất khẩu.",
            "adhoc": "on",
        },
    )
    assert answer.status_code == 422
    assert 'value="Tổ cơ khí số 2"' in answer.text
    assert ">Cả tổ làm thêm giờ để kịp đơn hàng xuất khẩu.</textarea>" in answer.text
    assert f'value="{one}" checked' in answer.text
    assert 'name="adhoc" checked' in answer.text


async def test_with_no_reward_table_the_officer_sets_one_on_the_desk_and_accepts(
    client: httpx.AsyncClient, runtime: Runtime
):
    from core.initiatives.models import Initiative
    from tests.e2e.campaign_support import member_id
    from tests.e2e.initiative_support import sent_initiative

    data = load_demo(runtime)
    web, _user = await signed_in_officer(client, runtime, data, MINH_PHAT)
    with Session(runtime.engine) as session:
        author = session.exec(
            select(Member.full_name).where(Member.unit_id == MINH_PHAT).order_by(Member.id.desc())  # type: ignore[union-attr]
        ).first()
    item, _code = sent_initiative(runtime, member_id(runtime, author), benefit=24_000_000)
    page = (await web.get(f"/web/initiatives/{item}")).text
    assert f'href="/web/reward-tables?unit={MINH_PHAT}"' in page  # the way to set it
    tables = (await web.get(f"/web/reward-tables?unit={MINH_PHAT}")).text
    assert 'id="no-table"' in tables
    bad = await post_form(
        web,
        f"/web/reward-tables?unit={MINH_PHAT}",
        "/web/reward-tables",
        {
            "unit_id": MINH_PHAT,
            "effective_from": "2026-01-01",
            "vnd_per_hour": "50000",
            "bands": "0 - 10tr: 500k, 10\nmười triệu trở lên",
        },
    )
    assert bad.status_code == 422 and "Không đọc được một dòng của bảng" in bad.text
    saved = await post_form(
        web,
        f"/web/reward-tables?unit={MINH_PHAT}",
        "/web/reward-tables",
        {
            "unit_id": MINH_PHAT,
            "effective_from": "2026-01-01",
            "vnd_per_hour": "50000",
            "bands": "0 - 10tr: 500k, 10\n10tr - +: 2tr, 30",
        },
    )
    assert saved.status_code == 303
    tables = (await web.get(f"/web/reward-tables?unit={MINH_PHAT}")).text
    assert 'id="in-force"' in tables and "2.000.000" in tables
    page = (await web.get(f"/web/initiatives/{item}")).text
    assert "2.000.000" in page and 'id="accept-form"' in page
    accepted = await post_form(
        web, f"/web/initiatives/{item}", f"/web/initiatives/{item}/accept", {}
    )
    assert accepted.status_code == 303
    with Session(runtime.engine) as session:
        done = session.get(Initiative, item)
        assert done is not None and done.status == "accepted" and done.reward_vnd == 2_000_000


async def test_the_initiative_page_names_the_campaign_it_was_sent_for(
    client: httpx.AsyncClient, runtime: Runtime
):
    import html

    from core.initiatives.models import Initiative
    from tests.e2e.campaign_support import create_campaign

    data = load_demo(runtime)
    web, user = await signed_in_officer(client, runtime, data, MINH_PHAT)
    campaign = await create_campaign(user, title="Tháng năng suất xanh", unit=MINH_PHAT)
    item = submitted_initiative(runtime, unit_id=MINH_PHAT, title="Cữ chặn máy dập")
    page = html.unescape((await web.get(f"/web/initiatives/{item}")).text)
    assert "Gửi cho phong trào" not in page and 'id="files"' not in page  # none of either
    with Session(runtime.engine) as session, session.begin():
        sent = session.get(Initiative, item)
        assert sent is not None
        sent.campaign_id = campaign  # as the wizard's step «thuộc phong trào nào» leaves it
    page = html.unescape((await web.get(f"/web/initiatives/{item}")).text)
    assert "Gửi cho phong trào “Tháng năng suất xanh”" in page

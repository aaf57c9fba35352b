# ruff: noqa: F811
"""A commendation's announcement is shown on the desk before it goes out, named only as the
people agreed, and goes out as the officer edited it; an empty one is refused with the text kept
as typed, and nothing is approved."""

from __future__ import annotations

import html

import httpx
import pytest
from sqlmodel import Session, select

from bots.bootstrap import Runtime
from core.broadcasts.models import Broadcast
from core.commendations.models import Commendation
from tests.browser.support import client, csrf_of, settings, signed_in_officer  # noqa: F401
from tests.e2e.campaign_support import MINH_PHAT, load_demo, member, member_id

pytestmark = pytest.mark.anyio
REASON = "Phát hiện sớm sự cố rò rỉ khí nén, tránh dừng chuyền."


async def test_the_announcement_is_previewed_and_edited_before_it_goes_out(
    client: httpx.AsyncClient, runtime: Runtime
):
    data = load_demo(runtime)
    hoa_chat = await member(client, runtime, name="Phạm Thị Hoa")
    await hoa_chat.say("/hidename")
    hoa = member_id(runtime, "Phạm Thị Hoa")
    web, _user = await signed_in_officer(client, runtime, data, MINH_PHAT)
    found = await web.get(f"/web/commendations?unit={MINH_PHAT}&q=hoa")
    made = await web.post(
        "/web/commendations",
        data={"unit_id": MINH_PHAT, "member": str(hoa), "reason": REASON, "adhoc": "on"}
        | {"csrf": csrf_of(found.text)},
    )
    assert made.status_code == 303
    with Session(runtime.engine) as session:
        item = session.exec(select(Commendation)).one()

    listing = await web.get("/web/commendations")
    page = html.unescape(listing.text)
    preview = f"Khen thưởng đột xuất dành cho một đoàn viên của công đoàn: {REASON}"
    assert preview in page  # she asked to keep her name out: the preview says so
    assert "Phạm Thị Hoa:" not in page[page.index('name="announcement"') :][:400]
    token = csrf_of(listing.text)

    refused = await web.post(
        f"/web/commendations/{item.id}/approve",
        data={"points": "25", "announcement": "   ", "csrf": token},
    )
    assert refused.status_code == 422
    assert "Thông báo đang trống" in html.unescape(refused.text)
    with Session(runtime.engine) as session:
        still = session.get(Commendation, item.id)
        assert still is not None and still.status == "nominated"

    edited = "Chúc mừng tổ bảo trì: phát hiện sớm rò rỉ khí nén, chuyền không phải dừng!"
    approved = await web.post(
        f"/web/commendations/{item.id}/approve",
        data={"points": "25", "announcement": edited, "csrf": token},
    )
    assert approved.status_code == 303
    with Session(runtime.engine) as session:
        sent = session.exec(select(Broadcast).where(Broadcast.key == f"commendation:{item.id}"))
        assert sent.one().text == edited
    assert edited in hoa_chat.texts(await hoa_chat.replies())  # the union reads the edited text

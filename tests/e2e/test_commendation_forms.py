"""A direct commendation carries its form and issuing level, like a confirmed title (issue
#17), through the admin API and the officer desk: the levels offered and accepted are those
from the commended member's grassroots union up to the officer's own (Minh Phát's officer: its
own; the zone's officer: Minh Phát's and the zone's, not the province's; the province's: all
three); a form without a level takes the grassroots union's; a level without a form, an
unknown form, or a level above the officer's are refused; approving keeps them, and the
commendations page says them. In chat, an officer's /commend asks the form, then the level
when there is a choice."""

from __future__ import annotations

import httpx
import pytest
from sqlmodel import Session, col, select

from bots.bootstrap import Runtime
from core.commendations.buttons import AdHoc, Proceed
from core.commendations.models import Commendation
from core.members.models import OfficerRole
from tests.browser.support import (  # noqa: F401  (fixtures)
    client,
    post_form,
    settings,
    signed_in_officer,
)
from tests.e2e.campaign_support import MINH_PHAT, PROVINCE, ZONE, load_demo, member, member_id
from tests.e2e.test_api_campaigns import bearer, token_for

pytestmark = pytest.mark.anyio
LAN, HOA = "Nguyễn Thị Lan", "Lê Thị Hoa"


def rows(runtime: Runtime) -> list[tuple[str | None, str | None, str]]:
    with Session(runtime.engine) as session:
        found = session.exec(select(Commendation).order_by(col(Commendation.id))).all()
        return [(c.form, c.issuing_level, c.status) for c in found]


async def test_form_and_level_of_a_direct_commendation(
    client: httpx.AsyncClient,  # noqa: F811
    runtime: Runtime,
):
    data = load_demo(runtime)
    await member(client, runtime, code="CDCSTN33", name=LAN)
    await member(client, runtime, code="CDCSTN33", name=HOA)
    lan = member_id(runtime, LAN)
    headers = {
        u: bearer(token_for(runtime, data.officer_of[u])) for u in (MINH_PHAT, ZONE, PROVINCE)
    }
    body = {"unit_id": MINH_PHAT, "member_ids": [lan], "reason": "Cứu máy ép khỏi sự cố"}

    async def nominate(unit: int, **extra: str) -> httpx.Response:
        return await client.post(
            "/api/v1/commendations", json={**body, **extra}, headers=headers[unit]
        )

    # the API: a form without a level is the grassroots union's; a level up to the caller's
    plain = await nominate(MINH_PHAT)
    assert plain.status_code == 201 and (plain.json()["form"], plain.json()["issuing_level"]) == (
        None,
        None,
    )
    own = await nominate(MINH_PHAT, form="certificate")
    assert own.status_code == 201, own.text
    assert (own.json()["form"], own.json()["issuing_level"]) == ("certificate", "grassroots")
    above = await nominate(MINH_PHAT, form="certificate", issuing_level="upper")
    assert (above.status_code, above.json()) == (422, {"error": "commendation_level"})
    zone = await nominate(ZONE, form="certificate", issuing_level="upper")
    assert zone.status_code == 201 and zone.json()["issuing_level"] == "upper"
    too_high = await nominate(ZONE, form="merit", issuing_level="province")
    assert (too_high.status_code, too_high.json()) == (422, {"error": "commendation_level"})
    province = await nominate(PROVINCE, form="merit", issuing_level="province")
    assert province.status_code == 201, province.text
    no_form = await nominate(PROVINCE, issuing_level="province")
    assert (no_form.status_code, no_form.json()) == (422, {"error": "commendation_form"})
    unknown = await nominate(PROVINCE, form="medal", issuing_level="province")
    assert unknown.status_code == 400  # the request does not validate
    approved = await client.post(
        f"/api/v1/commendations/{province.json()['id']}/approve", json={}, headers=headers[PROVINCE]
    )
    assert approved.status_code == 200, approved.text
    assert (approved.json()["form"], approved.json()["issuing_level"]) == ("merit", "province")
    assert rows(runtime) == [
        (None, None, "nominated"),
        ("certificate", "grassroots", "nominated"),
        ("certificate", "upper", "nominated"),
        ("merit", "province", "approved"),
    ]

    # the desk: the zone's officer is offered Minh Phát's level and the zone's, not more
    desk, _chat = await signed_in_officer(client, runtime, data, ZONE)
    page_url = f"/web/commendations?unit={MINH_PHAT}"
    page = (await desk.get(page_url)).text
    levels = page.split('id="level"')[1].split("</select>")[0]
    assert "Công đoàn cơ sở" in levels and "Công đoàn cấp trên trực tiếp cơ sở" in levels
    assert "Liên đoàn Lao động tỉnh" not in levels
    forms = page.split('id="form"')[1].split("</select>")[0]
    for label in ("Không ghi", "Danh hiệu thi đua", "Giấy khen", "Bằng khen"):
        assert label in forms, label
    hoa = member_id(runtime, HOA)
    fields = {"unit_id": MINH_PHAT, "member": hoa, "reason": "Sáng kiến gá kẹp", "adhoc": "on"}
    forged = await post_form(
        desk, page_url, "/web/commendations", {**fields, "form": "merit", "level": "province"}
    )
    assert forged.status_code == 422
    assert "không ghi cấp cao hơn cấp của bạn" in forged.text
    assert 'value="merit" selected' in forged.text  # what was typed is kept
    made = await post_form(
        desk, page_url, "/web/commendations", {**fields, "form": "certificate", "level": "upper"}
    )
    assert made.status_code == 303, made.text
    none = await post_form(
        desk, page_url, "/web/commendations", {**fields, "form": "", "level": "upper"}
    )
    assert none.status_code == 303, none.text  # no form: the level is not recorded either
    assert rows(runtime)[-2:] == [("certificate", "upper", "nominated"), (None, None, "nominated")]
    listed = (await desk.get("/web/commendations")).text
    assert "Giấy khen · cấp khen: Công đoàn cấp trên trực tiếp cơ sở" in listed


async def test_form_and_level_chosen_in_chat(
    client: httpx.AsyncClient,  # noqa: F811
    runtime: Runtime,
):
    """In chat, an officer commending directly is asked the form, then the level when more than
    one may be recorded: Lan, a member of Minh Phát and an officer of the zone's union."""
    load_demo(runtime)
    lan = await member(client, runtime, code="CDCSTN33", name=LAN)
    await member(client, runtime, code="CDCSTN33", name=HOA)
    with Session(runtime.engine) as session, session.begin():
        session.add(OfficerRole(member_id=member_id(runtime, LAN), unit_id=ZONE))
    await lan.say("/commend")
    await lan.say("hoa")
    await lan.tap(HOA)
    await lan.tap(Proceed().pack())
    await lan.say("Sửa máy ép ngay trong ca đêm.")
    forms = await lan.tap(AdHoc(adhoc=True).pack())
    assert "Khen thưởng theo hình thức nào?" in lan.texts(forms)
    labels = [b["label"] for m in forms for b in m["buttons"]]
    assert labels[:4] == ["Không ghi hình thức", "Danh hiệu thi đua", "Giấy khen", "Bằng khen"]
    asked = await lan.tap("Bằng khen")
    assert "Cấp nào khen?" in lan.texts(asked)
    levels = [b["label"] for m in asked for b in m["buttons"]]
    assert levels[:2] == ["Công đoàn cơ sở", "Công đoàn cấp trên trực tiếp cơ sở"]
    assert "Liên đoàn Lao động tỉnh, thành phố hoặc tương đương" not in levels
    again = await lan.say("tỉnh")  # not a choice: asked again
    assert "Cấp nào khen?" in lan.texts(again)
    recorded = await lan.say("2")  # the second choice, typed
    assert "Duyệt ngay" in lan.texts(recorded)
    assert rows(runtime) == [("merit", "upper", "nominated")]

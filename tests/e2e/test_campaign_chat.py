"""Officers create, launch and close campaigns in chat; members see them; scope holds."""

from __future__ import annotations

import httpx
import pytest
from sqlmodel import Session, func, select

from bots.bootstrap import Runtime
from core.broadcasts.models import Broadcast, BroadcastRecipient
from core.campaigns.models import Campaign, CampaignStatus
from core.storage.models import OutboxMessage, WebchatMessage
from tests.e2e.campaign_support import (
    HUNG_THINH,
    MINH_PHAT,
    STATE_AGENCY,
    ZONE,
    create_campaign,
    load_demo,
    member,
    officer,
)

pytestmark = pytest.mark.anyio


def count(runtime: Runtime, model, *where) -> int:  # type: ignore[no-untyped-def]
    with Session(runtime.engine) as session:
        return session.exec(select(func.count()).select_from(model).where(*where)).one()


async def test_officer_launches_a_campaign_and_members_hear_it(
    client: httpx.AsyncClient, runtime: Runtime
):
    data = load_demo(runtime)
    lan = await member(client, runtime, name="Nguyễn Thị Lan")
    binh = await member(client, runtime, code="CDCSFD44", name="Trần Văn Bình")
    clerk = await member(client, runtime, code="CDCSFD44", name="Lê Thu Hà", group="official")
    boss = await officer(client, runtime, data, ZONE)
    campaign_id = await create_campaign(boss)

    asked = await boss.tap(f"campaigns:launch:{campaign_id}")
    assert "campaigns:deftext" in boss.payloads(asked)
    preview = await boss.tap("campaigns:deftext")
    text = boss.texts(preview)
    assert "launches the emulation campaign “Tháng thi đua năng suất”" in text
    # 2 web chat members now; the demo workers of the two companies have no messenger yet
    assert "Who will receive it (19 members):" in text
    assert "Web chat (browser): 2 now" in text
    assert (
        "Unreachable: 17 (blocked or left: 0; stopped announcements: 0; no messenger: 17)" in text
    )
    assert "Estimated finish:" in text

    sent = await boss.tap("campaigns:go")
    assert "on its way to 19 members" in boss.texts(sent)
    again = await boss.say("Confirm and send", payload="campaigns:go")
    assert "already confirmed" in boss.texts(again)

    heard_lan = await lan.replies()
    heard_binh = await binh.replies()
    assert "Tháng thi đua năng suất" in lan.texts(heard_lan)
    assert "Tháng thi đua năng suất" in binh.texts(heard_binh)
    assert await clerk.replies() == []  # an official: not in the target groups
    assert count(runtime, Broadcast) == 1
    assert count(runtime, BroadcastRecipient) == 19
    assert count(runtime, OutboxMessage, OutboxMessage.dedupe_key.startswith("bc:")) == 2  # type: ignore[union-attr]

    menu = await lan.say("Phong trào thi đua", payload="menu:campaigns")
    assert f"campaigns:v:{campaign_id}" in lan.payloads(menu)
    card = await lan.tap(f"campaigns:v:{campaign_id}")
    assert "Mỗi tổ sản xuất" in lan.texts(card)

    report = await boss.say("/report")
    text = boss.texts(report)
    assert "Audience: 19" in text
    assert "sent 2, queued 0, waiting 0, failed 0, skipped 17" in text
    assert "no messenger linked: 17" in text


async def test_a_worker_cannot_launch(client: httpx.AsyncClient, runtime: Runtime):
    load_demo(runtime)
    lan = await member(client, runtime, lang="en")
    answer = await lan.say("/launch 1")
    assert "Only union officers can launch campaigns." in lan.texts(answer)
    answer = await lan.say("/newcampaign")
    assert "Only union officers can do this." in lan.texts(answer)
    answer = await lan.say("New campaign", payload="campaigns:new")
    assert "Only union officers can do this." in lan.texts(answer)


async def test_officers_stay_inside_their_subtree(client: httpx.AsyncClient, runtime: Runtime):
    data = load_demo(runtime)
    await member(client, runtime, code="CDCSFD44", name="Trần Văn Bình")
    zone = await officer(client, runtime, data, ZONE)
    minh_phat = await officer(client, runtime, data, MINH_PHAT)
    campaign_id = await create_campaign(zone, unit=HUNG_THINH)

    # a grassroots officer cannot pick a unit outside their own
    await minh_phat.say("/newcampaign")
    await minh_phat.say("Sáng kiến tiết kiệm")
    await minh_phat.say("Mô tả")
    await minh_phat.tap("campaigns:skip")
    crossed = await minh_phat.say(str(HUNG_THINH))
    assert "outside the units you are an officer of" in minh_phat.texts(crossed)
    crossed = await minh_phat.say("x", payload=f"campaigns:unit:{ZONE}")
    assert "outside the units you are an officer of" in minh_phat.texts(crossed)
    await minh_phat.tap("campaigns:cancel")

    for attempt in (f"/launch {campaign_id}", f"/close {campaign_id}"):
        answer = await minh_phat.say(attempt)
        assert "outside the units you are an officer of" in minh_phat.texts(answer)
    for payload in (
        f"campaigns:o:{campaign_id}",
        f"campaigns:closeok:{campaign_id}",
        f"campaigns:msg:{campaign_id}",
    ):
        answer = await minh_phat.say("x", payload=payload)
        assert "outside the units you are an officer of" in minh_phat.texts(answer)

    await zone.say(f"/launch {campaign_id}")
    await zone.tap("campaigns:deftext")
    await zone.tap("campaigns:go")
    with Session(runtime.engine) as session:
        broadcast_id = session.exec(select(Broadcast.id)).one()
        assert session.get(Campaign, campaign_id).status == CampaignStatus.RUNNING  # type: ignore[union-attr]
    answer = await minh_phat.say(f"/report {broadcast_id}")
    assert "outside the units you are an officer of" in minh_phat.texts(answer)
    answer = await minh_phat.say("/report")
    assert "No announcement has been sent yet." in minh_phat.texts(answer)


async def test_bad_announcements_and_closed_campaigns(client: httpx.AsyncClient, runtime: Runtime):
    data = load_demo(runtime)
    await member(client, runtime, name="Nguyễn Thị Lan")
    boss = await officer(client, runtime, data, ZONE)
    campaign_id = await create_campaign(boss)

    await boss.say(f"/launch {campaign_id}")
    empty = await boss.say("   ")
    assert "The announcement is empty." in boss.texts(empty)
    long = await boss.say("Thi đua lao động sản xuất. " * 200)  # 5,400 characters
    assert "The announcement is too long (4,000 characters at most)." in boss.texts(long)
    refused = await boss.post(text="x" * 20_000)
    assert refused.status_code in (400, 413, 422)  # the web chat refuses it at the door
    preview = await boss.say("Phát động tháng thi đua!")
    assert "campaigns:when" in boss.payloads(preview)
    await boss.tap("campaigns:when")
    past = await boss.say("24/11/2026 08:00")
    assert "That time has already passed." in boss.texts(past)
    scheduled = await boss.say("01/12/2026 08:00")
    assert "It will be sent at" in boss.texts(scheduled)
    await boss.tap("campaigns:cancel")
    assert count(runtime, Broadcast) == 0

    closed = await boss.say(f"/close {campaign_id}")
    assert f"campaigns:closeok:{campaign_id}" in boss.payloads(closed)
    done = await boss.tap(f"campaigns:closeok:{campaign_id}")
    assert "is closed" in boss.texts(done)
    again = await boss.say(f"/launch {campaign_id}")
    assert "This campaign is closed" in boss.texts(again)
    again = await boss.say("x", payload=f"campaigns:launch:{campaign_id}")
    assert "This campaign is closed" in boss.texts(again)
    again = await boss.say(f"/close {campaign_id}")
    assert "This campaign is closed" in boss.texts(again)


async def test_an_audience_of_zero(client: httpx.AsyncClient, runtime: Runtime):
    data = load_demo(runtime)
    boss = await officer(client, runtime, data, STATE_AGENCY)
    # the state agency has civil servants, public employees and officials, no production workers
    campaign_id = await create_campaign(boss, unit=STATE_AGENCY, groups=("direct_worker",))
    await boss.say(f"/launch {campaign_id}")
    answer = await boss.tap("campaigns:deftext")
    assert "Nobody is in the audience" in boss.texts(answer)
    assert count(runtime, Broadcast) == 0


async def test_editing_a_campaign(client: httpx.AsyncClient, runtime: Runtime):
    data = load_demo(runtime)
    boss = await officer(client, runtime, data, ZONE)
    campaign_id = await create_campaign(boss)
    await boss.tap(f"campaigns:edit:{campaign_id}")
    await boss.tap("campaigns:ef:title")
    saved = await boss.say("Tháng thi đua an toàn lao động")
    assert "Tháng thi đua an toàn lao động" in boss.texts(saved)
    await boss.tap(f"campaigns:edit:{campaign_id}")
    await boss.tap("campaigns:ef:dates")
    wrong = await boss.say("31/12/2026 - 01/12/2026")
    assert "The end date is before the start date." in boss.texts(wrong)
    await boss.say("01/12/2026 - 15/12/2026")
    with Session(runtime.engine) as session:
        campaign = session.get(Campaign, campaign_id)
        assert campaign is not None and campaign.title == "Tháng thi đua an toàn lao động"
        assert campaign.ends_on.isoformat() == "2026-12-15"


async def test_vietnamese_officer_screens_read_naturally(
    client: httpx.AsyncClient, runtime: Runtime
):
    data = load_demo(runtime)
    await member(client, runtime, name="Nguyễn Thị Lan")
    boss = await officer(client, runtime, data, ZONE, english=False)
    campaign_id = await create_campaign(boss)
    await boss.say(f"/launch {campaign_id}")
    preview = await boss.tap("campaigns:deftext")
    text = boss.texts(preview)
    assert "phát động phong trào thi đua" in text
    assert "Dự kiến gửi xong" in text
    assert count(runtime, WebchatMessage) > 0

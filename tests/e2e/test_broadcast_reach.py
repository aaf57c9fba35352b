"""Reach planning, the hand-over of held announcements, quiet hours, the report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlmodel import Session, select

from bots.bootstrap import Runtime
from core.broadcasts import service as broadcasts
from core.broadcasts.models import Broadcast, BroadcastKind
from core.campaigns.buttons import AnnounceTo, ConfirmSend
from core.linking import service as linking
from core.linking.models import CodePurpose
from core.members.models import Consent, ConsentPurpose, Identity, Member, UnionUnit
from core.storage.models import OutboxMessage, OutboxStatus
from tests.e2e.campaign_support import MINH_PHAT, ZONE, load_demo, member, officer
from tests.webchat import ChatUser

pytestmark = pytest.mark.anyio


def messenger_member(runtime: Runtime, name: str, *, seen_hours_ago: float) -> int:
    """Someone who joined on Messenger and last wrote `seen_hours_ago` hours ago."""
    now = runtime.clock.now()
    with Session(runtime.engine) as session, session.begin():
        person = Member(
            unit_id=MINH_PHAT,
            full_name=name,
            worker_group="direct_worker",
            holds_leadership_post=False,
            preferred_platform="facebook",
            joined_at=now,
            onboarded_at=now,
        )
        session.add(person)
        session.flush()
        session.add(
            Identity(
                platform="facebook",
                platform_user_id=f"psid-{person.id}",
                member_id=person.id,
                last_inbound_at=now - timedelta(hours=seen_hours_ago),
            )
        )
        for purpose in ConsentPurpose:
            session.add(Consent(member_id=person.id, purpose=purpose, granted_at=now))  # type: ignore[arg-type]
        return person.id  # type: ignore[return-value]


def send(runtime: Runtime, text: str, key: str) -> Broadcast:
    with Session(runtime.engine, expire_on_commit=False) as session, session.begin():
        unit = session.get(UnionUnit, MINH_PHAT)
        broadcast, _created = broadcasts.create(
            session,
            key=key,
            kind=BroadcastKind.MESSAGE,
            audience=broadcasts.Audience(unit, True, ()),  # type: ignore[arg-type]
            text=text,
            now=runtime.clock.now(),
            policy=runtime.processor.config.delivery,
        )
        return broadcast


def report(runtime: Runtime, broadcast_id: int) -> broadcasts.Report:
    with Session(runtime.engine) as session:
        return broadcasts.report(session, broadcast=session.get(Broadcast, broadcast_id))  # type: ignore[arg-type]


async def test_held_announcements_reach_the_member_at_their_next_message(
    client: httpx.AsyncClient, runtime: Runtime
):
    load_demo(runtime)
    hoa = messenger_member(runtime, "Phạm Thị Hoa", seen_hours_ago=30)  # outside Messenger's 24 h
    with Session(runtime.engine) as session:
        plan = broadcasts.plan(
            session,
            audience=broadcasts.Audience(session.get(UnionUnit, MINH_PHAT), True, ()),  # type: ignore[arg-type]
            policy=runtime.processor.config.delivery,
            now=runtime.clock.now(),
        )
    assert plan.counts.by_platform == {"facebook": {"next_message": 1}}

    sent = [send(runtime, f"Thông báo số {i}", f"t:{i}") for i in range(1, 5)]
    await runtime.drain()
    first = report(runtime, sent[0].id)  # type: ignore[arg-type]
    assert (
        first.totals["waiting"] == 1
        and first.audience == first.totals["waiting"] + first.totals["skipped"]
    )

    # Hoa links the web chat (the code came from /link on Messenger) and so writes again
    with Session(runtime.engine) as session, session.begin():
        code = linking.issue(
            session, purpose=CodePurpose.LINK, member_id=hoa, now=runtime.clock.now()
        )
    web = await ChatUser(client, runtime).open()
    answer = await web.say(f"/link {code}")
    texts = [m["text"] for m in answer]
    assert "Phạm Thị Hoa" in texts[0]
    assert texts[1:] == ["Thông báo số 4", "Thông báo số 3", "Thông báo số 2"]  # newest first, 3
    more = await web.say("/menu")
    assert [m["text"] for m in more][1:] == ["Thông báo số 1"]
    for broadcast in sent:
        result = report(runtime, broadcast.id)  # type: ignore[arg-type]
        assert result.totals["sent"] == 1 and result.totals["waiting"] == 0
        assert result.by_platform["facebook"]["sent"] == 1  # planned for Messenger, handed over


async def test_reach_prefers_a_messenger_that_reaches_now(runtime: Runtime):
    load_demo(runtime)
    hoa = messenger_member(runtime, "Phạm Thị Hoa", seen_hours_ago=30)
    messenger_member(runtime, "Đỗ Văn Nam", seen_hours_ago=2)
    with Session(runtime.engine) as session, session.begin():
        session.add(
            Identity(
                platform="zalo",
                platform_user_id="z-1",
                member_id=hoa,
                last_inbound_at=runtime.clock.now() - timedelta(hours=3),
            )
        )
    broadcast = send(runtime, "Xin chào", "t:reach")
    with Session(runtime.engine) as session:
        rows = {r.platform: r.status for r in session.exec(select(OutboxMessage))}
    assert rows == {"zalo": OutboxStatus.PENDING, "facebook": OutboxStatus.PENDING}
    result = report(runtime, broadcast.id)  # type: ignore[arg-type]
    assert result.audience == 12 and result.skipped_why == {"no_messenger": 10}


async def test_quiet_hours_hold_announcements_until_morning(
    client: httpx.AsyncClient, runtime: Runtime, clock
):
    data = load_demo(runtime)
    clock.current = datetime(2026, 11, 25, 14, 30, tzinfo=UTC)  # 21:30 in Hồ Chí Minh City
    lan = await member(client, runtime, name="Nguyễn Thị Lan")
    boss = await officer(client, runtime, data, ZONE)
    await boss.say("/broadcast")
    await boss.tap(AnnounceTo(ZONE).pack())
    preview = await boss.say("Sáng mai họp tổ lúc 7 giờ 30.")
    assert "It is quiet hours now: sending starts at 11/26/26, 7:00" in boss.texts(preview)
    done = await boss.tap(ConfirmSend().pack())
    assert "on its way" in boss.texts(done)  # replies are not held by quiet hours
    assert await lan.replies() == []
    clock.current = datetime(2026, 11, 25, 23, 59, tzinfo=UTC)  # 06:59
    assert await lan.replies() == []
    clock.current = datetime(2026, 11, 26, 0, 0, tzinfo=UTC)  # 07:00
    assert "Sáng mai họp tổ" in lan.texts(await lan.replies())


async def test_members_who_stopped_announcements_are_skipped(
    client: httpx.AsyncClient, runtime: Runtime
):
    load_demo(runtime)
    lan = await member(client, runtime, name="Nguyễn Thị Lan")
    await lan.say("/stop")
    broadcast = send(runtime, "Xin chào", "t:stop")
    await runtime.drain()
    assert await lan.replies() == []
    assert report(runtime, broadcast.id).skipped_why == {"no_consent": 1, "no_messenger": 10}  # type: ignore[arg-type]

"""Weekly and monthly digests: the right people, their ranks, once only, never in quiet hours,
never after /stop, never to a blocked messenger."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlmodel import Session, select

from bots.bootstrap import Runtime
from core import demo
from core.members import service as members
from core.members.models import (
    Consent,
    ConsentPurpose,
    Identity,
    Member,
    OfficerRole,
    UnionUnit,
)
from core.points import service as points
from core.points.models import PointsSource
from core.storage.models import OutboxMessage
from scheduler import digests
from tests.points_helpers import link_webchat

pytestmark = pytest.mark.anyio
# Monday 30 Nov 2026, 08:00 in Hà Nội; the points were earned the week before (W48).
MONDAY_8AM = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
LAST_WEEK = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)


def consent(session: Session, member: Member) -> None:
    """Demo members are loaded without the consents a person gives when joining by chat."""
    for purpose in (ConsentPurpose.DATA_PROCESSING, ConsentPurpose.ANNOUNCEMENTS):
        session.add(Consent(member_id=member.id, purpose=purpose, granted_at=LAST_WEEK))


@pytest.fixture
def people(runtime: Runtime) -> dict[str, str]:
    """Four members with points last week and a web chat each; one used /stop, one blocked."""
    chats: dict[str, str] = {}
    with Session(runtime.engine) as session, session.begin():
        demo.load(session, now=LAST_WEEK - timedelta(days=30))
        unit = session.exec(
            select(UnionUnit).where(UnionUnit.name == demo.GRASSROOTS[1].name)
        ).one()
        workers = session.exec(
            select(Member).where(Member.unit_id == unit.id).order_by(Member.id)
        ).all()[1:5]  # the first one is the union's chair
        for n, (member, label) in enumerate(
            zip(workers, ["top", "second", "stopped", "blocked"], strict=True)
        ):
            chats[label] = secrets.token_urlsafe(24)
            link_webchat(session, member, chats[label], LAST_WEEK)
            consent(session, member)
            points.award(
                session,
                member_id=member.id,
                points=1000 - 100 * n,
                source=PointsSource.COMMENDATION,
                source_id=f"w48-{n}",
                now=LAST_WEEK + timedelta(minutes=n),
            )
        members.set_announcements(session, member_id=workers[2].id, enabled=False, now=LAST_WEEK)
        blocked = session.exec(
            select(Identity).where(Identity.platform_user_id == chats["blocked"])
        ).one()
        blocked.blocked_at = LAST_WEEK
        chats["officer"] = secrets.token_urlsafe(24)
        officer = session.exec(
            select(Member)
            .join(OfficerRole, OfficerRole.member_id == Member.id)
            .where(OfficerRole.unit_id == unit.id)
        ).one()
        link_webchat(session, officer, chats["officer"], LAST_WEEK)
        consent(session, officer)
    return chats


async def inbox(client: httpx.AsyncClient, chat: str) -> str:
    response = await client.get("/chat/api/messages", params={"session": chat})
    return "\n".join(m["text"] for m in response.json()["messages"])


def run_weekly(runtime: Runtime) -> int:
    return digests.weekly_digest(
        runtime.engine, runtime.clock, runtime.processor.config.delivery, runtime.catalogs
    )


async def test_weekly_digest(client: httpx.AsyncClient, runtime: Runtime, people, clock):
    clock.current = MONDAY_8AM
    assert run_weekly(runtime) == 2  # top and second; not the one who used /stop, not blocked
    assert run_weekly(runtime) == 0  # a second run (another instance, a restart) adds nothing
    await runtime.drain()
    top = await inbox(client, people["top"])
    assert "Tuần qua (23/11/2026 – 29/11/2026) bạn được 1.000 điểm, xếp hạng 1/4." in top
    assert "Công đoàn Công ty TNHH Cơ khí Minh Phát xếp hạng 1/1 công đoàn cơ sở" in top
    assert "xếp hạng 2/4" in await inbox(client, people["second"])
    assert await inbox(client, people["stopped"]) == ""
    assert await inbox(client, people["blocked"]) == ""
    with Session(runtime.engine) as session:
        rows = session.exec(
            select(OutboxMessage).where(OutboxMessage.dedupe_key.startswith("digest:"))
        ).all()  # type: ignore[attr-defined]
        assert len(rows) == 2 and all(r.proactive for r in rows)


async def test_quiet_hours_hold_the_digest_until_morning(
    client: httpx.AsyncClient, runtime: Runtime, people, clock
):
    clock.current = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)  # 22:00 in Hà Nội
    assert run_weekly(runtime) == 2
    await runtime.drain()
    assert await inbox(client, people["top"]) == ""
    clock.current = datetime(2026, 12, 1, 0, 5, tzinfo=UTC)  # 07:05 the next morning
    await runtime.drain()
    assert "xếp hạng 1/4" in await inbox(client, people["top"])


async def test_monthly_summary_to_officers(
    client: httpx.AsyncClient, runtime: Runtime, people, clock
):
    clock.current = datetime(2026, 12, 1, 1, 30, tzinfo=UTC)  # 1 December, 08:30
    queued = digests.monthly_summary(
        runtime.engine, runtime.clock, runtime.processor.config.delivery, runtime.catalogs
    )
    assert queued == 1  # only the Minh Phát chair has a messenger in this test
    await runtime.drain()
    text = await inbox(client, people["officer"])
    assert "Tổng kết tháng 2026-11 của Công đoàn Công ty TNHH Cơ khí Minh Phát" in text
    assert "4 đoàn viên đã tham gia và đạt tổng cộng 3.400 điểm." in text

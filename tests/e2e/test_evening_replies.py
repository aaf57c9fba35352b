"""Quiet hours (21:00–07:00 in Vietnam) hold announcements, not the answers to what a person is
doing: in the evening a worker who just sent an initiative hears it was received, and hears it
was accepted; a co-author who has not written for hours is told in the morning."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlmodel import Session, select

from bots.bootstrap import Runtime
from core import initiatives as service
from core.campaigns.scope import Actor
from core.members.models import Identity
from core.storage.models import OutboxMessage, OutboxStatus
from tests.e2e.campaign_support import MINH_PHAT, load_demo, member, member_id
from tests.e2e.initiative_support import notifier, reward_table, sent_initiative

pytestmark = pytest.mark.anyio


def _rows_of(runtime: Runtime, member: int) -> list[OutboxMessage]:
    with Session(runtime.engine) as session:
        ids = select(Identity.id).where(Identity.member_id == member)
        return list(
            session.exec(
                select(OutboxMessage)
                .where(OutboxMessage.identity_id.in_(ids))  # type: ignore[attr-defined]
                .order_by(OutboxMessage.id)  # type: ignore[arg-type]
            )
        )


async def test_a_worker_in_the_evening_hears_about_their_own_initiative(
    client: httpx.AsyncClient, runtime: Runtime, clock
):
    load_demo(runtime)
    clock.current = datetime(2026, 11, 25, 14, 30, tzinfo=UTC)  # 21:30 in Hồ Chí Minh City
    reward_table(runtime, MINH_PHAT)
    helper = await member(client, runtime, name="Trần Văn Hùng")
    clock.current += timedelta(hours=1)  # 22:30: Hùng has gone to sleep
    lan = await member(client, runtime, name="Nguyễn Thị Lan")
    hung_id = member_id(runtime, "Trần Văn Hùng")

    item_id, code = sent_initiative(
        runtime, member_id(runtime, "Nguyễn Thị Lan"), coauthors=(hung_id,)
    )
    received = await lan.replies()
    assert code in lan.texts(received)  # not held until 07:00

    clock.current += timedelta(minutes=5)
    with Session(runtime.engine) as session, session.begin():
        service.accept(
            session,
            actor=Actor.admin(),
            initiative_id=item_id,
            notifier=notifier(runtime),
            now=clock.current,
        )
    accepted = await lan.replies()
    assert "đã được công nhận" in lan.texts(accepted)

    # Hùng wrote an hour ago: his copies wait for the end of quiet hours
    await helper.replies()
    held = _rows_of(runtime, hung_id)
    assert held and all(r.proactive and r.status == OutboxStatus.PENDING for r in held[-2:])

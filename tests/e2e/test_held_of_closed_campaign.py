"""Issue #15, retention: an announcement of a campaign held for a Zalo member outside the
messaging window is not delivered once the campaign has closed. Over the Zalo adapter (signed
webhook in, the fake OA's API out): the member writes again after the purge and gets only the
answer to what they wrote."""

# ruff: noqa: F811  (the fixtures are imported by name from tests/e2e/test_zalo.py)

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, select

from bots.bootstrap import Runtime
from bots.scheduling import retention_policy
from core.broadcasts.models import (
    Broadcast,
    BroadcastKind,
    BroadcastRecipient,
    BroadcastStatus,
    Reach,
)
from core.campaigns.models import Campaign, CampaignStatus
from core.members.models import Identity
from core.storage.models import OutboxMessage, OutboxStatus
from scheduler.jobs import purge_personal_data
from tests.e2e.test_zalo import (  # noqa: F401  (fixtures)
    build,
    fake,
    silent_member,
    user,
    zalo,
)
from tests.fakes.zalo_oa import FakeZaloOA, ZaloUser

pytestmark = pytest.mark.anyio


def tie_to_closed_campaign(runtime: Runtime, row_id: int) -> None:
    """The held row is the launch announcement of a campaign that has since closed."""
    with Session(runtime.engine) as session, session.begin():
        row = session.get(OutboxMessage, row_id)
        assert row is not None
        identity = session.get(Identity, row.identity_id)
        assert identity is not None and identity.member_id is not None
        campaign = Campaign(
            unit_id=3,
            title="Quý IV an toàn",
            starts_on=date(2026, 10, 1),
            ends_on=date(2026, 11, 20),
            status=CampaignStatus.CLOSED,
        )
        session.add(campaign)
        session.flush()
        broadcast = Broadcast(
            key=f"launch:{campaign.id}",
            kind=BroadcastKind.LAUNCH,
            campaign_id=campaign.id,
            unit_id=3,
            text=row.body,
            status=BroadcastStatus.QUEUED,
        )
        session.add(broadcast)
        session.flush()
        session.add(
            BroadcastRecipient(
                broadcast_id=broadcast.id,  # type: ignore[arg-type]
                member_id=identity.member_id,
                unit_id=3,
                platform="zalo",
                reach=Reach.NEXT_MESSAGE,
                dedupe_key=row.dedupe_key,
            )
        )


async def test_a_held_announcement_of_a_closed_campaign_is_not_delivered(
    user: ZaloUser, fake: FakeZaloOA
) -> None:
    row_id = await silent_member(user.runtime, fake, days=8)
    await user.runtime.drain()
    with Session(user.runtime.engine) as session:
        assert session.get(OutboxMessage, row_id).status == OutboxStatus.HELD  # type: ignore[union-attr]
    tie_to_closed_campaign(user.runtime, row_id)

    counts = purge_personal_data(
        user.runtime.engine, user.runtime.clock, retention_policy(user.runtime.settings)
    )
    assert counts["held_of_closed_campaigns"] == 1
    with Session(user.runtime.engine) as session:
        row = session.get(OutboxMessage, row_id)
        assert row is not None and (row.status, row.body) == (OutboxStatus.CANCELLED, "")

    replies = await user.say("/help")
    assert all("Phát động phong trào" not in m.text for m in replies), [m.text for m in replies]
    assert "Phát động phong trào thi đua quý IV." not in [d.text for d in fake.delivered]
    with Session(user.runtime.engine) as session:
        held = session.exec(select(OutboxMessage).where(OutboxMessage.status == "held")).all()
        assert held == []

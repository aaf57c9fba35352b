"""Issue #15: the demo's members carry consent rows as real members do (taking part and
announcements, with the wording's version; two in three their name beyond their union), so the
demo's boards and announcements behave like a real union's: a worker of another union reads
the full name of those who agreed and the initials of the others. On SQLite and PostgreSQL."""

from __future__ import annotations

import httpx
import pytest
from sqlmodel import Session, col, select

from bots.bootstrap import Runtime
from core.members.consents import WORDING
from core.members.labels import initials
from core.members.models import Consent, ConsentPurpose, Member
from tests.e2e.campaign_support import HUNG_THINH, load_demo, member
from tests.e2e.test_leaderboard_typed import give_points

pytestmark = pytest.mark.anyio


def consents_of(session: Session) -> dict[int, set[str]]:
    given: dict[int, set[str]] = {}
    for row in session.exec(select(Consent).where(col(Consent.withdrawn_at).is_(None))):
        assert row.wording == WORDING[ConsentPurpose(row.purpose)]
        given.setdefault(row.member_id, set()).add(row.purpose)
    return given


async def test_the_demo_members_consented_like_real_members(
    client: httpx.AsyncClient, runtime: Runtime
):
    load_demo(runtime)
    with Session(runtime.engine) as session:
        given = consents_of(session)
        demo_members = session.exec(select(Member).order_by(col(Member.id))).all()
        assert len(demo_members) == 30 and set(given) == {m.id for m in demo_members}
        for person in demo_members:
            assert {"data_processing", "announcements"} <= given[person.id]
        public = [m for m in demo_members if "public_name" in given[m.id]]
        assert len(public) == 20
        hung_thinh = [m for m in demo_members if m.unit_id == HUNG_THINH][1:]  # not the officer
        named = next(m for m in hung_thinh if "public_name" in given[m.id])
        hidden = next(m for m in hung_thinh if "public_name" not in given[m.id])
        named_name, hidden_name = named.full_name or "", hidden.full_name or ""

    give_points(runtime, named_name, 50)
    give_points(runtime, hidden_name, 40)
    lan = await member(client, runtime, name="Nguyễn Thị Lan")  # of Minh Phát
    await lan.say("4")  # the leaderboards
    board = lan.texts(await lan.say("2"))  # people, all time
    assert f"1. {named_name}" in board, board
    assert f"2. {initials(hidden_name)}" in board and hidden_name not in board, board

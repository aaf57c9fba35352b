"""Inbound values that platforms can produce and that must neither crash nor be lost."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from bots.bootstrap import Runtime
from core import demo
from core.messages import IncomingMessage
from core.storage.models import InboundUpdate
from tests.e2e.test_webchat_onboarding import join
from tests.webchat import ChatUser

pytestmark = pytest.mark.anyio


async def test_nul_and_overlong_ids_are_stored_and_answered(runtime: Runtime):
    long_id = "x" * 300
    messages = [
        IncomingMessage("webchat", "id\x00with-nul", "sender\x00nul", runtime.clock.now(), "/help"),
        IncomingMessage("webchat", long_id + "a", "s2", runtime.clock.now(), "/help"),
        IncomingMessage("webchat", long_id + "b", "s2", runtime.clock.now(), "/help"),
    ]
    assert await runtime.accept(messages) == 3
    assert await runtime.accept(messages) == 0
    await runtime.drain()
    with Session(runtime.engine) as session:
        rows = session.exec(select(InboundUpdate)).all()
        assert {r.status for r in rows} == {"done"}
        assert all(len(r.external_id) <= 128 for r in rows)
    assert await runtime.mailbox.read_after("sender\ufffdnul", 0)
    assert len(await runtime.mailbox.read_after("s2", 0)) == 2


async def test_a_joined_member_following_an_invite_link_again(client, runtime: Runtime):
    with Session(runtime.engine) as session, session.begin():
        demo.load(session, now=runtime.clock.now())
    user = await ChatUser(client, runtime).open()
    await join(user)
    await runtime.accept(
        [
            IncomingMessage(
                "webchat", "ref-1", user.session, runtime.clock.now(), referral="CDCSFD44"
            )
        ]
    )
    replies = await user.replies()
    assert "Bạn đã tham gia Công đoàn Công ty TNHH Cơ khí Minh Phát" in user.texts(replies)

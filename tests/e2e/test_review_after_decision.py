"""An officer's old "Assign to another officer" button, tapped after the initiative was
accepted, says it cannot be done now instead of listing officers to reassign it to (over the
web chat; the initiative's assignee and events are unchanged)."""

from __future__ import annotations

import httpx
import pytest
from sqlmodel import Session, func, select

from bots.bootstrap import Runtime
from core.initiatives.models import Initiative, InitiativeEvent
from tests.e2e.test_forget_keeps_records import submit
from tests.e2e.test_initiative_chat import demo_data, join, officer_chat
from tests.webchat import ChatUser

pytestmark = pytest.mark.anyio
__all__ = ["demo_data"]  # the fixture, used by name


async def test_the_assign_button_of_an_accepted_initiative_refuses(
    client: httpx.AsyncClient, runtime: Runtime, demo_data: None
) -> None:
    worker = await ChatUser(client, runtime).open()
    await join(worker, "Nguyễn Thị Lan")
    officer = await officer_chat(client, runtime)
    await submit(worker, "Gá kẹp nhanh cho máy phay")
    card = await officer.replies()
    assign = next(p for p in officer.payloads(card) if p.startswith("ini_rv:asg:"))
    await officer.tap("Công nhận")
    await officer.tap("Đồng ý, công nhận và trả thưởng")
    with Session(runtime.engine) as session:
        before = (
            session.exec(select(Initiative.status, Initiative.assignee_id)).one(),
            session.exec(select(func.count()).select_from(InitiativeEvent)).one(),
        )
    answer = await officer.say("", payload=assign)
    refused = officer.texts(answer)
    assert "Không thể làm việc này ở giai đoạn hiện tại" in refused, refused
    assert not [p for p in officer.payloads(answer) if p.startswith("ini_asg:")]
    with Session(runtime.engine) as session:
        after = (
            session.exec(select(Initiative.status, Initiative.assignee_id)).one(),
            session.exec(select(func.count()).select_from(InitiativeEvent)).one(),
        )
    assert after == before

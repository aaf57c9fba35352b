"""Issue #15: buttons still in a chat after their object went. A draft discarded or purged:
its old buttons answer that it is no longer there and change nothing, and the next initiative
gets a new id and tracking code. A forgotten person's open initiative: the officer's buttons
still decide it for the union's records, naming "a former member", and nothing is sent to the
erased person. Over the web chat, on SQLite and PostgreSQL."""

from __future__ import annotations

import re

import httpx
import pytest
from sqlmodel import Session, col, select

from bots.bootstrap import Runtime
from bots.scheduling import retention_policy
from core.initiatives.buttons import Benefit, Category, Draft, DraftAction
from core.initiatives.models import Initiative, InitiativeAuthor
from core.initiatives.rules import BenefitKind, Status
from core.points.models import PointsEntry
from scheduler.jobs import purge_personal_data
from tests.e2e.test_forget_keeps_records import submit
from tests.e2e.test_initiative_chat import demo_data, join, officer_chat
from tests.webchat import ChatUser

pytestmark = pytest.mark.anyio
__all__ = ["demo_data"]  # the fixture, used by name
GONE = "Bản nháp này không còn nữa."


async def draft_to_confirm(user: ChatUser, title: str) -> list[str]:
    """A draft filled in up to its last step; the payloads of the buttons it shows."""
    await user.say("/menu")
    await user.tap("menu:initiative")
    await user.say(title)
    await user.say("Thay dao mất 20 phút mỗi lần")
    await user.say("Dùng gá kẹp cam thay bu lông")
    await user.tap(Benefit(BenefitKind.MONEY).pack())
    await user.say("24 triệu")
    await user.tap(Draft(DraftAction.FILES_DONE).pack())
    await user.tap(Draft(DraftAction.COAUTHORS_DONE).pack())
    shown = await user.tap(Category("technical").pack())
    payloads = user.payloads(shown)
    assert Draft(DraftAction.SUBMIT).pack() in payloads, user.texts(shown)
    return payloads


def initiatives(runtime: Runtime) -> list[tuple[int, str]]:
    with Session(runtime.engine) as session:
        return list(
            session.exec(
                select(Initiative.id, Initiative.status).order_by(col(Initiative.id))
            ).all()  # type: ignore[arg-type]
        )


async def test_a_removed_drafts_buttons_change_nothing(
    client: httpx.AsyncClient, runtime: Runtime, demo_data: None
) -> None:
    worker = await ChatUser(client, runtime).open()
    await join(worker, "Nguyễn Thị Lan")

    # discarded: the draft was the newest initiative
    old = await draft_to_confirm(worker, "Gá kẹp nhanh cho máy phay")
    [(discarded_id, _status)] = initiatives(runtime)
    await worker.tap(Draft(DraftAction.DISCARD).pack())
    assert initiatives(runtime) == []
    for payload in old:
        answer = worker.texts(await worker.say("", payload=payload))
        assert GONE in answer or "Nút này không còn hiệu lực." in answer, (payload, answer)
        assert initiatives(runtime) == []

    # purged after 90 days without being sent
    old = await draft_to_confirm(worker, "Khay chứa phoi cho máy tiện")
    [(purged_id, _status)] = initiatives(runtime)
    assert purged_id > discarded_id  # not the discarded one's id again
    runtime.clock.advance(days=91)
    assert (
        purge_personal_data(runtime.engine, runtime.clock, retention_policy(runtime.settings))[
            "drafts"
        ]
        == 1
    )
    answer = worker.texts(await worker.say("", payload=Draft(DraftAction.SUBMIT).pack()))
    assert GONE in answer or "Nút này không còn hiệu lực." in answer, answer
    assert initiatives(runtime) == []

    # the next initiative sent gets a new id and tracking code (the year turned meanwhile)
    await draft_to_confirm(worker, "Đèn LED cho tủ điện")
    sent = worker.texts(await worker.tap(Draft(DraftAction.SUBMIT).pack()))
    [(sent_id, status)] = initiatives(runtime)
    assert sent_id > purged_id and status == Status.RECEIVED
    found = re.search(r"SK-\d{4}-(\d{6})", sent)
    assert found and int(found.group(1)) == sent_id, sent


async def test_an_officer_decides_a_forgotten_persons_initiative(
    client: httpx.AsyncClient, runtime: Runtime, demo_data: None
) -> None:
    worker = await ChatUser(client, runtime).open()
    await join(worker, "Nguyễn Thị Lan")
    officer = await officer_chat(client, runtime)
    tracking = await submit(worker, "Gá kẹp nhanh cho máy phay")
    card = officer.texts(await officer.replies())
    assert tracking in card and "Nguyễn Thị Lan" in card

    await worker.say("/forget")
    await worker.tap("privacy:forget_yes")
    await worker.replies()

    asked = officer.texts(await officer.tap("Công nhận"))
    assert "2.000.000" in asked and "Nguyễn Thị Lan" not in asked, asked
    accepted = officer.texts(await officer.tap("Đồng ý, công nhận và trả thưởng"))
    assert tracking in accepted and "Nguyễn Thị Lan" not in accepted, accepted
    assert worker.texts(await worker.replies()) == ""  # nothing reaches the erased person
    with Session(runtime.engine) as session:
        item = session.exec(select(Initiative).where(Initiative.code == tracking)).one()
        assert item.status == Status.ACCEPTED and item.reward_vnd
        [author] = session.exec(
            select(InitiativeAuthor).where(InitiativeAuthor.initiative_id == item.id)
        ).all()
        ledger = session.exec(
            select(PointsEntry.member_id, PointsEntry.points).where(
                PointsEntry.member_id == author.member_id
            )
        ).all()
        assert author.share_vnd == item.reward_vnd and ledger  # the union's record of the reward

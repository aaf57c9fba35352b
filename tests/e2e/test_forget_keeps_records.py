"""Issue #15: a person who sends /forget is erased, the union's records stay. Over the web
chat: an initiative with a co-author, accepted with a reward, then the submitter forgets."""

from __future__ import annotations

import re

import httpx
import pytest
from sqlmodel import Session, col, select

from bots.bootstrap import Runtime
from core.initiatives.buttons import Benefit, Category, Draft, DraftAction
from core.initiatives.models import Initiative, InitiativeAuthor
from core.initiatives.rules import BenefitKind
from core.leaderboards.buttons import Board, Period, Ranking
from core.members.models import Member, OfficerRole
from core.points.models import MemberScore, PointsEntry
from tests.e2e.test_initiative_chat import demo_data, join, officer_chat
from tests.webchat import ChatUser

pytestmark = pytest.mark.anyio
__all__ = ["demo_data"]  # the fixture, used by name


async def submit(user: ChatUser, title: str, *, coauthor: str | None = None) -> str:
    await user.say("/menu")
    await user.tap("menu:initiative")
    await user.say(title)
    await user.say("Thay dao mất 20 phút mỗi lần")
    await user.say("Dùng gá kẹp cam thay bu lông")
    await user.tap(Benefit(BenefitKind.MONEY).pack())
    await user.say("24 triệu")
    await user.tap(Draft(DraftAction.FILES_DONE).pack())
    if coauthor is not None:
        await user.tap(Draft(DraftAction.ADD_COAUTHOR).pack())
        await user.say(coauthor)
        await user.tap(coauthor)
    await user.tap(Draft(DraftAction.COAUTHORS_DONE).pack())
    await user.tap(Category("technical").pack())
    sent = await user.tap(Draft(DraftAction.SUBMIT).pack())
    found = re.search(r"SK-2026-\d{6}", user.texts(sent))
    assert found, user.texts(sent)
    return found.group(0)


def records(runtime: Runtime, code: str) -> tuple[object, ...]:
    with Session(runtime.engine) as session:
        item = session.exec(select(Initiative).where(Initiative.code == code)).one()
        shares = session.exec(
            select(
                InitiativeAuthor.position, InitiativeAuthor.share_vnd, InitiativeAuthor.share_points
            )
            .where(InitiativeAuthor.initiative_id == item.id)
            .order_by(col(InitiativeAuthor.position))
        ).all()
        ledger = session.exec(
            select(PointsEntry.member_id, PointsEntry.unit_id, PointsEntry.points).order_by(
                col(PointsEntry.id)
            )
        ).all()
        scores = session.exec(
            select(MemberScore.scope, MemberScore.member_id, MemberScore.points).order_by(
                col(MemberScore.scope), col(MemberScore.member_id)
            )
        ).all()
        return (item.status, item.reward_vnd, item.reward_points, shares, ledger, scores)


async def test_forget_keeps_the_initiative_shares_and_totals(
    client: httpx.AsyncClient, runtime: Runtime, demo_data: None
) -> None:
    worker = await ChatUser(client, runtime).open()
    await join(worker, "Nguyễn Thị Lan")
    coworker = await ChatUser(client, runtime).open()
    await join(coworker, "Trần Văn Hùng")
    officer = await officer_chat(client, runtime)

    tracking = await submit(worker, "Gá kẹp nhanh cho máy phay", coauthor="Trần Văn Hùng")
    card = await officer.replies()
    assert tracking in officer.texts(card)
    await officer.tap("Công nhận")
    accepted = await officer.tap("Đồng ý, công nhận và trả thưởng")
    assert "2.000.000" in officer.texts(accepted)
    old_buttons = officer.payloads(card)
    before = records(runtime, tracking)
    assert before[3] == [(0, 1_000_000, 16), (1, 1_000_000, 15)]
    report_before = officer.texts(await officer.say("/report_initiatives"))

    asked = await worker.say("/forget")
    assert "Công đoàn vẫn giữ hồ sơ" in worker.texts(asked)
    assert "cựu đoàn viên" in worker.texts(asked)
    gone = await worker.tap("privacy:forget_yes")
    assert "đã được xóa" in worker.texts(gone)

    # the union's records are exactly what they were
    assert records(runtime, tracking) == before
    assert officer.texts(await officer.say("/report_initiatives")) == report_before
    with Session(runtime.engine) as session:
        assert (
            session.exec(select(Member).where(Member.full_name == "Nguyễn Thị Lan")).first() is None
        )
        former = session.exec(select(Member).where(col(Member.forgotten_at).is_not(None))).one()
        assert (former.full_name, former.phone) == (None, None)

    # the co-author still sees it, and the card names the submitter as a former member
    mine = coworker.texts(await coworker.say("/my_initiatives"))
    assert tracking in mine
    # the people's board ranks current members only; the unit keeps the former member's points
    board = coworker.texts(
        await coworker.say("", payload=Board(Ranking.PEOPLE, Period.ALL_TIME).pack())
    )
    assert "Trần Văn Hùng" in board and "1/1" in board, board
    assert "Cựu đoàn viên" not in board, board
    units = coworker.texts(
        await coworker.say("", payload=Board(Ranking.TAKING_PART, Period.ALL_TIME).pack())
    )
    assert "(2/12 đoàn viên)" in units, units  # both authors still took part

    # the next initiative gets a new tracking code
    second = await submit(coworker, "Khay chứa phoi cho máy tiện")
    assert second != tracking
    fresh = await officer.replies()
    assert second in officer.texts(fresh)
    assert "Cựu đoàn viên" not in officer.texts(fresh)

    # the officer's old buttons change nothing
    with Session(runtime.engine) as session:
        status_second = session.exec(
            select(Initiative.status).where(Initiative.code == second)
        ).one()
    accept = next(p for p in old_buttons if p.startswith("ini_rv:acc:"))
    refused = officer.texts(await officer.say("", payload=accept))
    assert "chỉ tính một lần" in refused
    for payload in old_buttons:
        await officer.say("", payload=payload)
    assert records(runtime, tracking) == before
    with Session(runtime.engine) as session:
        assert (
            session.exec(select(Initiative.status).where(Initiative.code == second)).one()
            == status_second
        )


async def test_an_officer_forgets_in_the_middle_of_a_review_and_again(
    client: httpx.AsyncClient, runtime: Runtime, demo_data: None
) -> None:
    worker = await ChatUser(client, runtime).open()
    await join(worker, "Nguyễn Thị Lan")
    officer = await officer_chat(client, runtime)
    first = await submit(worker, "Gá kẹp nhanh cho máy phay")
    await officer.replies()
    await officer.tap("Công nhận")
    await officer.tap("Đồng ý, công nhận và trả thưởng")
    second = await submit(worker, "Khay chứa phoi cho máy tiện")
    await officer.replies()
    await officer.tap("Yêu cầu bổ sung thông tin")
    await officer.say("Khay dùng cho máy nào?")  # now assigned to them
    with Session(runtime.engine) as session:
        officer_id = session.exec(
            select(Initiative.decided_by).where(Initiative.code == first)
        ).one()
        assert (
            session.exec(select(Initiative.assignee_id).where(Initiative.code == second)).one()
            == officer_id
        )

    await officer.say("/forget")
    await officer.tap("privacy:forget_yes")
    with Session(runtime.engine) as session:
        decided = session.exec(select(Initiative).where(Initiative.code == first)).one()
        assert (decided.status, decided.decided_by) == ("accepted", officer_id)
        open_one = session.exec(select(Initiative).where(Initiative.code == second)).one()
        assert open_one.assignee_id is None
        assert (
            session.exec(select(OfficerRole).where(OfficerRole.member_id == officer_id)).first()
            is None
        )
    again = officer.texts(await officer.say("/forget"))
    assert "không có gì để xóa" in again

    # a worker forgets in the middle of a draft: the draft goes, the sent initiatives stay
    await worker.say("/menu")
    await worker.tap("menu:initiative")
    await worker.say("Một ý tưởng chưa xong")
    await worker.say("/forget")
    await worker.tap("privacy:forget_yes")
    with Session(runtime.engine) as session:
        left = session.exec(select(Initiative.code, Initiative.status)).all()
        assert sorted(c for c, _s in left) == sorted([first, second])

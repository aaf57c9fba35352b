"""Each bad input of the foundation gets a clear answer and loses nothing."""

from __future__ import annotations

import unicodedata

import httpx
import pytest
from sqlmodel import Session, func, select

from bots.bootstrap import Runtime
from core import demo
from core.members.models import Member
from core.storage.models import InboundUpdate, OutboxMessage
from tests.e2e.test_webchat_onboarding import join
from tests.webchat import ChatUser

pytestmark = pytest.mark.anyio

MENU_HINT = "Xin lỗi, tôi chưa hiểu ý bạn"


@pytest.fixture
async def member(client: httpx.AsyncClient, runtime: Runtime) -> ChatUser:
    with Session(runtime.engine) as session, session.begin():
        demo.load(session, now=runtime.clock.now())
    user = await ChatUser(client, runtime).open()
    await join(user)
    return user


@pytest.mark.parametrize(
    "text",
    ["", "   ", "x" * 10_000, "😀🎉👍", "\u200b\u200c\u200d\ufeff", "random words"],
    ids=["empty", "spaces", "10000-chars", "emoji", "zero-width", "words"],
)
async def test_unusual_text_gets_the_menu(member: ChatUser, text: str):
    replies = await member.say(text)
    assert len(replies) == 1
    assert MENU_HINT in member.texts(replies)
    assert "menu:help" in member.payloads(replies)


async def test_unknown_command(member: ChatUser):
    replies = await member.say("/frobnicate now")
    assert "Tôi chưa hiểu lệnh /frobnicate." in member.texts(replies)


async def test_stale_button(member: ChatUser):
    replies = await member.say("Có", payload="onb_lead:1")
    assert "Nút này không còn hiệu lực." in member.texts(replies)
    replies = await member.say("?", payload="nonsense:42")
    assert "Nút này không còn hiệu lực." in member.texts(replies)


async def test_nfd_name_is_stored_as_nfc(client: httpx.AsyncClient, runtime: Runtime):
    with Session(runtime.engine) as session, session.begin():
        demo.load(session, now=runtime.clock.now())
    user = await ChatUser(client, runtime).open()
    nfd = unicodedata.normalize("NFD", "Phạm Thị Hồng\u200b Nhung")
    assert nfd != unicodedata.normalize("NFC", nfd)
    await join(user, name=nfd)
    with Session(runtime.engine) as session:
        member = session.exec(select(Member).where(Member.full_name == "Phạm Thị Hồng Nhung")).one()
        assert unicodedata.is_normalized("NFC", member.full_name or "")


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("😀😀", "bằng chữ"),
        ("x" * 150, "tối đa 100"),
        ("Lan123", "chỉ gồm chữ cái"),
        ("L", "quá ngắn"),
    ],
)
async def test_bad_names_are_refused(
    client: httpx.AsyncClient, runtime: Runtime, name: str, problem: str
):
    with Session(runtime.engine) as session, session.begin():
        demo.load(session, now=runtime.clock.now())
    user = await ChatUser(client, runtime).open()
    await user.say("/start CDCSTN33")
    await user.tap("onb_ok:1")
    await user.tap("onb_pur:announcements:1")
    await user.tap("onb_pur:public_name:1")
    replies = await user.say(name)
    assert problem in user.texts(replies)
    assert "Họ và tên của bạn là gì?" in user.texts(replies)


async def test_same_update_twice_is_processed_once(member: ChatUser, runtime: Runtime):
    first = await member.post(text="/profile", id="fixed-id-1")
    second = await member.post(text="/profile", id="fixed-id-1")
    assert first.json() == {"accepted": True, "duplicate": False}
    assert second.json() == {"accepted": False, "duplicate": True}
    replies = await member.replies()
    assert len(replies) == 1
    with Session(runtime.engine) as session:
        count = session.exec(
            select(func.count())
            .select_from(InboundUpdate)
            .where(InboundUpdate.external_id == f"{member.session}:fixed-id-1")
        ).one()
        assert count == 1


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"[1,2]", b'"text"', b"\xff\xfe", b'{"session": 5}', b'{"session":"short"}'],
)
async def test_malformed_webchat_requests_are_400(
    client: httpx.AsyncClient, runtime: Runtime, body: bytes
):
    response = await client.post(
        "/chat/api/messages", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["error"]
    with Session(runtime.engine) as session:
        assert session.exec(select(func.count()).select_from(InboundUpdate)).one() == 0


async def test_wrong_types_and_oversize(client: httpx.AsyncClient, runtime: Runtime):
    user = await ChatUser(client, runtime).open()
    response = await client.post("/chat/api/messages", json={"session": user.session, "text": 5})
    assert response.status_code == 400
    response = await client.post(
        "/chat/api/messages", json={"session": user.session, "text": "x" * 10_001}
    )
    assert response.status_code == 413
    response = await client.get(
        "/chat/api/messages", params={"session": user.session, "after": "x"}
    )
    assert response.status_code == 400


async def test_nothing_is_sent_when_the_handler_fails(member: ChatUser, runtime: Runtime):
    """A crashing handler rolls back its transaction: no reply from it, one apology, row kept."""
    from bots.bootstrap import build_dispatcher
    from core.dispatch import Router
    from core.members import fallbacks, menu, onboarding, privacy

    buggy = Router()

    @buggy.command("crash", members_only=True)
    def crash(ctx):  # a feature with a bug: it changes state, then raises
        ctx.member.full_name = "Changed"
        raise RuntimeError("bug")

    runtime.processor.dispatcher = build_dispatcher().__class__(
        [onboarding.router, privacy.router, menu.router, buggy], fallbacks.FALLBACKS
    )
    replies = await member.say("/crash")
    assert (
        member.texts(replies)
        == "Xin lỗi, hệ thống vừa gặp trục trặc. Bạn vui lòng thử lại sau ít phút."
    )
    with Session(runtime.engine) as session:
        failed = session.exec(select(InboundUpdate).where(InboundUpdate.status == "failed")).one()
        assert failed.error == "handler error"
        assert (
            session.exec(
                select(func.count())
                .select_from(OutboxMessage)
                .where(
                    OutboxMessage.dedupe_key.startswith(f"reply:{failed.id}:")  # type: ignore[attr-defined]
                )
            ).one()
            == 0
        )
        assert session.exec(select(Member).where(Member.full_name == "Changed")).first() is None

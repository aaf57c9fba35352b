"""Messenger end to end: signed webhooks in, answers out at a fake Graph API on loopback,
and the rows in the database (SQLite, or PostgreSQL with --db=postgres)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from sqlmodel import Session, func, select

from bots.bootstrap import Runtime
from bots.settings import Settings, load_settings
from core import demo, outbox
from core.members.models import Identity, InviteCode, Member, OfficerRole, UnionUnit, WorkerGroup
from core.messages import Button, OutgoingMessage
from core.storage.models import ChannelCredential, InboundUpdate, OutboxMessage
from tests.fakes.facebook_graph import FakeGraph, MessengerUser
from tests.fakes.server import serve_in_thread

pytestmark = pytest.mark.anyio

PAGE_TOKEN = "EAAGm0PX4ZCpsBAFakePageToken"
APP_SECRET = "3f1c2a9b8e7d6c5b4a39281706f5e4d3"
VERIFY_TOKEN = "thidua-verify-Zq81"
MINH_PHAT = "Công đoàn Công ty TNHH Cơ khí Minh Phát"


@pytest.fixture
def fake(clock) -> Iterator[FakeGraph]:
    graph = FakeGraph(page_token=PAGE_TOKEN, app_secret=APP_SECRET, clock=clock)
    with serve_in_thread(graph.app) as url:
        graph.base_url = url
        yield graph


@pytest.fixture
def settings(database_url: str, fake: FakeGraph) -> Settings:
    """Overrides conftest's: the same database, with Messenger configured at the fake."""
    return load_settings(
        environ={
            "THIDUA_DATABASE_URL": database_url,
            "THIDUA_FACEBOOK_PAGE_TOKEN": PAGE_TOKEN,
            "THIDUA_FACEBOOK_APP_SECRET": APP_SECRET,
            "THIDUA_FACEBOOK_VERIFY_TOKEN": VERIFY_TOKEN,
            "THIDUA_FACEBOOK_GRAPH_BASE": f"{fake.base_url}/v23.0",
        }
    )


@pytest.fixture(autouse=True)
async def close_clients(runtime: Runtime) -> AsyncIterator[None]:
    yield
    await runtime.aclose()


@pytest.fixture
def demo_data(runtime: Runtime) -> None:
    with Session(runtime.engine) as session, session.begin():
        demo.load(session, now=runtime.clock.now())


def user(fake: FakeGraph, client: httpx.AsyncClient, runtime: Runtime, psid: str):
    return MessengerUser(fake, client, runtime, psid)


def inbound_count(runtime: Runtime) -> int:
    with Session(runtime.engine) as session:
        return session.exec(select(func.count()).select_from(InboundUpdate)).one()


async def join(person: MessengerUser, code: str = "CDCSTN33", name: str = "Nguyễn Thị Lan"):
    await person.get_started(ref=code)
    await person.tap("onb_ok:1")
    await person.tap("onb_pur:announcements:1")
    await person.tap("onb_pur:public_name:1")
    await person.say(name)
    await person.tap("onb_name:1")  # «Đúng»: the name shown back is right
    await person.tap("onb_group:direct_worker")
    await person.tap("onb_lead:0")
    await person.tap("onb_lang:vi")


# --- webhook verification (GET) --------------------------------------------------------


async def test_subscription_check(client: httpx.AsyncClient):
    ok = await client.get(
        "/webhooks/facebook",
        params={
            "hub.mode": "subscribe",
            "hub.verify_token": VERIFY_TOKEN,
            "hub.challenge": "1158201444",
        },
    )
    assert ok.status_code == 200 and ok.text == "1158201444"
    for params in (
        {"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1"},
        {"hub.mode": "unsubscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1"},
        {"hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1"},
        {"hub.mode": "subscribe", "hub.challenge": "1"},
    ):
        refused = await client.get("/webhooks/facebook", params=params)
        assert refused.status_code == 403, params
        assert "1" not in refused.text


# --- the POST webhook ------------------------------------------------------------------


async def test_signed_batch_of_three_events_gets_three_replies(
    fake: FakeGraph, client: httpx.AsyncClient, runtime: Runtime, demo_data: None
):
    # Two entries, the first with two events: every one of them must be answered.
    body = fake.body(
        [
            fake.message_event("7001", "Xin chào"),
            fake.postback_event("7002", "GET_STARTED", "Bắt đầu"),
        ],
        [fake.message_event("7003", "CDCSTN33")],
    )
    response = await fake.deliver(client, body)
    assert response.status_code == 200
    assert response.json() == {"received": 3, "new": 3, "ignored": 0}
    await runtime.drain()
    assert sorted(m.recipient for m in fake.sent) == ["7001", "7002", "7003"]
    assert {m.messaging_type for m in fake.sent} == {"RESPONSE"}
    assert "mã mời" in fake.sent_to("7001")[0].text
    assert MINH_PHAT in fake.sent_to("7003")[0].text
    with Session(runtime.engine) as session:
        rows = session.exec(select(InboundUpdate)).all()
        assert {r.sender_id for r in rows} == {"7001", "7002", "7003"}
        assert {r.status for r in rows} == {"done"}


@pytest.mark.parametrize(
    "signature",
    [
        None,
        "sha256=" + "0" * 64,
        "sha1=0123456789abcdef0123456789abcdef01234567",
        "sha256=",
        "garbage",
    ],
    ids=["missing", "wrong", "sha1-form", "empty", "garbage"],
)
async def test_bad_signature_is_403_and_nothing_stored(
    fake: FakeGraph, client: httpx.AsyncClient, runtime: Runtime, signature: str | None
):
    body = fake.body([fake.message_event("7001", "Xin chào")])
    response = await fake.deliver(client, body, signature=signature)
    assert response.status_code == 403
    assert inbound_count(runtime) == 0
    await runtime.drain()
    assert fake.calls == 0


async def test_signature_is_over_the_raw_bytes(
    fake: FakeGraph, client: httpx.AsyncClient, runtime: Runtime
):
    """Signed as sent (escaped unicode); the same JSON re-serialised is not what was signed."""
    body = fake.body([fake.message_event("7001", "Tiếng Việt có dấu")])
    assert b"\\u1ebf" in body
    resigned = json.dumps(json.loads(body), ensure_ascii=False).encode()
    response = await fake.deliver(client, resigned, signature=fake.sign(body))
    assert response.status_code == 403
    assert inbound_count(runtime) == 0
    response = await fake.deliver(client, body)
    assert response.status_code == 200
    with Session(runtime.engine) as session:
        row = session.exec(select(InboundUpdate)).one()
        assert "Tiếng Việt có dấu" in (row.body or "")


async def test_echo_is_ignored(fake: FakeGraph, client: httpx.AsyncClient, runtime: Runtime):
    body = fake.body([fake.message_event("7001", "Chào bạn", echo=True)])
    response = await fake.deliver(client, body)
    assert response.status_code == 200
    assert response.json() == {"received": 0, "new": 0, "ignored": 1}
    await runtime.drain()
    assert inbound_count(runtime) == 0
    assert fake.sent == []


async def test_receipts_and_reads_are_ignored(
    fake: FakeGraph, client: httpx.AsyncClient, runtime: Runtime
):
    events = [
        {
            "sender": {"id": "7001"},
            "recipient": {"id": fake.page_id},
            "timestamp": 1,
            "delivery": {"mids": ["m_1"], "watermark": 1},
        },
        {
            "sender": {"id": "7001"},
            "recipient": {"id": fake.page_id},
            "timestamp": 2,
            "read": {"watermark": 2},
        },
    ]
    response = await fake.deliver(client, fake.body(events))
    assert response.status_code == 200
    assert response.json()["ignored"] == 2
    assert inbound_count(runtime) == 0


async def test_duplicate_mid_gets_one_reply(
    fake: FakeGraph, client: httpx.AsyncClient, runtime: Runtime
):
    event = fake.message_event("7001", "Xin chào", mid="m_retry_me")
    first = await fake.deliver(client, fake.body([event]))
    again = await fake.deliver(client, fake.body([event]))  # Meta's retry of the same event
    assert first.json()["new"] == 1 and again.json()["new"] == 0
    await runtime.drain()
    assert len(fake.sent_to("7001")) == 1
    assert inbound_count(runtime) == 1


async def test_malformed_signed_bodies(
    fake: FakeGraph, client: httpx.AsyncClient, runtime: Runtime
):
    for body in (b"{not json", b"[1]", b'{"object":"instagram","entry":[]}', b'{"object":"page"}'):
        response = await fake.deliver(client, body)
        assert response.status_code == 400, body
        assert response.json()["error"]
    # An unreadable event inside a good batch is skipped; its neighbours are kept.
    body = fake.body([{"sender": {}, "message": {"mid": "m_x"}}, fake.message_event("7001", "Hi")])
    response = await fake.deliver(client, body)
    assert response.status_code == 200
    assert response.json() == {"received": 1, "new": 1, "ignored": 1}
    assert inbound_count(runtime) == 1


async def test_control_characters_are_stored_not_refused(
    fake: FakeGraph, client: httpx.AsyncClient, runtime: Runtime
):
    """PostgreSQL refuses NUL in text columns; a retry loop on that would unsubscribe us."""
    event = fake.message_event("7001", "a\u0000b\u0007c", mid="m_nul\u0000")
    response = await fake.deliver(client, fake.body([event]))
    assert response.status_code == 200 and response.json()["new"] == 1
    await runtime.drain()
    assert len(fake.sent_to("7001")) == 1


async def test_attachments_are_kept_as_references(
    fake: FakeGraph, client: httpx.AsyncClient, runtime: Runtime
):
    url = "https://scontent.xx.fbcdn.net/v/t1.15752-9/photo.jpg?_nc_cat=1"
    event = fake.message_event("7001", attachments=[{"type": "image", "payload": {"url": url}}])
    response = await fake.deliver(client, fake.body([event]))
    assert response.status_code == 200
    with Session(runtime.engine) as session:
        stored = json.loads(session.exec(select(InboundUpdate)).one().body or "{}")
    assert stored["attachments"] == [
        {"kind": "image", "ref": url, "name": None, "mime": None, "size": None}
    ]


# --- m.me referrals and onboarding -----------------------------------------------------


async def test_get_started_with_ref_joins_the_right_unit(
    fake: FakeGraph, client: httpx.AsyncClient, runtime: Runtime, demo_data: None
):
    lan = user(fake, client, runtime, "8801")
    consent = await lan.get_started(ref="CDCSTN33")
    assert MINH_PHAT in lan.texts(consent)
    assert {"onb_ok:1", "onb_ok:0"} <= set(lan.payloads(consent))
    await lan.tap("onb_ok:1")
    await lan.tap("onb_pur:announcements:1")
    await lan.tap("onb_pur:public_name:1")
    await lan.say("Nguyễn Thị Lan")
    await lan.tap("onb_name:1")
    await lan.tap("onb_group:direct_worker")
    await lan.tap("onb_lead:0")
    await lan.tap("onb_lang:vi")
    with Session(runtime.engine) as session:
        member = session.exec(select(Member).where(Member.full_name == "Nguyễn Thị Lan")).one()
        unit = session.get(UnionUnit, member.unit_id)
        assert unit is not None and unit.name == MINH_PHAT
        assert session.get(InviteCode, "CDCSTN33").uses == 1  # type: ignore[union-attr]


async def test_invite_command_link_joins_over_messenger(
    fake: FakeGraph,
    client: httpx.AsyncClient,
    runtime: Runtime,
    demo_data: None,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path,
):
    """`thidua invite` prints an m.me link; following it joins the unit it was made for."""
    from bots.cli import main

    monkeypatch.setenv("THIDUA_DATABASE_URL", database_url)
    monkeypatch.setenv("THIDUA_FACEBOOK_PAGE_USERNAME", "congdoanminhphat")
    assert (
        main(["invite", MINH_PHAT, "--qr", str(tmp_path / "qr.png"), "--qr-for", "facebook"]) == 0
    )
    link = next(
        word for word in capsys.readouterr().out.split() if word.startswith("https://m.me/")
    )
    assert link.startswith("https://m.me/congdoanminhphat?ref=")
    code = link.split("?ref=", 1)[1]
    assert code != "CDCSTN33"  # a fresh code, not the demo one
    hoa = user(fake, client, runtime, "8815")
    await join(hoa, code=code, name="Lê Thị Hoa")
    with Session(runtime.engine) as session:
        member = session.exec(select(Member).where(Member.full_name == "Lê Thị Hoa")).one()
        unit = session.get(UnionUnit, member.unit_id)
        assert unit is not None and unit.name == MINH_PHAT
        assert session.get(InviteCode, code).uses == 1  # type: ignore[union-attr]


async def test_ref_link_in_an_existing_thread(
    fake: FakeGraph, client: httpx.AsyncClient, runtime: Runtime, demo_data: None
):
    """The thread exists (the person wrote before): the ref comes as messaging_referrals."""
    binh = user(fake, client, runtime, "8802")
    await binh.say("alo")
    consent = await binh.open_link("CDCSFD44")
    assert "Công đoàn Công ty TNHH Giày da Hưng Thịnh Việt Nam" in binh.texts(consent)
    with Session(runtime.engine) as session:
        row = session.exec(
            select(InboundUpdate).where(InboundUpdate.external_id.startswith("ref:"))
        ).one()  # type: ignore[attr-defined]
        assert row.sender_id == "8802"


async def test_onboarding_over_messenger(
    fake: FakeGraph, client: httpx.AsyncClient, runtime: Runtime, demo_data: None
):
    lan = user(fake, client, runtime, "8803")
    first = await lan.get_started()
    assert "mã mời" in lan.texts(first)
    consent = await lan.say("cdcs-tn33")
    assert MINH_PHAT in lan.texts(consent)
    await lan.tap("onb_ok:1")
    await lan.tap("onb_pur:announcements:1")
    await lan.tap("onb_pur:public_name:1")
    shown = await lan.say("Nguyễn Thị Lan")
    assert "Họ và tên của bạn: Nguyễn Thị Lan" in lan.texts(shown)
    assert [o["title"] for m in shown for o in m.options] == ["Đúng", "Nhập lại"]
    asked_group = await lan.tap("Đúng")  # a quick reply
    assert "đối tượng" in lan.texts(asked_group)
    # "Người lao động trực tiếp sản xuất, kinh doanh" does not fit a 20-character title:
    # the full labels are listed in the text and the quick replies are numbered.
    assert "Người lao động trực tiếp sản xuất, kinh doanh" in lan.texts(asked_group)
    titles = [o["title"] for m in asked_group for o in m.options]
    assert all(len(t) <= 20 for t in titles) and titles[0].startswith("1. ")
    await lan.tap("onb_group:direct_worker")
    await lan.tap("onb_lead:0")
    done = await lan.tap("onb_lang:vi")
    assert "Chào mừng Nguyễn Thị Lan" in lan.texts(done)
    assert "menu:profile" in lan.payloads(done)
    profile = await lan.tap("menu:profile")
    assert "Nguyễn Thị Lan" in lan.texts(profile)
    with Session(runtime.engine) as session:
        member = session.exec(select(Member).where(Member.full_name == "Nguyễn Thị Lan")).one()
        assert member.worker_group == WorkerGroup.DIRECT_WORKER
        assert member.onboarded_at is not None
        identity = session.exec(select(Identity).where(Identity.platform_user_id == "8803")).one()
        assert identity.platform == "facebook" and identity.member_id == member.id
    assert fake.refused == []


async def test_the_name_is_typed_again_and_confirmed_over_messenger(
    fake: FakeGraph, client: httpx.AsyncClient, runtime: Runtime, demo_data: None
):
    """The name shown back with «Đúng» and «Nhập lại» as quick replies; a second name typed
    instead of an answer is shown back in its turn; «ok» typed keeps it (issue 19)."""
    hoa = user(fake, client, runtime, "8807")
    await hoa.get_started(ref="CDCSTN33")
    await hoa.tap("onb_ok:1")
    await hoa.tap("onb_pur:announcements:1")
    await hoa.tap("onb_pur:public_name:1")
    shown = await hoa.say("Le Thi Hoa")
    assert "Họ và tên của bạn: Le Thi Hoa\nĐã đúng chưa?" in hoa.texts(shown)
    assert [o["title"] for m in shown for o in m.options] == ["Đúng", "Nhập lại"]
    again = await hoa.tap("Nhập lại")
    assert "Họ và tên của bạn là gì?" in hoa.texts(again)
    await hoa.say("Lê Thị Hoa")
    shown = await hoa.say("Lê Thị Hoà")
    assert "Họ và tên của bạn: Lê Thị Hoà\n" in hoa.texts(shown)
    kept = await hoa.say("ok")
    assert "Cảm ơn Lê Thị Hoà." in hoa.texts(kept) and "đối tượng" in hoa.texts(kept)
    with Session(runtime.engine) as session:
        identity = session.exec(select(Identity).where(Identity.platform_user_id == "8807")).one()
        member = session.get(Member, identity.member_id)
        assert member is not None and member.full_name == "Lê Thị Hoà"
    assert fake.refused == []
    assert {m.messaging_type for m in fake.sent} == {"RESPONSE"}


# --- the 24-hour window ----------------------------------------------------------------


def announce(runtime: Runtime, psid: str, text: str = "Thông báo: phát động thi đua quý IV"):
    with Session(runtime.engine) as session, session.begin():
        identity = session.exec(select(Identity).where(Identity.platform_user_id == psid)).one()
        rows = outbox.enqueue(
            session,
            identity=identity,
            messages=[OutgoingMessage(text=text)],
            dedupe_prefix=f"test-announce:{psid}:{runtime.clock.now().isoformat()}",
            now=runtime.clock.now(),
            proactive=True,
        )
        return rows[0].id


def outbox_row(runtime: Runtime, row_id: int) -> OutboxMessage:
    with Session(runtime.engine) as session:
        row = session.get(OutboxMessage, row_id)
        assert row is not None
        return row


async def test_proactive_after_25_hours_is_held_not_sent(
    fake: FakeGraph, client: httpx.AsyncClient, runtime: Runtime, clock, demo_data: None
):
    lan = user(fake, client, runtime, "8804")
    await join(lan)
    calls_before = fake.calls
    clock.advance(hours=25)
    row_id = announce(runtime, "8804")
    await runtime.drain()
    assert fake.calls == calls_before  # not even tried: the adapter knew the window was shut
    row = outbox_row(runtime, row_id)
    assert row.status == "held" and row.error_kind == "outside_window"
    # The person writes again: the reply first, then the held announcement, inside the window.
    answer = await lan.say("/profile")
    assert [m.text.startswith("Thông báo: phát động") for m in answer] == [False, True]
    assert fake.refused == []


async def test_proactive_inside_the_window_goes_as_update(
    fake: FakeGraph, client: httpx.AsyncClient, runtime: Runtime, clock, demo_data: None
):
    lan = user(fake, client, runtime, "8805")
    await join(lan)
    clock.advance(hours=23)
    row_id = announce(runtime, "8805")
    sent = await lan.replies()
    assert [(m.messaging_type, m.text) for m in sent] == [
        ("UPDATE", "Thông báo: phát động thi đua quý IV")
    ]
    assert outbox_row(runtime, row_id).status == "sent"


async def test_platform_window_refusal_is_held(
    fake: FakeGraph, client: httpx.AsyncClient, runtime: Runtime, clock, demo_data: None
):
    """A reply that reaches Meta after the window closed: 10/2018278 is OUTSIDE_WINDOW."""
    lan = user(fake, client, runtime, "8806")
    await lan.say("Xin chào")
    clock.advance(hours=25)
    with Session(runtime.engine) as session, session.begin():
        identity = session.exec(select(Identity).where(Identity.platform_user_id == "8806")).one()
        identity.last_inbound_at = runtime.clock.now()  # our record is wrong; Meta's is right
        (row,) = outbox.enqueue(
            session,
            identity=identity,
            messages=[OutgoingMessage(text="Trả lời muộn")],
            dedupe_prefix="late-reply",
            now=runtime.clock.now(),
        )
        row_id = row.id
    await runtime.drain()
    assert [r["code"] for r in fake.refused] == [10]
    row = outbox_row(runtime, row_id)
    assert row.status == "held" and row.error_kind == "outside_window"
    assert "2018278" in (row.last_error or "")


# --- errors from the Send API ----------------------------------------------------------


async def test_unavailable_person_is_marked_blocked(
    fake: FakeGraph, client: httpx.AsyncClient, runtime: Runtime
):
    an = user(fake, client, runtime, "8807")
    await an.say("Xin chào")
    fake.blocked.add("8807")
    response = await fake.deliver(client, fake.body([fake.message_event("8807", "còn đó không")]))
    assert response.status_code == 200
    await runtime.drain()
    with Session(runtime.engine) as session:
        identity = session.exec(select(Identity).where(Identity.platform_user_id == "8807")).one()
        assert identity.blocked_at is not None
        failed = session.exec(select(OutboxMessage).where(OutboxMessage.status == "failed")).one()
        assert failed.error_kind == "blocked" and "551" in (failed.last_error or "")


async def test_invalid_token_flags_the_channel_and_tells_officers(
    fake: FakeGraph, client: httpx.AsyncClient, runtime: Runtime, clock, demo_data: None
):
    with Session(runtime.engine) as session, session.begin():
        chair = session.exec(
            select(Member)
            .join(OfficerRole, OfficerRole.member_id == Member.id)  # type: ignore[arg-type]
            .join(UnionUnit, UnionUnit.id == OfficerRole.unit_id)  # type: ignore[arg-type]
            .where(UnionUnit.parent_id == None)  # noqa: E711
        ).first()
        assert chair is not None
        session.add(
            Identity(
                platform="webchat",
                platform_user_id="chair-session-0123456789",
                member_id=chair.id,
                first_seen_at=runtime.clock.now(),
            )
        )
    fake.token_revoked = True
    response = await fake.deliver(client, fake.body([fake.message_event("8808", "Xin chào")]))
    assert response.status_code == 200
    await runtime.drain()
    with Session(runtime.engine) as session:
        credential = session.get(ChannelCredential, "facebook")
        assert credential is not None and credential.flagged_at is not None
        assert "190" in (credential.flag_reason or "")
        assert PAGE_TOKEN not in (credential.flag_reason or "")
        row = session.exec(select(OutboxMessage).where(OutboxMessage.platform == "facebook")).one()
        assert row.status == "pending" and row.error_kind == "auth"
    told = await runtime.mailbox.read_after("chair-session-0123456789", 0)
    assert any("Kênh Messenger của thidua đã ngừng hoạt động" in m.text for _, m in told), told
    assert not any("190" in m.text for _, m in told)  # the technical reason stays in the log
    # A new token: the next send works and the flag is cleared.
    fake.token_revoked = False
    clock.advance(hours=1)
    await runtime.drain()
    assert [m.recipient for m in fake.sent] == ["8808"]
    with Session(runtime.engine) as session:
        assert session.get(ChannelCredential, "facebook").flagged_at is None  # type: ignore[union-attr]


async def test_rate_limit_answer_backs_off_the_page(
    fake: FakeGraph, client: httpx.AsyncClient, runtime: Runtime, clock
):
    await user(fake, client, runtime, "8809").say("Xin chào")
    sent_before = len(fake.sent)
    fake.fail_next(613, None, "(#613) Calls to this api have exceeded the rate limit.")
    body = fake.body([fake.message_event("8809", "một"), fake.message_event("8809", "hai")])
    assert (await fake.deliver(client, body)).status_code == 200
    calls_before = fake.calls
    await runtime.drain()
    # The first reply met the throttle; the second was not tried while the Page is paused.
    assert fake.calls == calls_before + 1
    assert len(fake.sent) == sent_before
    with Session(runtime.engine) as session:
        rows = session.exec(select(OutboxMessage).where(OutboxMessage.status == "pending")).all()
        assert len(rows) == 2
        first, second = sorted(rows, key=lambda r: r.id)
        assert first.error_kind == "rate_limited" and "613" in (first.last_error or "")
        # The second was not tried: it waits behind the first, due no earlier.
        assert second.attempts == 0 and second.next_attempt_at >= first.next_attempt_at
        assert first.next_attempt_at > clock.now()


async def test_invalid_parameter_is_permanent(
    fake: FakeGraph, client: httpx.AsyncClient, runtime: Runtime
):
    await user(fake, client, runtime, "8811").say("Xin chào")
    fake.fail_next(100, None, "(#100) Invalid parameter")
    await fake.deliver(client, fake.body([fake.message_event("8811", "lần nữa")]))
    await runtime.drain()
    with Session(runtime.engine) as session:
        row = session.exec(select(OutboxMessage).where(OutboxMessage.status == "failed")).one()
        assert row.error_kind == "permanent" and row.attempts == 1


async def test_transient_error_is_retried(
    fake: FakeGraph, client: httpx.AsyncClient, runtime: Runtime, clock
):
    an = user(fake, client, runtime, "8812")
    await an.say("Xin chào")
    fake.fail_next(
        2, None, "An unexpected error has occurred. Please retry your request later.", status=500
    )
    await fake.deliver(client, fake.body([fake.message_event("8812", "lần nữa")]))
    await runtime.drain()
    assert len(fake.sent_to("8812")) == 1
    clock.advance(minutes=1)
    again = await an.replies()
    assert len(again) == 1


# --- long texts and long menus ---------------------------------------------------------


async def test_long_announcement_is_split_in_order(
    fake: FakeGraph, client: httpx.AsyncClient, runtime: Runtime
):
    an = user(fake, client, runtime, "8813")
    await an.say("Xin chào")
    paragraphs = [f"Đoạn {i}: " + "thi đua lao động sản xuất giỏi. " * 20 for i in range(1, 8)]
    announce(runtime, "8813", "\n\n".join(paragraphs))
    parts = await an.replies()
    assert len(parts) >= 3 and all(len(p.text) < 2000 for p in parts)
    assert parts[0].text.startswith("Đoạn 1:")
    assert " ".join(p.text for p in parts).split() == "\n\n".join(paragraphs).split()
    with Session(runtime.engine) as session:
        row = session.exec(
            select(OutboxMessage)
            .where(OutboxMessage.status == "sent")
            .order_by(OutboxMessage.id.desc())
        ).first()  # type: ignore[union-attr]
        assert row is not None and len((row.external_ids or "").split(",")) == len(parts)


async def test_a_long_announcement_failing_at_a_later_part_resumes_there(
    fake: FakeGraph, client: httpx.AsyncClient, runtime: Runtime, clock
):
    an = user(fake, client, runtime, "8816")
    await an.say("Xin chào")
    paragraphs = [f"Đoạn {i}: " + "thi đua lao động sản xuất giỏi. " * 20 for i in range(1, 8)]
    text = "\n\n".join(paragraphs)
    fake.fail_next(
        2, None, "An unexpected error has occurred. Please retry your request later.", 500, skip=1
    )  # the first part goes, the second is refused for now
    row_id = announce(runtime, "8816", text)
    first = await an.replies()
    assert [p.text.split(":")[0] for p in first] == ["Đoạn 1"]
    pending = outbox_row(runtime, row_id)
    assert pending.status == "pending" and pending.error_kind == "transient"
    assert "the next try resumes at part 2" in (pending.last_error or "")
    clock.advance(minutes=1)
    rest = await an.replies()
    parts = [*first, *rest]
    assert rest and not rest[0].text.startswith("Đoạn 1:")  # part 1 is not sent again
    assert " ".join(p.text for p in parts).split() == text.split()  # every part once, in order
    sent = outbox_row(runtime, row_id)
    assert sent.status == "sent" and len((sent.external_ids or "").split(",")) == len(parts)


async def test_long_menu_becomes_template_buttons_that_work(
    fake: FakeGraph, client: httpx.AsyncClient, runtime: Runtime, demo_data: None
):
    lan = user(fake, client, runtime, "8814")
    await join(lan)
    options = [Button(f"Chiến dịch số {i}", f"menu:help:{i}") for i in range(1, 16)]
    with Session(runtime.engine) as session, session.begin():
        identity = session.exec(select(Identity).where(Identity.platform_user_id == "8814")).one()
        outbox.enqueue(
            session,
            identity=identity,
            messages=[OutgoingMessage(text="Chọn chiến dịch:", buttons=tuple(options))],
            dedupe_prefix="long-menu",
            now=runtime.clock.now(),
        )
    sent = await lan.replies()
    assert sent[0].text == "Chọn chiến dịch:"
    assert lan.payloads(sent) == [o.payload for o in options]
    assert fake.refused == []
    answer = await lan.tap("menu:help:14")  # a postback from a template button
    assert answer and fake.refused == []


async def test_long_payload_comes_back_whole(
    fake: FakeGraph, client: httpx.AsyncClient, runtime: Runtime
):
    """Over 1000 characters a payload travels as a stored key; the tap brings back the whole."""
    an = user(fake, client, runtime, "8816")
    await an.say("Xin chào")
    long = "campaign:join:" + "x" * 1200
    with Session(runtime.engine) as session, session.begin():
        identity = session.exec(select(Identity).where(Identity.platform_user_id == "8816")).one()
        outbox.enqueue(
            session,
            identity=identity,
            messages=[OutgoingMessage(text="Tham gia?", buttons=(Button("Có", long),))],
            dedupe_prefix="long-payload",
            now=runtime.clock.now(),
        )
    (sent,) = await an.replies()
    (option,) = sent.options
    assert len(option["payload"]) <= 1000
    event = fake.message_event("8816", option["title"], quick_reply=option["payload"])
    assert (await fake.deliver(client, fake.body([event]))).status_code == 200
    with Session(runtime.engine) as session:
        row = session.exec(select(InboundUpdate).where(InboundUpdate.status == "pending")).one()
        assert json.loads(row.body or "{}")["payload"] == long

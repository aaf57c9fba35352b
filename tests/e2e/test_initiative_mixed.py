"""Issue 8's end-to-end run across messengers, through signed webhooks and the loopback fakes:
a worker on Zalo starts an initiative with a photo and pauses; she links Messenger with /link
and resumes the same draft there and sends it; the unit's officer on Telegram asks for
information; she answers on Messenger; the officer accepts. The reward is the band's, the
ledger and the leaderboard change once (a redelivered tap changes nothing), she got every
status message, the export has the row."""

# ruff: noqa: F811  (the fakes fixture is imported by name from tests/e2e/test_quiz_mixed.py)

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bots.app import create_app
from bots.bootstrap import Runtime, build_runtime
from bots.cli.report import build as report_rows
from bots.platforms import Facebook, Telegram, Zalo
from bots.settings import load_settings
from core.initiatives.buttons import Category, Draft, DraftAction
from core.initiatives.models import Initiative, InitiativeAttachment, InitiativeEvent
from core.members.models import Identity, UnionUnit
from core.points.models import MemberScore, PointsEntry
from core.reports.service import Period
from tests.conftest import FakeClock
from tests.e2e.campaign_support import MINH_PHAT, load_demo
from tests.e2e.initiative_support import reward_table
from tests.e2e.test_quiz_mixed import (  # noqa: F401  (the fakes fixture)
    PAGE_TOKEN,
    TG_SECRET,
    Fakes,
    Player,
    deliver,
    fakes,
)
from tests.fakes.server import serve_in_thread
from tests.fakes.telegram_api import TOKEN, FakeTimer
from tests.points_helpers import make_member

pytestmark = pytest.mark.anyio
PHOTO = b"\xff\xd8\xff\xe0" + b"anh ga kep " * 500
UNIT = "Công đoàn Công ty TNHH Cơ khí Minh Phát"


@pytest.fixture
def cdn() -> Iterator[str]:
    async def photo(_: Request) -> Response:
        return Response(PHOTO, media_type="image/jpeg")

    with serve_in_thread(Starlette(routes=[Route("/zalo/photo.jpg", photo)])) as url:
        yield url


@pytest.fixture
async def mixed(
    database_url: str,
    engine: Engine,
    clock: FakeClock,
    fakes: Fakes,
    tmp_path: Path,
) -> AsyncIterator[tuple[Runtime, httpx.AsyncClient]]:
    env = {
        "THIDUA_DATABASE_URL": database_url,
        "THIDUA_ATTACHMENTS_DIR": str(tmp_path / "files"),
        "THIDUA_TELEGRAM_TOKEN": TOKEN,
        "THIDUA_TELEGRAM_WEBHOOK_SECRET": TG_SECRET,
        "THIDUA_TELEGRAM_API_BASE": fakes.tg.url,  # type: ignore[attr-defined]
        "THIDUA_TELEGRAM_BOT_USERNAME": "thidua_bot",
        "THIDUA_FACEBOOK_PAGE_TOKEN": PAGE_TOKEN,
        "THIDUA_FACEBOOK_APP_SECRET": fakes.fb.app_secret,
        "THIDUA_FACEBOOK_VERIFY_TOKEN": "thidua-verify-Zq81",
        "THIDUA_FACEBOOK_GRAPH_BASE": f"{fakes.fb.base_url}/v23.0",
        "THIDUA_ZALO_APP_ID": fakes.zl.app_id,
        "THIDUA_ZALO_APP_SECRET": fakes.zl.app_secret,
        "THIDUA_ZALO_WEBHOOK_SECRET": fakes.zl.webhook_secret,
        "THIDUA_ZALO_ACCESS_TOKEN": fakes.zl.access_token,
        "THIDUA_ZALO_REFRESH_TOKEN": fakes.zl.refresh_token,
        "THIDUA_ZALO_API_BASE": fakes.zl.url,
        "THIDUA_ZALO_OAUTH_BASE": fakes.zl.url,
    }
    settings = load_settings(environ=env)
    messengers = (Telegram(timer=FakeTimer(clock)), Facebook(), Zalo())
    runtime = build_runtime(settings, engine=engine, clock=clock, messengers=messengers)
    app = create_app(settings, runtime=runtime, background=False)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        yield runtime, client
    await runtime.aclose()


async def press(player: Player, payload: str) -> None:
    """Tap the button that carries `payload` (Messenger numbers long button titles)."""
    for shown in reversed(player.inbox):
        for label, handle in shown.buttons:
            carried = handle.get("payload") if isinstance(handle, dict) else handle
            if carried == payload:
                await player._tap(label, handle)
                return
    raise AssertionError(f"no button {payload!r} on {player.platform}")


async def step(runtime: Runtime, *players: Player) -> str:
    """Process and deliver everything, then what each player received since last time."""
    await runtime.drain()
    texts = []
    for player in players:
        texts += [shown.text for shown in await player.read()]
    return "\n".join(texts)


async def test_zalo_photo_telegram_review_messenger_answer(
    mixed: tuple[Runtime, httpx.AsyncClient],
    fakes: Fakes,
    cdn: str,
) -> None:
    runtime, client = mixed
    t = runtime.catalogs.translator("vi", runtime.settings.timezone)
    _ = t.gettext
    data = load_demo(runtime)
    reward_table(runtime, MINH_PHAT, on=date(2026, 1, 1))
    now = runtime.clock.now()
    officer_id = data.officer_of[MINH_PHAT]
    with Session(runtime.engine) as session, session.begin():
        unit = session.get(UnionUnit, MINH_PHAT)
        assert unit is not None
        worker = make_member(session, unit, "Nguyễn Thị Lan", now)
        worker.worker_group, worker.holds_leadership_post = "direct_worker", False
        worker_id = worker.id
        session.add(Identity(platform="zalo", platform_user_id="8400111", member_id=worker_id))
        session.add(Identity(platform="telegram", platform_user_id="501", member_id=officer_id))
    fakes.tg.user(501, "Phan", language_code="vi")
    on_zalo = Player(0, worker_id, "zalo", "8400111", fakes, client)  # type: ignore[arg-type]
    on_messenger = Player(1, worker_id, "facebook", "6100000000000042", fakes, client)  # type: ignore[arg-type]
    reviewer = Player(2, officer_id, "telegram", "501", fakes, client)

    # Zalo: the first steps, a photo (a Zalo CDN URL), then a pause
    await on_zalo.say("/initiative")
    for answer in ("Gá kẹp nhanh cho máy phay", "Thay dao mất 20 phút", "Gá kẹp cam thay bu lông"):
        await step(runtime, on_zalo)
        await on_zalo.say(answer)
    await step(runtime, on_zalo)
    await on_zalo.tap(_("Money saved or earned (VND a year)"))
    await step(runtime, on_zalo)
    await on_zalo.say("24 triệu")
    asked_files = await step(runtime, on_zalo)
    assert "MB" in asked_files
    fakes.zl.interact("8400111")
    photo_event = fakes.zl.event(
        "user_send_image",
        "8400111",
        message={
            "msg_id": "9f0a1b2c3d4e5f60718",
            "text": "",
            "attachments": [
                {"type": "image", "payload": {"url": f"{cdn}/zalo/photo.jpg", "thumbnail": ""}}
            ],
        },
    )
    await on_zalo._post("zalo", photo_event)
    assert "Received" not in await step(runtime, on_zalo)  # answered in Vietnamese
    await on_zalo.tap(_("Pause (keep the draft)"))
    await step(runtime, on_zalo)

    # Messenger, linked with a one-time code from Zalo; the same draft goes on there
    await on_zalo.say("/link")
    linking = await step(runtime, on_zalo)
    code = next(w.strip(".") for w in linking.split() if "-" in w and len(w.strip(".")) == 11)
    await on_messenger.say(f"/link {code}")
    assert "Nguyễn Thị Lan" in await step(runtime, on_messenger)
    await on_messenger.say("/initiative")
    assert "Gá kẹp nhanh" in await step(runtime, on_messenger)
    await press(on_messenger, Draft(DraftAction.RESUME).pack())
    await step(runtime, on_messenger)
    await press(on_messenger, Draft(DraftAction.FILES_DONE).pack())
    await step(runtime, on_messenger)
    await press(on_messenger, Draft(DraftAction.COAUTHORS_DONE).pack())
    await step(runtime, on_messenger)
    await press(on_messenger, Category("technical").pack())
    confirm = await step(runtime, on_messenger)
    assert "24.000.000" in confirm and _("Files: {n}", n=1) in confirm
    await press(on_messenger, Draft(DraftAction.SUBMIT).pack())
    sent = await step(runtime, on_messenger, on_zalo)
    with Session(runtime.engine) as session:
        item = session.exec(select(Initiative)).one()
        tracking, initiative_id = item.code, item.id
        [photo] = session.exec(select(InitiativeAttachment)).all()
        assert (photo.platform, photo.status, photo.size) == ("zalo", "stored", len(PHOTO))
    assert tracking in sent

    # Telegram: the officer asks for information; the answer comes from Messenger
    card = await step(runtime, reviewer)
    assert tracking in card
    await reviewer.tap(_("Ask for information"))
    await step(runtime, reviewer)
    await reviewer.say("Gá kẹp dùng cho máy nào?")
    await step(runtime, reviewer)
    question = await step(runtime, on_messenger, on_zalo)
    assert "Gá kẹp dùng cho máy nào?" in question
    holder = on_messenger if any("Gá kẹp dùng" in s.text for s in on_messenger.inbox) else on_zalo
    await holder.tap(_("Answer"))
    await step(runtime, holder)
    await holder.say("Máy phay CNC số 3 và 4")
    await step(runtime, holder)
    back = await step(runtime, reviewer)
    assert "Máy phay CNC số 3 và 4" in back

    await reviewer.tap(_("Accept"))
    assert "2.000.000" in await step(runtime, reviewer)  # what accepting pays, to confirm
    await reviewer.tap(_("Yes, accept and pay"))
    accepted = await step(runtime, reviewer)
    assert "2.000.000" in accepted and "31" in accepted
    tap_again = reviewer.posted[-1]
    await deliver(client, fakes, *tap_again)  # a redelivered tap: the same update id
    await reviewer.say("/initiatives")  # and the officer looking again changes nothing
    await step(runtime, reviewer)

    with Session(runtime.engine) as session:
        item = session.get(Initiative, initiative_id)
        assert item is not None and item.status == "accepted"
        assert (item.benefit_vnd, item.reward_vnd, item.reward_points) == (
            24_000_000,
            2_000_000,
            31,
        )
        entries = session.exec(select(PointsEntry).where(PointsEntry.member_id == worker_id)).all()
        assert [(e.source, e.points) for e in entries] == [("initiative", 31)]
        board = session.exec(
            select(MemberScore).where(
                MemberScore.member_id == worker_id, MemberScore.scope == "all"
            )
        ).one()
        assert board.points == 31
        statuses = [
            e.status
            for e in session.exec(
                select(InitiativeEvent)
                .where(InitiativeEvent.initiative_id == initiative_id)
                .order_by(col(InitiativeEvent.id))
            )
        ]
        assert statuses == ["received", "under_review", "needs_info", "under_review", "accepted"]
        fresh = session.get(Initiative, initiative_id)
        assert fresh is not None
        label = f"{tracking} «{fresh.title}»"

    await runtime.drain()
    await on_zalo.read()
    await on_messenger.read()
    told = "\n".join(s.text for s in on_zalo.inbox + on_messenger.inbox)
    for expected in (
        _(
            "Thank you! Your initiative «{title}» has been received; its tracking code is "
            "{code}. The union officers will now review it, and you will be told of each step. "
            "See all your initiatives with /my_initiatives.",
            title=fresh.title,
            code=tracking,
        ),
        _("Your initiative {name} is now under review.", name=label),
        "Gá kẹp dùng cho máy nào?",
        _("Congratulations! Your initiative {name} has been accepted.", name=label),
        _("Your reward: {money} and {points} points.", money=t.money(2_000_000), points=31),
    ):
        assert expected in told, expected

    with Session(runtime.engine) as session:
        _header, rows = report_rows(
            session, "initiatives", UNIT, Period(date(2026, 11, 1), date(2026, 11, 30)), t
        )
    assert [UNIT, _("accepted"), 1, 24_000_000, 2_000_000] in rows, rows

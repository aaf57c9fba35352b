"""Files of initiatives kept outside the database: fetched through each platform's
`AttachmentFetcher` (Telegram getFile at the fake Bot API; a URL for Zalo, Messenger and the
web chat), checked (size, executables whatever their name), stored under
THIDUA_ATTACHMENTS_DIR, downloadable by the unit's officers only."""

# ruff: noqa: F811  (the fixtures are imported by name from tests/fakes/telegram_fixtures.py)

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session, col, select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from bots.bootstrap import Runtime
from bots.settings import Settings, load_settings
from core import initiatives as service
from core.initiatives.buttons import Benefit, Draft, DraftAction
from core.initiatives.models import InitiativeAttachment
from core.initiatives.rules import BenefitKind
from core.members.models import Member
from core.messages import Attachment, IncomingMessage
from tests.e2e.campaign_support import HUNG_THINH, MINH_PHAT, load_demo, member, member_id
from tests.e2e.test_api_campaigns import bearer, token_for
from tests.fakes.server import serve_in_thread
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.telegram_fixtures import (  # noqa: F401  (fixtures)
    TelegramChat,
    fake,
    fake_url,
    telegram_env,
    tg_client,
    tg_runtime,
)
from tests.webchat import ChatUser

pytestmark = pytest.mark.anyio
PHOTO = b"\xff\xd8\xff\xe0" + b"JFIF photo of the jig " * 2000  # a JPEG's first bytes
PROGRAM = b"MZ\x90\x00" + b"\x00" * 4000  # a Windows program, whatever it is called
LIMIT_MB = 1


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return tmp_path / "attachments"


@pytest.fixture
def settings(database_url: str, store: Path) -> Settings:
    return load_settings(
        environ={
            "THIDUA_DATABASE_URL": database_url,
            "THIDUA_ATTACHMENTS_DIR": str(store),
            "THIDUA_ATTACHMENT_MAX_MB": str(LIMIT_MB),
        }
    )


@pytest.fixture
def tg_settings(database_url: str, fake_url: str, store: Path) -> Settings:
    env = telegram_env(database_url, fake_url)
    env |= {"THIDUA_ATTACHMENTS_DIR": str(store), "THIDUA_ATTACHMENT_MAX_MB": str(LIMIT_MB)}
    return load_settings(environ=env)


def _files_app() -> Starlette:
    """A CDN as Zalo and Messenger attachments point to (a URL per file)."""

    async def photo(_: Request) -> Response:
        return Response(PHOTO, media_type="image/jpeg")

    async def disguised(_: Request) -> Response:
        return Response(PROGRAM, media_type="image/jpeg")

    async def endless(_: Request) -> StreamingResponse:
        async def chunks():  # type: ignore[no-untyped-def]
            for _ in range(64):  # 4 MB, no Content-Length: the limit is kept while reading
                yield b"\xff" * 65536

        return StreamingResponse(chunks(), media_type="image/jpeg")

    async def gone(_: Request) -> Response:
        return Response(b"", status_code=404)

    return Starlette(
        routes=[
            Route("/photo.jpg", photo),
            Route("/holiday.jpg", disguised),
            Route("/huge.jpg", endless),
            Route("/expired.jpg", gone),
        ]
    )


@pytest.fixture
def cdn() -> Iterator[str]:
    with serve_in_thread(_files_app()) as url:
        yield url


async def _send_file(runtime: Runtime, user: ChatUser, attachment: Attachment) -> None:
    await runtime.accept(
        [
            IncomingMessage(
                platform="webchat",
                external_id=f"{user.session}:file:{attachment.name}:{attachment.ref}",
                sender_id=user.session,
                received_at=runtime.clock.now(),
                attachments=(attachment,),
            )
        ]
    )


def _rows(runtime: Runtime) -> list[InitiativeAttachment]:
    with Session(runtime.engine) as session:
        return list(
            session.exec(select(InitiativeAttachment).order_by(col(InitiativeAttachment.id)))
        )


async def test_files_by_url_are_checked_stored_and_scoped(
    client: httpx.AsyncClient,
    runtime: Runtime,
    cdn: str,
    store: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    data = load_demo(runtime)
    worker = await member(client, runtime, name="Nguyễn Thị Lan")
    await worker.tap("menu:initiative")
    await worker.say("Gá kẹp nhanh cho máy phay")
    await worker.say("Thay dao mất 20 phút mỗi lần")
    await worker.say("Dùng gá kẹp cam thay bu lông")
    await worker.tap(Benefit(BenefitKind.MONEY).pack())
    await worker.say("24 triệu")

    declared = Attachment("image", f"{cdn}/photo.jpg", "big.jpg", "image/jpeg", size=50 << 20)
    await _send_file(runtime, worker, declared)
    assert "1 MB" in worker.texts(await worker.replies())  # refused before any download
    named = Attachment("file", f"{cdn}/photo.jpg", "setup.exe", size=1000)
    await _send_file(runtime, worker, named)
    assert "chương trình" in worker.texts(await worker.replies()).lower()
    for name, path in (
        ("ga.jpg", "photo.jpg"),
        ("holiday.jpg", "holiday.jpg"),
        ("huge.jpg", "huge.jpg"),
        ("expired.jpg", "expired.jpg"),
    ):
        await _send_file(runtime, worker, Attachment("image", f"{cdn}/{path}", name, "image/jpeg"))
        await worker.replies()

    rows = {r.name: r for r in _rows(runtime)}
    assert set(rows) == {"ga.jpg", "holiday.jpg", "huge.jpg", "expired.jpg"}
    assert (rows["ga.jpg"].status, rows["ga.jpg"].size) == ("stored", len(PHOTO))
    assert rows["ga.jpg"].sha256 == hashlib.sha256(PHOTO).hexdigest()
    stored = store / str(rows["ga.jpg"].stored_path)
    assert stored.read_bytes() == PHOTO
    assert (rows["holiday.jpg"].status, rows["holiday.jpg"].problem) == (
        "refused",
        "attachment_executable",
    )
    assert (rows["huge.jpg"].status, rows["huge.jpg"].problem) == (
        "refused",
        "attachment_too_large",
    )
    assert rows["expired.jpg"].problem == "attachment_unavailable"
    assert sorted(p.name for p in store.rglob("*") if p.is_file()) == [stored.name]
    told = worker.texts(worker.last)
    assert "expired.jpg" in told  # each refused file was explained to the author

    # the draft is sent; the unit's officer downloads the file, another unit's cannot
    with Session(runtime.engine) as session, session.begin():
        draft = service.draft_of(session, member_id=member_id(runtime, "Nguyễn Thị Lan"))
        assert draft is not None
        draft.category, draft.draft_step = "technical", "confirm"
    await worker.say("", payload=Draft(DraftAction.SUBMIT).pack())
    initiative_id = rows["ga.jpg"].initiative_id
    mine = bearer(token_for(runtime, data.officer_of[MINH_PHAT]))
    other = bearer(token_for(runtime, data.officer_of[HUNG_THINH]))
    detail = (await client.get(f"/api/v1/initiatives/{initiative_id}", headers=mine)).json()
    assert [f["status"] for f in detail["attachments"]] == [
        "stored",
        "refused",
        "refused",
        "refused",
    ]
    assert str(store) not in str(detail) and str(rows["ga.jpg"].stored_path) not in str(detail)
    url = f"/api/v1/initiatives/{initiative_id}/attachments/{rows['ga.jpg'].id}"
    got = await client.get(url, headers=mine)
    assert got.status_code == 200 and got.content == PHOTO
    caplog.set_level(logging.WARNING)
    refused = await client.get(url, headers=other)
    assert refused.status_code == 403 and str(rows["ga.jpg"].stored_path) not in refused.text
    assert "admin API refused (403 outside_scope)" in caplog.text
    not_stored = f"/api/v1/initiatives/{initiative_id}/attachments/{rows['huge.jpg'].id}"
    assert (await client.get(not_stored, headers=mine)).status_code == 404


async def test_telegram_photo_is_fetched_with_getfile(
    fake: FakeTelegram, tg_client: httpx.AsyncClient, tg_runtime: Runtime, store: Path
) -> None:
    load_demo(tg_runtime)
    person = fake.user(401, "Lan", language_code="vi")
    chat = TelegramChat(fake, tg_client, tg_runtime, person)
    await chat.say("/start CDCSTN33")
    await chat.tap("Tôi đồng ý")
    await chat.tap("Có, gửi cho tôi")
    await chat.tap("Có, hiện tên tôi")
    await chat.say("Nguyễn Thị Lan")
    await chat.tap("Đúng")
    await chat.tap("Người lao động trực tiếp sản xuất, kinh doanh")
    await chat.tap("Không")
    await chat.tap("Tiếng Việt")
    lan = member_id(tg_runtime, "Nguyễn Thị Lan")
    with Session(tg_runtime.engine) as session, session.begin():
        person_row = session.get(Member, lan)
        assert person_row is not None
        draft = service.start_draft(session, member=person_row, now=tg_runtime.clock.now())
        draft.title, draft.problem, draft.solution = "Gá kẹp", "Chậm", "Gá kẹp cam"
        draft.draft_step = "files"
    await chat.tap("Gửi sáng kiến")  # the main menu: the draft is offered again
    asked = await chat.tap("Làm tiếp")
    assert "MB" in chat.texts(asked)  # step 5, the files
    photo_id = fake.add_file(PHOTO, "photos/file_7.jpg")
    program_id = fake.add_file(PROGRAM, "documents/file_8.jpg")
    big_id = fake.add_file(b"\xff\xd8" + b"\x00" * (LIMIT_MB * 1024 * 1024 + 10), "photos/big.jpg")
    for file_id in (photo_id, program_id, big_id, "AgACunknown"):
        size = 1000 if file_id != big_id else None  # Telegram may leave the size out
        await chat.send(
            fake.message_update(
                person,
                None,
                photo=[
                    {
                        "file_id": file_id,
                        "file_unique_id": file_id[-12:],
                        "width": 800,
                        "height": 600,
                        **({"file_size": size} if size else {}),
                    }
                ],
            )
        )
    rows = _rows(tg_runtime)
    assert [(r.platform, r.status, r.problem) for r in rows] == [
        ("telegram", "stored", None),
        ("telegram", "refused", "attachment_executable"),
        ("telegram", "refused", "attachment_too_large"),
        ("telegram", "refused", "attachment_unavailable"),
    ]
    assert (store / str(rows[0].stored_path)).read_bytes() == PHOTO
    assert len(fake.calls_of("getFile")) == 4

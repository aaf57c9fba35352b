"""The web chat's file endpoint: a picked file is kept under THIDUA_ATTACHMENTS_DIR and reaches
the bot as the person's attachment; a file over THIDUA_ATTACHMENT_MAX_MB, an empty one or a bad
session is refused with a clear error, nothing kept; a program is refused by the initiative's
checks whatever it is called."""

from __future__ import annotations

import os
import time
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session, select

from bots.attachments import store_pending, sweep_files
from bots.bootstrap import Runtime
from bots.settings import Settings, load_settings
from core.initiatives.buttons import Benefit
from core.initiatives.models import InitiativeAttachment
from core.initiatives.rules import BenefitKind
from core.messages import Attachment, IncomingMessage
from core.storage.models import InboundUpdate
from tests.e2e.campaign_support import load_demo, member

pytestmark = pytest.mark.anyio
MB = 1024 * 1024


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return tmp_path / "attachments"


@pytest.fixture
def settings(database_url: str, store: Path) -> Settings:
    return load_settings(
        environ={
            "THIDUA_DATABASE_URL": database_url,
            "THIDUA_ATTACHMENTS_DIR": str(store),
            "THIDUA_ATTACHMENT_MAX_MB": "1",
        }
    )


def upload(client: httpx.AsyncClient, session: str, name: str, body: bytes, mime: str):  # type: ignore[no-untyped-def]
    return client.post(
        "/chat/api/files",
        params={"session": session, "id": f"f{len(body)}{len(name)}", "name": name},
        content=body,
        headers={"Content-Type": mime},
    )


async def test_files_picked_in_the_web_chat(
    client: httpx.AsyncClient, runtime: Runtime, store: Path
):
    load_demo(runtime)
    worker = await member(client, runtime, name="Nguyễn Thị Lan")
    uploads = store / "webchat-uploads"

    outside = await upload(client, worker.session, "anh.png", b"\x89PNG photo", "image/png")
    assert outside.status_code == 202
    told = worker.texts(await worker.replies())
    assert "đã nhận được tệp của bạn" in told  # a file outside any step: said, not lost

    await worker.tap("menu:initiative")
    for answer in ("Gá kẹp nhanh", "Thay dao lâu", "Dùng gá kẹp cam"):
        await worker.say(answer)
    await worker.tap(Benefit(BenefitKind.MONEY).pack())
    await worker.say("24 triệu")
    too_big = await upload(client, worker.session, "video.mp4", b"\x00" * (MB + 1), "video/mp4")
    assert too_big.status_code == 413 and "larger than" in too_big.json()["error"]
    empty = await upload(client, worker.session, "rong.jpg", b"", "image/jpeg")
    assert empty.status_code == 400
    forged = await upload(client, "../../etc", "x.jpg", b"\xff\xd8", "image/jpeg")
    assert forged.status_code == 400
    program = await upload(client, worker.session, "C:\\Users\\lan\\setup.exe", b"MZ", "")
    assert program.status_code == 202
    assert "chương trình" in worker.texts(await worker.replies()).lower()
    photo = b"\xff\xd8\xff\xe0" + b"jig " * 1000
    assert (await upload(client, worker.session, "ga.jpg", photo, "image/jpeg")).status_code == 202
    assert "Đã nhận: ga.jpg" in worker.texts(await worker.replies())

    await store_pending(runtime)  # Runtime.drain has stored it already: nothing left
    with Session(runtime.engine) as session:
        (row,) = session.exec(select(InitiativeAttachment)).all()
    assert (row.name, row.status, row.size, row.mime) == ("ga.jpg", "stored", 4004, "image/jpeg")
    assert (store / str(row.stored_path)).read_bytes() == photo
    assert len([p for p in uploads.iterdir() if not p.name.startswith(".")]) == 3


async def test_picked_files_go_a_day_later_even_when_nobody_picks_another(
    client: httpx.AsyncClient, runtime: Runtime, store: Path
):
    load_demo(runtime)
    worker = await member(client, runtime, name="Nguyễn Thị Lan")
    for name in ("cu.jpg", "moi.jpg"):
        answer = await upload(
            client, worker.session, name, b"\xff\xd8" + name.encode(), "image/jpeg"
        )
        assert answer.status_code == 202
    kept = sorted((store / "webchat-uploads").iterdir(), key=lambda p: p.stat().st_mtime_ns)
    assert len(kept) == 2
    a_day_ago = time.time() - 24 * 3600 - 60
    os.utime(kept[0], (a_day_ago, a_day_ago))
    assert sweep_files(runtime) == 1  # the attachments loop's sweep, not only the next upload
    assert [p.name for p in (store / "webchat-uploads").iterdir()] == [kept[1].name]


async def test_a_file_picked_for_a_draft_goes_minutes_after_forget(
    client: httpx.AsyncClient, runtime: Runtime, store: Path
):
    """Issue #15: /forget erases the draft; the file picked for it in the web chat goes with
    the attachments loop's next sweep once it is a few minutes old, not a day later. A file a
    received message still waits to hand over stays."""
    load_demo(runtime)
    worker = await member(client, runtime, name="Nguyễn Thị Lan")
    uploads = store / "webchat-uploads"
    await worker.tap("menu:initiative")
    for answer in ("Gá kẹp nhanh", "Thay dao lâu", "Dùng gá kẹp cam"):
        await worker.say(answer)
    await worker.tap(Benefit(BenefitKind.MONEY).pack())
    await worker.say("24 triệu")
    photo = b"\xff\xd8\xff\xe0 anh cua Lan"
    assert (await upload(client, worker.session, "ga.jpg", photo, "image/jpeg")).status_code == 202
    assert "Đã nhận: ga.jpg" in worker.texts(await worker.replies())
    (picked,) = [p for p in uploads.iterdir() if not p.name.startswith(".")]

    await worker.say("/forget")
    await worker.tap("privacy:forget_yes")
    # another person's file whose message is still waiting to be read
    waiting = uploads / ("w" * 32)
    waiting.write_bytes(b"\xff\xd8 waiting")
    message = IncomingMessage(
        platform="webchat",
        external_id="waiting-1",
        sender_id="someone",
        received_at=runtime.clock.now(),
        attachments=(Attachment(kind="image", ref=f"upload:{waiting.name}", name="x.jpg"),),
    )
    with Session(runtime.engine) as session, session.begin():
        session.add(
            InboundUpdate(
                platform="webchat",
                external_id="waiting-1",
                sender_id="someone",
                body=message.to_json(),
            )
        )
    sweep_files(runtime)
    assert picked.exists()  # minutes old at most: its message might still be on its way
    eleven_minutes_ago = time.time() - 11 * 60
    for path in (picked, waiting):
        os.utime(path, (eleven_minutes_ago, eleven_minutes_ago))
    sweep_files(runtime)
    assert not picked.exists()
    assert waiting.exists()
    assert not any(photo in p.read_bytes() for p in store.rglob("*") if p.is_file())

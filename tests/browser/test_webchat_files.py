"""The web chat's photo picker in a real browser: a worker at the initiative's files step picks a
photo on the page (360 px), sees it in the conversation, the bot says it was received, and the
attachments loop stores the very bytes; a file over THIDUA_ATTACHMENT_MAX_MB is refused on the
page before anything is sent."""

from __future__ import annotations

import hashlib
import os
import re
import struct
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from bots.app import create_app
from bots.bootstrap import Runtime
from bots.settings import Settings, load_settings
from core.initiatives.buttons import Benefit
from core.initiatives.models import InitiativeAttachment
from core.initiatives.rules import BenefitKind
from tests.browser.live import LiveChat
from tests.browser.support import SECRET
from tests.e2e.campaign_support import load_demo
from tests.fakes.server import serve_in_thread

SHOTS = os.environ.get("THIDUA_TEST_SCREENSHOTS")


def png(width: int, height: int) -> bytes:
    """A real picture (a gradient), so that the page shows it as the person picked it."""
    rows = b"".join(
        b"\x00" + bytes(v for x in range(width) for v in (40 + x % 200, 90 + y % 150, 160))
        for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


PHOTO = png(240, 160)


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return tmp_path / "attachments"


@pytest.fixture
def settings(database_url: str, store: Path) -> Settings:
    return load_settings(
        environ={
            "THIDUA_DATABASE_URL": database_url,
            "THIDUA_WEB_UI": "true",
            "THIDUA_WEB_SECRET": SECRET,
            "THIDUA_ATTACHMENTS_DIR": str(store),
            "THIDUA_ATTACHMENT_MAX_MB": "1",
        }
    )


@pytest.fixture
def served(runtime: Runtime, settings: Settings) -> Iterator[str]:
    app = create_app(settings, runtime=runtime, background=True)
    with serve_in_thread(app, lifespan="on") as base:
        yield base


def at_files_step(base: str) -> LiveChat:
    worker = LiveChat(base)
    worker.join("CDCSTN33", "Nguyễn Thị Lan")
    worker.send("", "menu:initiative")
    for answer in ("Gá kẹp nhanh cho máy phay", "Thay dao mất 20 phút", "Dùng gá kẹp cam"):
        worker.send(answer)
    worker.send("", Benefit(BenefitKind.MONEY).pack())
    assert "Bước 5" in "\n".join(m["text"] for m in worker.send("24 triệu"))
    return worker


def stored(runtime: Runtime) -> list[InitiativeAttachment]:
    """The attachment rows once the loop has finished with them (within 15 s)."""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        with Session(runtime.engine) as session:
            rows = list(session.exec(select(InitiativeAttachment)))
        if rows and all(r.status != "pending" for r in rows):
            return rows
        time.sleep(0.1)
    raise AssertionError(f"the attachments were not stored: {rows}")


def test_a_photo_picked_in_the_web_chat_is_received_and_stored(
    runtime: Runtime, served: str, store: Path, pages
):  # type: ignore[no-untyped-def]
    load_demo(runtime)
    worker = at_files_step(served)
    page = pages(360, 740)
    page.add_init_script(f"localStorage.setItem('thidua.session', '{worker.session}')")
    page.goto(f"{served}/chat")
    expect(page.locator(".msg.bot").last).to_contain_text("Bước 5")
    attach = page.get_by_role("button", name="Gửi kèm ảnh hoặc tệp")
    expect(attach).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    with page.expect_file_chooser() as chosen:
        attach.click()
    chosen.value.set_files([{"name": "ga-kep.png", "mimeType": "image/png", "buffer": PHOTO}])
    expect(page.locator(".msg.me").last).to_contain_text("ga-kep.png")
    expect(page.locator(".msg.me img.thumb")).to_have_count(1)  # the photo, as picked
    expect(page.locator(".msg.bot").last).to_contain_text("Đã nhận: ga-kep.png")
    if SHOTS:  # `THIDUA_TEST_SCREENSHOTS=docs/img` refreshes the documentation's picture
        page.screenshot(path=str(Path(SHOTS) / "webchat-photo-360.png"))
    (row,) = stored(runtime)
    assert (row.name, row.status, row.size) == ("ga-kep.png", "stored", len(PHOTO))
    assert row.sha256 == hashlib.sha256(PHOTO).hexdigest()
    assert (store / str(row.stored_path)).read_bytes() == PHOTO

    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.url))
    page.locator("#file").set_input_files(
        [{"name": "video.mp4", "mimeType": "video/mp4", "buffer": b"\x00" * (1024 * 1024 + 1)}]
    )
    expect(page.locator("#status")).to_contain_text("lớn hơn 1 MB")
    assert not [url for url in sent if "/chat/api/files" in url]  # refused before sending
    page.reload()
    expect(page.locator(".msg.me").last).to_contain_text("ga-kep.png")  # kept on reload
    worker.close()


def tap(worker: LiveChat, replies: list[dict[str, object]], label: str) -> list[dict[str, object]]:
    """Tap the button of these replies whose label starts with `label`."""
    for message in replies:
        for button in message["buttons"] + message["quick_replies"]:  # type: ignore[operator]
            if button["label"].startswith(label):
                return worker.send(button["label"], button["payload"], until_buttons=True)
    raise AssertionError(f"no button {label!r} in {replies}")


@pytest.mark.parametrize("width", [1280, 360])
def test_the_officer_sees_the_photo_on_the_desk(runtime: Runtime, served: str, pages, width: int):  # type: ignore[no-untyped-def]
    from tests.browser.test_web_browser import fits, sign_in
    from tests.e2e.campaign_support import HUNG_THINH, MINH_PHAT

    data = load_demo(runtime)
    worker = at_files_step(served)
    picked = worker.http.post(
        "/chat/api/files",
        params={"session": worker.session, "id": "photo-1", "name": "ga-kep.png"},
        content=PHOTO,
        headers={"content-type": "image/png"},
    )
    assert picked.status_code == 202
    got = worker_replies(worker)
    got = tap(worker, got, "Xong")
    got = tap(worker, got, "Không thêm")
    got = tap(worker, got, "Cải tiến kỹ thuật")
    sent = tap(worker, got, "Gửi")
    code = next(found[0] for m in sent if (found := re.findall(r"SK-\d{4}-\d+", str(m["text"]))))
    (row,) = stored(runtime)

    page = pages(width, 900)
    officer = sign_in(page, served, data.claim[MINH_PHAT])
    page.goto(f"{served}/web/initiatives")
    page.get_by_role("link", name=code).first.click()
    files = page.locator("#files")
    expect(files).to_contain_text("Ảnh và tệp tác giả gửi kèm")
    expect(files.get_by_role("link", name="ga-kep.png")).to_be_visible()
    picture = files.locator("img")
    expect(picture).to_have_count(1)
    assert picture.evaluate("img => img.complete && img.naturalWidth") == 240  # the very photo
    fits(page, width)
    if SHOTS:
        page.locator("#files").screenshot(path=str(Path(SHOTS) / f"initiative-photo-{width}.png"))
    href = files.get_by_role("link", name="ga-kep.png").get_attribute("href")
    assert href == f"/web/initiatives/{row.initiative_id}/files/{row.id}"
    shown = page.request.get(f"{served}{href}")
    assert shown.status == 200 and shown.body() == PHOTO
    assert shown.headers["content-type"] == "image/png"
    officer.close()

    # another union's officer: not theirs, not found
    other = pages(width, 900)
    stranger = sign_in(other, served, data.claim[HUNG_THINH])
    assert other.request.get(f"{served}{href}").status == 404
    stranger.close()
    worker.close()


def worker_replies(worker: LiveChat) -> list[dict[str, object]]:
    """What the bot answered to the picked file («Đã nhận: …» with «Xong»)."""
    deadline = time.monotonic() + 15
    seen: list[dict[str, object]] = []
    while time.monotonic() < deadline:
        got = worker.http.get(
            "/chat/api/messages",
            params={"session": worker.session, "after": worker.after, "wait": 5},
        ).json()["messages"]
        if got:
            worker.after = got[-1]["id"]
            seen += got
            if any(m["buttons"] or m["quick_replies"] for m in got):
                return seen
    raise AssertionError("no answer to the picked file")

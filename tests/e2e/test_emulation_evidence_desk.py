"""An evidence photo picked in the web chat, end to end: a file named like a photo whose bytes
are a program is refused after the fetch and its reporter told; «Giữ nguyên» asks the photo
again; the real photo is kept and the officer opens it from the desk's progress page (another
union's officer cannot)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from sqlmodel import Session, col, select

from bots.bootstrap import Runtime
from bots.settings import Settings, load_settings
from core.emulation.models import EmulationReport
from tests.browser.support import SECRET, client, signed_in_officer  # noqa: F401  (fixtures)
from tests.e2e.campaign_support import HUNG_THINH, MINH_PHAT, load_demo, member
from tests.e2e.progress_support import INITIATIVES, calls, running_campaign
from tests.e2e.test_emulation_roll import sign_in
from tests.e2e.test_webchat_files import upload

pytestmark = pytest.mark.anyio
PHOTO = b"\x89PNG\r\n\x1a\n" + b"the new fixture " * 300


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return load_settings(
        environ={
            "THIDUA_DATABASE_URL": database_url,
            "THIDUA_ATTACHMENTS_DIR": str(tmp_path),
            "THIDUA_WEB_UI": "true",
            "THIDUA_WEB_SECRET": SECRET,
        }
    )


def evidence_row(runtime: Runtime) -> EmulationReport:
    """The report in force (a replaced photo came on a row of its own)."""
    with Session(runtime.engine) as session:
        (row,) = session.exec(
            select(EmulationReport).where(col(EmulationReport.superseded_at).is_(None))
        ).all()
        return row


async def test_an_evidence_photo_from_the_web_chat_on_the_desk(
    client: httpx.AsyncClient,  # noqa: F811
    runtime: Runtime,
    settings: Settings,
):
    data = load_demo(runtime)
    _desk, boss = await signed_in_officer(client, runtime, data, MINH_PHAT)
    binh = await member(client, runtime, code="CDCSTN33", name="Trần Văn Bình")
    campaign_id, (initiatives,) = running_campaign(
        runtime, data.officer_of[MINH_PHAT], (INITIATIVES,)
    )
    runtime.clock.advance(days=3)
    calls(runtime)
    await binh.replies()
    await binh.tap("Báo cáo ngay")
    asked = await binh.say("1")
    assert "cần minh chứng" in binh.texts(asked)

    program = await upload(client, binh.session, "anh.jpg", b"MZ\x90\x00 a program", "image/jpeg")
    assert program.status_code == 202
    told = binh.texts(await binh.replies())
    assert "Đã nhận ảnh minh chứng." in told
    assert "Ảnh minh chứng cho “Sáng kiến” không được lưu" in told
    row = evidence_row(runtime)
    assert (row.evidence_status, row.evidence_problem) == ("refused", "attachment_executable")

    offered = await binh.say("/progress")
    assert offered
    await binh.tap("Thi đua quý cuối năm (tháng 11/2026)")
    again = await binh.tap("Giữ nguyên")
    assert "cần minh chứng" in binh.texts(again)
    good = await upload(client, binh.session, "sang-kien.png", PHOTO, "image/png")
    assert good.status_code == 202
    assert "không được lưu" not in binh.texts(await binh.replies())
    row = evidence_row(runtime)
    assert (row.evidence_status, row.criterion_id) == ("stored", initiatives)
    with Session(runtime.engine) as session:  # the refused photo stays in the history
        earlier = session.exec(select(EmulationReport).where(EmulationReport.id != row.id)).one()
        assert (earlier.evidence_status, earlier.superseded_by) == ("refused", row.id)
    assert (settings.attachments_dir / str(row.evidence_path)).read_bytes() == PHOTO

    desk = await sign_in(client, boss)
    page = await desk.get(f"/web/campaigns/{campaign_id}/reports")
    link = f"/web/reports/{row.id}/evidence"
    assert f'href="{link}"' in page.text
    image = await desk.get(link)
    assert image.status_code == 200 and image.content == PHOTO
    assert image.headers["content-type"] == "image/png"
    other, _user = await signed_in_officer(client, runtime, data, HUNG_THINH)
    assert (await other.get(link)).status_code == 404

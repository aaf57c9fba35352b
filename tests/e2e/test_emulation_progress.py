"""Progress by chat (issue #17) through real adapter paths: a campaign with monthly criteria
calls its members to report at the end of November; a Telegram member answers by typing, with
every bad input answered and asked again (yes where a number is asked, a negative, 1.000 far
above the target and confirmed no, a number where yes/no is asked, a file that is not a photo,
a photo too large), a web chat member by tapping ("1 triệu" refused as unusual, "1,5" kept);
the late report is reminded within quiet hours and made late; a correction keeps the history;
December is the second period; a criterion changed after the pledge keeps the pledged target
while the report goes against the version in force; a closed period, someone outside the
audience and a closed campaign are refused. Rows are checked in the database."""

# ruff: noqa: F811  (the fixtures are imported by name from tests/fakes/telegram_fixtures.py)

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest
from sqlmodel import Session

from bots.bootstrap import Runtime
from bots.settings import Settings, load_settings
from core.campaigns import service as campaigns
from core.campaigns.scope import Actor
from core.emulation import criteria, pledges
from core.emulation.models import EmulationCriterion
from core.emulation.titles import Title
from tests.e2e.campaign_support import MINH_PHAT, load_demo, member, member_id
from tests.e2e.progress_support import calls, current, report_rows, running_campaign
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.telegram_fixtures import (  # noqa: F401  (fixtures)
    TelegramChat,
    fake,
    fake_url,
    telegram_env,
    tg_client,
    tg_runtime,
)

pytestmark = pytest.mark.anyio
NOV, DEC = "2026-11", "2026-12"
PHOTO = b"\xff\xd8\xff\xe0" + b"JFIF the new jig at work " * 500


@pytest.fixture
def tg_settings(database_url: str, fake_url: str, tmp_path) -> Settings:  # type: ignore[no-untyped-def]
    environ = {**telegram_env(database_url, fake_url), "THIDUA_ATTACHMENTS_DIR": str(tmp_path)}
    return load_settings(environ=environ)


def photo(fake: FakeTelegram, person, size: int, file_id: str = ""):  # type: ignore[no-untyped-def]
    file_id = file_id or f"AgAC{size}"
    item = {"file_id": file_id, "file_unique_id": f"u{size}", "width": 800, "height": 600}
    return fake.message_update(person, None, photo=[{**item, "file_size": size}])


async def lan_reports_november(lan: TelegramChat, fake: FakeTelegram) -> str:
    """Every bad input on the way; returns the progress shown at the end."""
    asked = await lan.tap("Báo cáo ngay")
    assert "(1/3) Giờ học tập, tháng 11/2026" in lan.texts(asked)
    assert "Chỉ tiêu: 12 giờ" in lan.texts(asked)  # her pledge, not the campaign's 10
    assert "Tiêu chí này cần một con số" in lan.texts(await lan.say("có"))
    assert "không được nhỏ hơn 0" in lan.texts(await lan.say("-3"))
    unusual = await lan.say("1.000")
    assert "Bạn vừa gõ 1.000 giờ, gấp hơn mười lần chỉ tiêu (12 giờ)" in lan.texts(unusual)
    again = await lan.tap("Không, tôi gõ lại")
    assert "(1/3) Giờ học tập" in lan.texts(again)
    rules = await lan.say("12,5")
    assert "Đã ghi nhận: 12,5 giờ" in lan.texts(rules)
    assert "(2/3) Chấp hành nội quy" in lan.texts(rules)
    assert "trả lời Có hoặc Không, không phải một con số" in lan.texts(await lan.say("15"))
    initiatives = await lan.say("1")  # the first choice: «Có»
    assert "(3/3) Sáng kiến" in lan.texts(initiatives)
    asked_photo = await lan.say("1")
    assert "cần minh chứng" in lan.texts(asked_photo)
    document = {"file_id": "BQAD1", "file_unique_id": "d1", "file_name": "a.pdf"}
    pdf = await lan.send(
        fake.message_update(lan.person, None, document={**document, "mime_type": "application/pdf"})
    )
    assert "Minh chứng phải là một ảnh chụp" in lan.texts(pdf)
    large = await lan.send(photo(fake, lan.person, 30 * 1024 * 1024))
    assert "Ảnh này quá lớn. Chỉ nhận ảnh tối đa 20 MB." in lan.texts(large)
    kept = fake.add_file(PHOTO, "photos/file_9.jpg")
    done = await lan.send(photo(fake, lan.person, len(PHOTO), kept))
    assert "Đã nhận ảnh minh chứng." in lan.texts(done)
    return lan.texts(done)


async def test_two_periods_by_telegram_and_the_web_chat(
    fake: FakeTelegram, tg_client: httpx.AsyncClient, tg_runtime: Runtime, tg_settings: Settings
) -> None:
    runtime = tg_runtime
    data = load_demo(runtime)
    officer = data.officer_of[MINH_PHAT]
    lan = TelegramChat(fake, tg_client, runtime, fake.user(402, "Lan", language_code="vi"))
    for typed in ("/start CDCSTN33", "dong y", "co, gui cho toi", "co, hien ten toi"):
        await lan.say(typed)
    for typed in ("Nguyễn Thị Lan", "dung", "4", "khong", "1"):
        await lan.say(typed)
    binh = await member(tg_client, runtime, code="CDCSTN33", name="Trần Văn Bình")
    hoa = await member(tg_client, runtime, code="CDCSTN33", name="Lê Thị Hoa")
    campaign_id, (hours, rules, initiatives) = running_campaign(runtime, officer)
    with Session(runtime.engine) as session, session.begin():
        person = session.get(pledges.Member, member_id(runtime, "Nguyễn Thị Lan"))
        pledges.save(
            session,
            member=person,  # type: ignore[arg-type]
            campaign_id=campaign_id,
            title=Title.GOOD_WORKER,
            targets={hours: Decimal(12), initiatives: Decimal(1)},
            now=runtime.clock.now(),
            timezone="Asia/Ho_Chi_Minh",
        )
    for person in (lan, binh, hoa):
        await person.replies()  # the launch

    assert calls(runtime) == 0  # 25 November: the month's report opens on the 28th
    runtime.clock.advance(days=3)  # 28 November, 10:00 in Hà Nội
    assert calls(runtime) == 3
    assert calls(runtime) == 0  # called once
    called = await lan.replies()
    assert "Đến kỳ báo cáo kết quả thi đua trong phong trào “Thi đua quý cuối năm”" in lan.texts(
        called
    )
    assert "• Giờ học tập (tháng 11/2026)" in lan.texts(called)
    assert lan.labels(called) == ["Báo cáo ngay"]

    progress = await lan_reports_november(lan, fake)
    assert "• Giờ học tập (tháng 11/2026): 12,5 giờ / chỉ tiêu 12 giờ (104,2%)" in progress
    assert "Công đoàn Công ty TNHH Cơ khí Minh Phát hiện đứng thứ 1/1 đơn vị" in progress
    lan_rows = report_rows(runtime, "Nguyễn Thị Lan")
    assert current(lan_rows) == {
        (hours, NOV): Decimal("12.5"),
        (rules, NOV): Decimal(1),
        (initiatives, NOV): Decimal(1),
    }
    evidence = next(r for r in lan_rows if r.criterion_id == initiatives)
    assert (evidence.evidence_platform, evidence.evidence_status) == ("telegram", "stored")
    assert (tg_settings.attachments_dir / str(evidence.evidence_path)).read_bytes() == PHOTO
    assert not any(r.late for r in lan_rows)

    # the web chat, tapping: "1 triệu" is a million (asked to confirm), "1,5" one and a half
    assert "Đến kỳ báo cáo" in binh.texts(await binh.replies())
    await binh.tap("Báo cáo ngay")
    big = await binh.say("1 triệu")
    assert "Bạn vừa gõ 1.000.000 giờ" in binh.texts(big)
    await binh.tap("Không, tôi gõ lại")
    await binh.say("1,5")
    await binh.tap("Không")
    skipped = await binh.tap("Bỏ qua")
    assert "• Sáng kiến (tháng 11/2026): chưa báo cáo" in binh.texts(skipped)
    assert current(report_rows(runtime, "Trần Văn Bình")) == {
        (hours, NOV): Decimal("1.5"),
        (rules, NOV): Decimal(0),
    }

    # late: the reminder on 3 December at 22:00 waits for 07:00, to Hoa and to Bình (one missing)
    runtime.clock.advance(days=5, hours=12)
    assert "Đến kỳ báo cáo" in hoa.texts(await hoa.replies())  # the call, read late
    assert calls(runtime) == 2
    assert await hoa.replies() == [] and await binh.replies() == []
    runtime.clock.advance(hours=9)
    reminded = await hoa.replies()
    assert "báo cáo thi đua trong phong trào “Thi đua quý cuối năm” đã quá hạn" in hoa.texts(
        reminded
    )
    assert "Báo cáo được nhận đến hết ngày 10/12/2026" in hoa.texts(reminded)
    only = binh.texts(await binh.replies())
    assert "• Sáng kiến (tháng 11/2026)" in only and "Giờ học tập" not in only
    assert await lan.replies() == []
    await hoa.tap("Báo cáo ngay")
    await hoa.say("8")
    await hoa.tap("Có")
    await hoa.say("0")  # no initiative: no photo asked
    assert all(r.late for r in report_rows(runtime, "Lê Thị Hoa"))
    assert len(report_rows(runtime, "Lê Thị Hoa")) == 3

    # a correction: the new figure supersedes, the old row stays
    offered = await lan.say("/progress")
    assert lan.labels(offered) == ["Thi đua quý cuối năm (tháng 11/2026)"]
    corrected = await lan.tap("Thi đua quý cuối năm (tháng 11/2026)")
    assert "Bạn đã báo cáo 12,5 giờ" in lan.texts(corrected)
    await lan.say("14")
    await lan.tap("Giữ nguyên")
    await lan.tap("Giữ nguyên")
    lan_rows = report_rows(runtime, "Nguyễn Thị Lan")
    hours_rows = [r for r in lan_rows if r.criterion_id == hours]
    assert [r.value for r in hours_rows] == [Decimal("12.5"), Decimal(14)]
    assert hours_rows[0].superseded_by == hours_rows[1].id and hours_rows[1].superseded_at is None
    assert hours_rows[1].late  # corrected after the month's end

    # the officers' roll and "remind the rest" in the admin API are in test_emulation_roll.py

    # December: the hours criterion changes (target 20); Lan's pledge keeps 12
    runtime.clock.advance(days=25)  # 29 December, 07:00
    with Session(runtime.engine) as session, session.begin():
        row = session.get(EmulationCriterion, hours)
        assert row is not None
        change = criteria.input_of(row)
        new_hours = criteria.edit(
            session,
            actor=Actor.officer(officer),
            criterion_id=hours,
            data=type(change)(**{**change.__dict__, "target": Decimal(20)}),
            now=runtime.clock.now(),
        ).id
    assert calls(runtime) == 3
    await lan.replies()
    december = await lan.tap("Báo cáo ngay")
    assert "(1/3) Giờ học tập, tháng 12/2026" in lan.texts(december)
    assert "Chỉ tiêu: 12 giờ" in lan.texts(december)
    await lan.say("10")
    await lan.say("có")
    shown = await lan.say("0")
    assert "• Giờ học tập (tháng 12/2026): 10 giờ / chỉ tiêu 12 giờ (83,3%)" in lan.texts(shown)
    assert current(report_rows(runtime, "Nguyễn Thị Lan"))[(new_hours, DEC)] == Decimal(10)

    # November has closed; someone of another union; a closed campaign
    closed = await binh.say("/progress")
    assert "tháng 12/2026" in binh.texts(closed)
    old = await binh.say("", payload=f"emu_rep:{campaign_id}:20261130")
    assert "Kỳ báo cáo tháng 11/2026 đã đóng" in binh.texts(old)
    stranger = await member(tg_client, runtime, code="CDCSFD44", name="Phan Văn Tú")
    refused = await stranger.say("", payload=f"emu_rep:{campaign_id}:20261231")
    assert "Bạn không có gì cần báo cáo trong phong trào này" in stranger.texts(refused)
    with Session(runtime.engine) as session, session.begin():
        campaigns.close(
            session, actor=Actor.officer(officer), campaign_id=campaign_id, now=runtime.clock.now()
        )
    ended = await hoa.say("", payload=f"emu_rep:{campaign_id}:20261231")
    assert "Phong trào này đã kết thúc, không nhận báo cáo nữa." in hoa.texts(ended)
    assert "không có kỳ báo cáo nào" in lan.texts(await lan.say("/progress"))
    assert len(report_rows(runtime, "Phan Văn Tú")) == 0

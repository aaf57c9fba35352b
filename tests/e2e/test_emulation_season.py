"""One emulation season end to end (issue #17's Done-when), through real adapter paths on two
messengers and the web chat, with the officers' desk and admin API beside them:

- the industrial zone's union makes a campaign from the production template (for private and
  FDI enterprises) plus a criterion its members report, makes the block of its two enterprise
  unions, launches; Lan pledges on the web chat by tapping, Minh Phát's officer on the Zalo OA
  by typing;
- November: Hưng Thịnh's officer reports the union's figures on the Zalo Bot Platform (typing
  numbers); Minh Phát's officer is reminded after the month's end (the OA holds it until his
  next message, outside its free window) and reports late; Hưng Thịnh corrects its output (the
  first figure kept, superseded); the zone's officer, on the web chat, verifies Minh Phát's
  figures and adjusts its defect rate with a reason;
- the block's November ranking (admin API) equals a plain recomputation from the report and
  evaluation rows (tests/e2e/block_support.py, apart from core/emulation/scoring.py), with its
  figures worked out by hand;
- a mid-term review made on the desk and announced on all three channels, its workbook read;
- December with the quarter's criteria (an evidence photo sent later); the campaign closed on
  the desk, which makes the final review (announced, its workbook's union totals equal to the
  plain recomputation summed over the periods) and thidua's collective title proposals; one is
  taken off with a reason, the list confirmed once (the unions' officers told in the
  confirming transaction: on the Zalo Bot at once, on the OA at their next message) and its
  council workbook read back."""

from __future__ import annotations

import contextlib
import io
from collections.abc import AsyncIterator, Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from bots.bootstrap import Runtime
from core.emulation.title_models import TitleProposal
from core.members.models import Member
from core.storage.models import OutboxMessage
from scheduler.emulation import pledge_calls, review_announcements
from tests.apps import open_app
from tests.browser.support import SECRET, post_form
from tests.conftest import FakeClock
from tests.e2e.block_support import plain_totals
from tests.e2e.campaign_support import HUNG_THINH, MINH_PHAT, ZONE, load_demo, member, officer
from tests.e2e.progress_support import calls, current, report_rows
from tests.e2e.test_api_campaigns import bearer, token_for
from tests.e2e.test_emulation_pledges import pledge_rows
from tests.e2e.test_emulation_roll import sign_in
from tests.e2e.test_zalobot_typed import number
from tests.fakes.server import serve_in_thread
from tests.fakes.zalo_bot import FakeZaloBot, ZaloBotUser
from tests.fakes.zalo_oa import FakeZaloOA, ZaloUser

pytestmark = pytest.mark.anyio
MP = "Công đoàn Công ty TNHH Cơ khí Minh Phát"
HT = "Công đoàn Công ty TNHH Giày da Hưng Thịnh Việt Nam"
MP_OFFICER = "Phan Quốc Vy"  # the demo's officer of Minh Phát
LEVEL_PROVINCE = "Liên đoàn Lao động tỉnh, thành phố hoặc tương đương"
ZONE_NAME = "Công đoàn các Khu công nghiệp Bình Dương"
REASON = "Phòng QC đối chiếu lại: tỷ lệ lỗi tháng 11 là 2,1 %"
NOV, DEC = "2026-11", "2026-12"
BLOCK = "Cụm doanh nghiệp KCN Bình Dương"


async def workbook(desk: httpx.AsyncClient, url: str) -> dict[str, list[tuple[Any, ...]]]:
    """The review's workbook, downloaded and opened: sheet name -> its rows."""
    got = await desk.get(f"{url}/xlsx")
    assert got.status_code == 200, got.text
    book = load_workbook(io.BytesIO(got.content), read_only=True)
    return {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames}


def roster_sizes(runtime: Runtime, units: tuple[int, ...]) -> dict[int, int]:
    """unit id -> its members on the roster, counted here."""
    with Session(runtime.engine) as session:
        return {
            unit: session.exec(
                select(func.count())
                .select_from(Member)
                .where(Member.unit_id == unit, col(Member.forgotten_at).is_(None))
            ).one()
            for unit in units
        }


@pytest.fixture
def oa(clock: FakeClock) -> Iterator[FakeZaloOA]:
    fake = FakeZaloOA(clock=clock)
    with serve_in_thread(fake.build_app()) as url:
        fake.url = url
        yield fake


@pytest.fixture
def bot(clock: FakeClock) -> Iterator[FakeZaloBot]:
    fake = FakeZaloBot(clock=clock)
    with serve_in_thread(fake.build_app()) as url:
        fake.url = url
        yield fake


@pytest.fixture
async def season(
    database_url: str, engine: Engine, clock: FakeClock, oa: FakeZaloOA, bot: FakeZaloBot
) -> AsyncIterator[tuple[Runtime, httpx.AsyncClient]]:
    """One app wired to both fakes, with the web chat and the officers' desk."""
    env = {
        "THIDUA_DATABASE_URL": database_url,
        "THIDUA_WEB_UI": "true",
        "THIDUA_WEB_SECRET": SECRET,
        "THIDUA_ZALO_APP_ID": oa.app_id,
        "THIDUA_ZALO_APP_SECRET": oa.app_secret,
        "THIDUA_ZALO_WEBHOOK_SECRET": oa.webhook_secret,
        "THIDUA_ZALO_ACCESS_TOKEN": oa.access_token,
        "THIDUA_ZALO_REFRESH_TOKEN": oa.refresh_token,
        "THIDUA_ZALO_API_BASE": oa.url,
        "THIDUA_ZALO_OAUTH_BASE": oa.url,
        "THIDUA_ZALOBOT_TOKEN": bot.token,
        "THIDUA_ZALOBOT_WEBHOOK_SECRET": bot.webhook_secret,
        "THIDUA_ZALOBOT_API_BASE": bot.url,
    }
    async with contextlib.AsyncExitStack() as stack:
        yield await open_app(stack, env, engine=engine, clock=clock)


async def test_a_season(
    season: tuple[Runtime, httpx.AsyncClient], oa: FakeZaloOA, bot: FakeZaloBot
):
    runtime, client = season
    data = load_demo(runtime)
    zone = bearer(token_for(runtime, data.officer_of[ZONE]))
    # the grassroots officers: Minh Phát's on the Zalo OA, Hưng Thịnh's on the Zalo Bot
    mp = ZaloUser(client, runtime, oa, "2512523625412515")
    await mp.follow()
    linked = mp.texts(await mp.say(f"/link {data.claim[MINH_PHAT]}"))
    assert f"Bạn là cán bộ của {MP}" in linked
    ht = ZaloBotUser(client, runtime, bot, "6ede9afa66b88fe6d6a9")
    await ht.say("Xin chào")
    linked = ht.texts(await ht.say(f"/link {data.claim[HUNG_THINH]}"))
    assert f"Bạn là cán bộ của {HT}" in linked
    lan = await member(client, runtime, code="CDCSTN33", name="Nguyễn Thị Lan")

    # a campaign of the zone from the production template, with the members' own criterion
    made = await client.post(
        "/api/v1/campaigns",
        headers=zone,
        json={
            "unit_id": ZONE,
            "title": "Thi đua sản xuất cuối năm 2026",
            "starts_on": "2026-11-01",
            "ends_on": "2026-12-31",
        },
    )
    assert made.status_code == 201, made.text
    campaign_id = made.json()["id"]
    rows = await client.post(
        f"/api/v1/campaigns/{campaign_id}/criteria/from-template",
        headers=zone,
        json={"key": "production"},
    )
    assert rows.status_code == 201, rows.text
    criterion_ids = [r["id"] for r in rows.json()]
    assert len(criterion_ids) == 5
    hours = await client.post(
        f"/api/v1/campaigns/{campaign_id}/criteria",
        headers=zone,
        json={
            "name": "Giờ học tập nâng cao tay nghề",
            "kind": "number",
            "points": "20",
            "reporter": "member",
            "frequency": "monthly",
            "measure": "giờ",
            "target": "8",
        },
    )
    assert hours.status_code == 201, hours.text
    launched = await client.post(
        f"/api/v1/campaigns/{campaign_id}/launch",
        headers=zone,
        json={"text": "Phát động thi đua sản xuất cuối năm!"},
    )
    assert launched.status_code == 200, launched.text
    for person in (mp, ht, lan):
        assert "Phát động thi đua sản xuất cuối năm!" in person.texts(await person.replies())
    hours_id = hours.json()["id"]

    # pledges: Lan on the web chat by tapping, Minh Phát's officer on the Zalo OA by typing
    policy = runtime.processor.config.delivery
    assert pledge_calls(runtime.engine, runtime.clock, policy, runtime.catalogs) == 3
    for person in (lan, mp):
        assert "đang nhận đăng ký thi đua" in person.texts(await person.replies())
    await lan.tap("Đăng ký thi đua")
    await lan.tap("Lao động giỏi")
    await lan.say("10")
    assert "thành công" in lan.texts(await lan.tap("Xác nhận đăng ký"))
    await mp.tap("Đăng ký thi đua")
    await mp.say("chien si thi dua")
    assert "• Giờ học tập nâng cao tay nghề: 12 giờ" in mp.texts(await mp.say("12"))
    assert "thành công" in mp.texts(await mp.tap("Xác nhận đăng ký"))
    await ht.replies()  # Hưng Thịnh's officer does not pledge
    assert pledge_rows(runtime) == {
        "Nguyễn Thị Lan": ("good_worker", {hours_id: Decimal(10)}),
        MP_OFFICER: ("fighter", {hours_id: Decimal(12)}),
    }

    # the zone's block of its two enterprise unions, for this campaign
    block = await client.post(
        "/api/v1/blocks",
        headers=zone,
        json={
            "owner_unit_id": ZONE,
            "name": BLOCK,
            "kind": "industrial_zone",
            "campaign_id": campaign_id,
            "unit_ids": [MINH_PHAT, HUNG_THINH],
        },
    )
    assert block.status_code == 201, block.text
    block_id = block.json()["id"]

    runtime.clock.advance(days=3)  # 28 November: November's report opens
    assert calls(runtime) == 3
    called = lan.texts(await lan.replies())
    assert "• Giờ học tập nâng cao tay nghề (tháng 11/2026)" in called
    await lan.tap("Báo cáo ngay")
    shown = lan.texts(await lan.say("11"))
    assert "• Giờ học tập nâng cao tay nghề (tháng 11/2026): 11 giờ / chỉ tiêu 10 giờ" in shown
    called = await ht.replies()
    assert "• Sản lượng so với kế hoạch sản xuất (tháng 11/2026)" in ht.texts(called)
    for typed in (number(called, "Báo cáo ngay"), "103", "1,5", "0"):
        await ht.say(typed)
    shown = ht.texts(await ht.say("9"))
    assert f"{HT} hiện đứng thứ 1/2 đơn vị" in shown

    # late: Minh Phát's officer is reminded on 3 December (held by the Zalo OA until his
    # next message, the OA's free window being over) and reports November then
    runtime.clock.advance(days=5, hours=12)
    assert calls(runtime) == 1  # Minh Phát's officer alone has figures missing
    assert await mp.replies() == [] and await ht.replies() == []
    runtime.clock.advance(hours=9)  # 4 December, 07:00
    offered = mp.texts(await mp.say("/progress"))
    assert "báo cáo thi đua trong phong trào “Thi đua sản xuất cuối năm 2026” đã quá hạn" in (
        offered
    )
    assert "Báo cáo được nhận đến hết ngày 10/12/2026" in offered
    await mp.tap("Báo cáo ngay")
    for typed in ("98", "2,4", "0"):
        await mp.say(typed)
    shown = mp.texts(await mp.say("12"))
    assert f"{MP} hiện đứng thứ 2/2 đơn vị" in shown

    # a correction: Hưng Thịnh's output was 105 %, not 103 %
    got = await ht.say("/progress")
    asked = await ht.say(number(got, "Thi đua sản xuất cuối năm 2026 (tháng 11/2026)"))
    assert "Bạn đã báo cáo 103 % kế hoạch: số bạn gửi bây giờ sẽ thay số đó" in ht.texts(asked)
    await ht.say("105")
    assert "Đã dừng" in ht.texts(await ht.say("dừng"))
    history = [(r.unit_id, r.criterion_id, r.value, r.late) for r in report_rows(runtime)]
    output, defects, accidents = criterion_ids[:3]
    assert history == [
        (HUNG_THINH, output, Decimal(103), False),  # superseded by the correction, kept
        (HUNG_THINH, defects, Decimal("1.5"), False),
        (HUNG_THINH, accidents, Decimal(0), False),
        (MINH_PHAT, output, Decimal(98), True),  # late
        (MINH_PHAT, defects, Decimal("2.4"), True),
        (MINH_PHAT, accidents, Decimal(0), True),
        (HUNG_THINH, output, Decimal(105), True),  # the correction, after the month's end
    ]
    assert current(report_rows(runtime))[(output, NOV)] == Decimal(105)

    # the zone's officer evaluates on the web chat: verifies, and adjusts with a reason
    boss = await officer(client, runtime, data, ZONE, english=False)
    listed = await boss.say("/evaluate")
    assert "tháng 11/2026. Các đơn vị đang chờ bạn chấm" in boss.texts(listed)
    got = await boss.tap(f"{MP} (3)")
    assert "Đơn vị tự báo cáo: 98 % kế hoạch." in boss.texts(got)
    await boss.tap("Xác nhận 98 % kế hoạch")
    asked = boss.texts(await boss.say("2,1"))  # the defect rate: 2.4 % reported
    assert "Bạn sửa 2,4 % sản phẩm thành 2,1 % sản phẩm. Bạn gõ lý do" in asked
    saved = boss.texts(await boss.say(REASON))
    assert "Đã lưu: 2,1 % sản phẩm." in saved
    await boss.tap("Xác nhận 0 vụ")

    # the block's ranking for November against a plain recomputation
    url = f"/api/v1/blocks/{block_id}/ranking?campaign_id={campaign_id}&due_on=2026-11-30"
    ranked = (await client.get(url, headers=zone)).json()
    sizes = roster_sizes(runtime, (MINH_PHAT, HUNG_THINH))
    assert sizes == {s["unit_id"]: s["members"] for s in ranked["standings"]}
    expected = plain_totals(runtime, campaign_id, NOV, sizes)
    assert expected == {HUNG_THINH: Decimal("66.50"), MINH_PHAT: Decimal("63.65")}
    assert {s["unit_id"]: Decimal(s["total"]) for s in ranked["standings"]} == expected
    assert [s["unit_id"] for s in ranked["standings"]] == [HUNG_THINH, MINH_PHAT]

    # the mid-term review on the desk, announced; its workbook read back
    desk = await sign_in(client, boss)
    reviews_url = f"/web/campaigns/{campaign_id}/reviews"
    made = await post_form(desk, reviews_url, reviews_url, {"announce": "on"})
    assert made.status_code == 303, made.text
    mid_url = made.headers["location"].split("?")[0]
    assert "Sơ kết" in (await desk.get(mid_url)).text
    mid = await workbook(desk, mid_url)
    summary = dict(mid["Tổng hợp"])
    assert (summary["Sơ kết, tổng kết"], summary["Các kỳ được tính"]) == ("Sơ kết", "2026-11")
    assert summary["Đã đăng ký thi đua"] == 2
    units = {row[1]: row for row in mid["Kết quả theo công đoàn"][1:]}
    assert units[HT][:3] == (1, HT, 66.5) and units[MP][:3] == (2, MP, 63.65)
    assert mid["Cụm, khối"][1:] == [
        (BLOCK, ZONE_NAME, 1, HT, 66.5),
        (BLOCK, ZONE_NAME, 2, MP, 63.65),
    ]
    for person in (lan, mp, ht):
        told = person.texts(await person.replies())
        assert "Sơ kết phong trào “Thi đua sản xuất cuối năm 2026”" in told
        assert f"1. {HT} (66,5 điểm); 2. {MP} (63,65 điểm)" in told

    # December, the second period, with the quarter's criteria
    runtime.clock.advance(days=25, hours=3)  # 29 December, 10:00: December opens
    assert calls(runtime) == 4
    assert "• Giờ học tập nâng cao tay nghề (tháng 12/2026)" in lan.texts(await lan.replies())
    await lan.tap("Báo cáo ngay")
    await lan.say("9")
    called = await ht.replies()
    assert "• Sáng kiến, cải tiến kỹ thuật (quý 4/2026)" in ht.texts(called)
    for typed in (number(called, "Báo cáo ngay"), "101", "1,8", "0"):
        got = await ht.say(typed)
    # initiatives are counted per member (0,02 each): the union types its own count, asked
    # against its own target, 0,02 x its 9 members
    assert "Chỉ tiêu: 0,18 sáng kiến" in ht.texts(got)
    got = await ht.say("2")
    assert "gấp hơn mười lần chỉ tiêu (0,18 sáng kiến)" in ht.texts(got)
    got = await ht.say("1")
    assert "cần minh chứng: bạn gửi một ảnh chụp" in ht.texts(got)
    for typed in ("gửi sau", "104", "8"):
        got = await ht.say(typed)
    assert "Cảm ơn bạn, báo cáo đã được ghi nhận." in ht.texts(got)
    assert "• Sáng kiến, cải tiến kỹ thuật (quý 4/2026): 2 sáng kiến / chỉ tiêu 0,18" in ht.texts(
        got
    )
    offered = await mp.say("/progress")
    assert "(kỳ kết thúc ngày 31/12/2026)" in mp.texts(offered)
    for typed in ("Báo cáo ngay", "104", "1,9", "0", "3"):
        got = await (mp.tap(typed) if typed == "Báo cáo ngay" else mp.say(typed))
    await mp.tap("Đúng, ghi nhận số này")
    await mp.tap("Gửi ảnh sau")
    await mp.say("100")
    assert "Cảm ơn bạn, báo cáo đã được ghi nhận." in mp.texts(await mp.say("13"))

    # 31 December, 17:00: the zone's officer closes the campaign on the desk, which makes the
    # final review, announced by the scheduler, and thidua's title proposals
    runtime.clock.advance(days=2, hours=7)
    desk = await sign_in(client, boss)
    campaign_url = f"/web/campaigns/{campaign_id}"
    closed = await post_form(desk, campaign_url, f"{campaign_url}/close", {})
    assert closed.status_code == 303, closed.text
    assert review_announcements(runtime.engine, runtime.clock, policy, runtime.catalogs) == 1
    for person in (lan, ht):  # Minh Phát's officer is out of the OA's window: held
        told = person.texts(await person.replies())
        assert "Tổng kết phong trào “Thi đua sản xuất cuối năm 2026”" in told
        assert f"1. {HT} (171,4 điểm); 2. {MP} (168,85 điểm)" in told
    listed = (await client.get(f"/api/v1/campaigns/{campaign_id}/reviews", headers=zone)).json()
    assert [r["kind"] for r in listed] == ["final", "mid"]
    final = await workbook(desk, f"{reviews_url}/{listed[0]['id']}")
    summary = dict(final["Tổng hợp"])
    assert summary["Sơ kết, tổng kết"] == "Tổng kết"
    assert summary["Các kỳ được tính"] == "2026-11, 2026-12, 2026-Q4"
    season_totals = {unit: Decimal(0) for unit in sizes}
    for period in (NOV, DEC, "2026-Q4"):
        for unit, total in plain_totals(runtime, campaign_id, period, sizes).items():
            season_totals[unit] += total
    assert season_totals == {HUNG_THINH: Decimal("171.40"), MINH_PHAT: Decimal("168.85")}
    units = {row[1]: row for row in final["Kết quả theo công đoàn"][1:]}
    assert Decimal(str(units[HT][2])) == season_totals[HUNG_THINH] and units[HT][0] == 1
    assert Decimal(str(units[MP][2])) == season_totals[MINH_PHAT] and units[MP][0] == 2
    people = {row[1]: row for row in final["Cá nhân"][1:]}
    assert people["Nguyễn Thị Lan"][4] == "Lao động giỏi"

    # the titles thidua proposed with the final review: amended with a reason, confirmed once,
    # exported for the council
    titles_url = f"/web/campaigns/{campaign_id}/titles"
    with Session(runtime.engine) as session:
        proposed = {
            (p.unit_id, p.name): p.id
            for p in session.exec(
                select(TitleProposal).where(TitleProposal.campaign_id == campaign_id)
            )
        }
    assert set(proposed) == {
        (HUNG_THINH, "Tập thể lao động xuất sắc"),
        (HUNG_THINH, "Bằng khen của Liên đoàn Lao động tỉnh"),
        (MINH_PHAT, "Tập thể lao động tiên tiến"),
        (MINH_PHAT, "Giấy khen của Công đoàn cấp trên trực tiếp cơ sở"),
    }
    certificate = proposed[(MINH_PHAT, "Giấy khen của Công đoàn cấp trên trực tiếp cơ sở")]
    removed = await post_form(
        desk,
        titles_url,
        f"{titles_url}/{certificate}/remove",
        {"reason": "Đã nhận Giấy khen quý III"},
    )
    assert removed.status_code == 303, removed.text
    confirmed = await post_form(desk, titles_url, f"{titles_url}/confirm", {})
    assert confirmed.status_code == 303, confirmed.text
    again = await post_form(desk, titles_url, f"{titles_url}/confirm", {})
    assert again.status_code == 422  # confirmed once

    # the unions' officers are told, each title in its own message, in the confirming
    # transaction (one outbox row per officer and title; the second confirmation added none)
    told = ht.texts(await ht.replies())
    for title, level in (
        ("Tập thể lao động xuất sắc", "Công đoàn cấp trên trực tiếp cơ sở"),
        ("Bằng khen của Liên đoàn Lao động tỉnh", LEVEL_PROVINCE),
    ):
        assert (
            f"Chúc mừng! {ZONE_NAME} đã xác nhận {HT} đạt “{title}” (cấp khen: {level}) trong "
            "phong trào “Thi đua sản xuất cuối năm 2026”. Danh sách đã xác nhận được chuyển đến "
            f"Hội đồng thi đua – khen thưởng. Bạn nhận tin này vì bạn là cán bộ của {HT}."
        ) in told
    assert "Giấy khen" not in told
    with Session(runtime.engine) as session:
        notices = session.exec(
            select(OutboxMessage).where(
                col(OutboxMessage.dedupe_key).startswith("title_confirmed:")
            )
        ).all()
    assert len(notices) == 3  # Hưng Thịnh's two, Minh Phát's one
    assert {n.created_at for n in notices} == {runtime.clock.now()}
    held = next(n for n in notices if n.platform == "zalo")
    assert held.status == "held"  # the OA's free window is over: at his next message
    told = mp.texts(await mp.say("/help"))
    assert f"đã xác nhận {MP} đạt “Tập thể lao động tiên tiến”" in told
    with Session(runtime.engine) as session:
        statuses = {
            (p.unit_id, p.name): p.status
            for p in session.exec(
                select(TitleProposal).where(TitleProposal.campaign_id == campaign_id)
            )
        }
    assert statuses == {
        (HUNG_THINH, "Tập thể lao động xuất sắc"): "confirmed",
        (HUNG_THINH, "Bằng khen của Liên đoàn Lao động tỉnh"): "confirmed",
        (MINH_PHAT, "Tập thể lao động tiên tiến"): "confirmed",
        (MINH_PHAT, "Giấy khen của Công đoàn cấp trên trực tiếp cơ sở"): "removed",
    }
    book = await desk.get(f"{titles_url}.xlsx")
    assert book.status_code == 200
    rows = list(load_workbook(io.BytesIO(book.content)).active.iter_rows(values_only=True))
    assert rows[3][:5] == (
        "STT",
        "Họ và tên / Tên tập thể",
        "Đơn vị",
        "Danh hiệu / Hình thức khen thưởng",
        "Cấp khen",
    )
    council = {(row[1], row[3]): row for row in rows[4:] if row[0] is not None}
    assert set(council) == {
        (HT, "Bằng khen của Liên đoàn Lao động tỉnh"),
        (HT, "Tập thể lao động xuất sắc"),
        (MP, "Tập thể lao động tiên tiến"),
    }
    assert council[(HT, "Tập thể lao động xuất sắc")][2:5] == (
        ZONE_NAME,
        "Tập thể lao động xuất sắc",
        "Công đoàn cấp trên trực tiếp cơ sở",
    )
    assert "xếp thứ 1/2 trong " + BLOCK in council[(HT, "Tập thể lao động xuất sắc")][5]

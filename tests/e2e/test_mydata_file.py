# ruff: noqa: F811  (the fixtures are imported by name from tests/fakes/telegram_fixtures.py)
"""Issue #15, access as a file: after /mydata a member asks for their data as a file and gets a
one-time link in the chat (every messenger carries a link; a browser downloads the file). The
link's page spends nothing (a link preview does not use it up); one download, as a spreadsheet
or as JSON, holds every row; a second download, an hour later or after /forget is refused. On a
channel without buttons the choice is typed. Over signed Telegram webhooks and the web chat,
files read back, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
import re

import httpx
import pytest
from openpyxl import load_workbook
from sqlmodel import Session, select

from bots.bootstrap import Runtime
from core.linking.models import OneTimeCode
from core.points import service as points
from core.points.models import PointsSource
from tests.e2e.campaign_support import load_demo, member, member_id
from tests.e2e.initiative_support import sent_initiative
from tests.e2e.typed_support import tg_join
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.telegram_fixtures import (  # noqa: F401  (fixtures)
    TelegramChat,
    fake,
    fake_url,
    tg_client,
    tg_runtime,
    tg_settings,
)
from tests.webchat import without_buttons

pytestmark = pytest.mark.anyio
LINK = re.compile(r"https?://[a-z0-9.:]+(/mydata/[A-Za-z0-9_-]{43})\b")


def link_in(text: str) -> str:
    found = LINK.search(text)
    assert found, f"no link in {text!r}"
    return found.group(1)


def earn(runtime: Runtime, person: int, amount: int, key: str) -> None:
    with Session(runtime.engine) as session, session.begin():
        points.award(
            session,
            member_id=person,
            points=amount,
            source=PointsSource.COMMENDATION,
            source_id=key,
            now=runtime.clock.now(),
        )


async def test_mydata_as_a_file_by_a_one_time_link(
    fake: FakeTelegram, tg_client: httpx.AsyncClient, tg_runtime: Runtime, clock
):
    load_demo(tg_runtime)
    lan = TelegramChat(fake, tg_client, tg_runtime, fake.user(701, "Lan"))
    await tg_join(lan, "Nguyễn Thị Lan")
    lan_id = member_id(tg_runtime, "Nguyễn Thị Lan")
    for n in range(25):  # more than the chat lists (20): the file has them all
        earn(tg_runtime, lan_id, 5, f"test:{n}")
    _id, code = sent_initiative(tg_runtime, lan_id, title='=HYPERLINK("x") gá kẹp')

    parts = await lan.say("/mydata")
    assert "Nhận dữ liệu của tôi dạng tệp" in lan.labels(parts)
    answer = await lan.tap("Nhận dữ liệu của tôi dạng tệp")
    text = lan.texts(answer)
    assert "trong vòng một giờ" in text and "đừng chuyển tiếp" in text
    path = link_in(text)

    page = await tg_client.get(path)  # what a link preview fetches too
    assert page.status_code == 200 and "Tải về dạng bảng tính (Excel)" in page.text
    assert "<script" not in page.text and page.headers["cache-control"] == "no-store"
    assert (await tg_client.get(path)).status_code == 200  # still unspent

    got = await tg_client.post(path, params={"format": "xlsx"})
    assert got.status_code == 200, got.text
    assert got.headers["content-disposition"].startswith("attachment; filename=")
    book = load_workbook(io.BytesIO(got.content))
    assert book.sheetnames == [
        "Hồ sơ",
        "Sự đồng ý",
        "Ứng dụng nhắn tin",
        "Điểm",
        "Các lần thi",
        "Sáng kiến bạn tham gia",
        "Khen thưởng",
        "Ghi chú",
    ]
    profile = {row[0]: row[2] for row in book["Hồ sơ"].iter_rows(values_only=True)}
    assert profile["name"] == "Nguyễn Thị Lan"
    assert len(list(book["Điểm"].iter_rows(values_only=True))) == 1 + 25
    consents = list(book["Sự đồng ý"].iter_rows(values_only=True))[1:]
    assert len(consents) == 3 and all(row[3] for row in consents)  # each with its version
    initiatives = list(book["Sáng kiến bạn tham gia"].iter_rows(values_only=True))
    assert initiatives[1][0] == code and initiatives[1][1].startswith("'=")  # formula-safe
    assert [r[0] for r in book["Ứng dụng nhắn tin"].iter_rows(values_only=True)][1:] == ["Telegram"]

    again = await tg_client.post(path, params={"format": "json"})
    assert again.status_code == 404 and "/mydata" in again.text  # one download
    assert (await tg_client.get(path)).status_code == 404

    fresh = link_in(lan.texts(await lan.tap("Nhận dữ liệu của tôi dạng tệp")))
    data = json.loads((await tg_client.post(fresh, params={"format": "json"})).content)
    assert data["profile"][0] == {"field": "name", "label": "Họ và tên", "value": "Nguyễn Thị Lan"}
    assert len(data["points"]) == 25 and data["points"][0]["date"].endswith("+07:00")
    assert len(data["consents"]) == 3 and all(c["wording"] for c in data["consents"])
    assert data["consents"][0]["withdrawn"] is None

    late = link_in(lan.texts(await lan.tap("Nhận dữ liệu của tôi dạng tệp")))
    clock.advance(minutes=61)
    assert (await tg_client.get(late)).status_code == 404

    kept = link_in(lan.texts(await lan.tap("Nhận dữ liệu của tôi dạng tệp")))
    await lan.say("/forget")
    await lan.tap("Có, xóa dữ liệu của tôi")
    assert (await tg_client.post(kept, params={"format": "xlsx"})).status_code == 404
    with Session(tg_runtime.engine) as session:
        assert session.exec(select(OneTimeCode).where(OneTimeCode.member_id == lan_id)).all() == []


async def test_a_channel_without_buttons_types_the_choice(
    client: httpx.AsyncClient, runtime: Runtime
):
    load_demo(runtime)
    lan = await member(client, runtime, name="Nguyễn Thị Lan")
    without_buttons(runtime)
    parts = lan.texts(await lan.say("/mydata"))
    assert "1. Nhận dữ liệu của tôi dạng tệp" in parts, parts
    answer = lan.texts(await lan.say("1"))
    path = link_in(answer)
    assert (
        (await client.post(path))
        .headers["content-type"]
        .startswith("application/vnd.openxmlformats")
    )

"""Initiatives answered by typing: every choice of the submission wizard and of the review by
its number, its letter or its label without diacritics, on the web chat and on Telegram; a
draft left mid-way resumes at its step; and a whole initiative sent on a channel without
buttons by typed numbers."""

# ruff: noqa: F811  (fixtures are imported by name)

from __future__ import annotations

import re
from datetime import date

import httpx
import pytest
from sqlmodel import Session, col, select

from bots.bootstrap import Runtime
from core import demo
from core.campaigns.models import Campaign, CampaignStatus
from core.initiatives.models import Initiative, InitiativeAttachment, InitiativeAuthor
from core.members.models import Identity, Member, OfficerRole, UnionUnit
from tests.e2e.initiative_support import reward_table, sent_initiative
from tests.e2e.test_initiative_chat import UNIT, join, officer_chat
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.telegram_fixtures import (  # noqa: F401  (fixtures)
    TelegramChat,
    fake,
    fake_url,
    tg_client,
    tg_runtime,
    tg_settings,
)
from tests.webchat import ChatUser, without_buttons

pytestmark = pytest.mark.anyio
CODE = re.compile(r"SK-\d{4}-\d{6}")


def _load(runtime: Runtime) -> int:
    """The demo, with a reward table and a running campaign for the unit; the unit's id."""
    with Session(runtime.engine) as session, session.begin():
        demo.load(session, now=runtime.clock.now())
        unit_id = session.exec(select(UnionUnit.id).where(UnionUnit.name == UNIT)).one()
        session.add(
            Campaign(
                unit_id=unit_id,  # type: ignore[arg-type]
                title="Lao động sáng tạo 2026",
                starts_on=date(2026, 1, 1),
                ends_on=date(2026, 12, 31),
                status=CampaignStatus.RUNNING,
            )
        )
    reward_table(runtime, unit_id)  # type: ignore[arg-type]
    return unit_id  # type: ignore[return-value]


def _member_id(runtime: Runtime, name: str) -> int:
    with Session(runtime.engine) as session:
        return session.exec(select(Member.id).where(Member.full_name == name)).one()  # type: ignore[return-value]


def _item(runtime: Runtime, code: str) -> Initiative:
    with Session(runtime.engine) as session:
        return session.exec(select(Initiative).where(Initiative.code == code)).one()


async def test_the_wizard_and_the_review_typed_on_the_web_chat(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    _load(runtime)
    worker = await ChatUser(client, runtime).open()
    await join(worker, "Nguyễn Thị Lan")
    coworker = await ChatUser(client, runtime).open()
    await join(coworker, "Đoàn Khắc Triệu")
    officer = await officer_chat(client, runtime)

    await worker.say("/initiative")
    await worker.say("Gá kẹp nhanh cho máy phay")
    await worker.say("Thay dao mất 20 phút mỗi lần")
    kinds = await worker.say("Dùng gá kẹp cam thay bu lông")
    again = await worker.say("không biết")  # names no choice: asked again, with the choices
    assert "lựa chọn" in worker.texts(again)
    assert set(worker.payloads(kinds)) <= set(worker.payloads(again))
    asked = await worker.say("tien lam loi")  # a label, without diacritics
    assert "15 triệu" in worker.texts(asked)
    await worker.say("24 triệu")

    # leaving at the files step and coming back resumes there
    await worker.say("/menu")
    back = await worker.say("/initiative")
    assert "Gá kẹp nhanh" in worker.texts(back)
    files = await worker.say("lam tiep")  # «Làm tiếp»
    assert "MB" in worker.texts(files)
    coauthors = await worker.say("bo qua")  # «Bỏ qua»: no files
    assert "Nguyễn Thị Lan" in worker.texts(coauthors)
    await worker.say("1")  # «Thêm đồng tác giả»
    found = await worker.say("trieu")
    assert "Đoàn Khắc Triệu" in str(found)
    more = await worker.say("doan khac trieu")  # the label, without diacritics
    assert "Đoàn Khắc Triệu" in worker.texts(more)
    category = await worker.say("b")  # the letter of «Không thêm đồng tác giả»
    assert "lĩnh vực" in worker.texts(category)
    campaign = await worker.say("an toan")  # «An toàn, vệ sinh lao động»
    assert "Bước 8/9" in worker.texts(campaign)
    after = await worker.say("lao dong sang tao")  # the campaign's title, without diacritics
    assert "Bước 9/9" in worker.texts(after)
    sent = await worker.say("gui")  # «Gửi»
    code = CODE.search(worker.texts(sent))
    assert code, worker.texts(sent)
    item = _item(runtime, code.group(0))
    assert (item.category, item.benefit_amount, item.hide_name) == ("safety", 24_000_000, False)
    assert item.campaign_id is not None
    with Session(runtime.engine) as session:
        authors = session.exec(
            select(InitiativeAuthor).where(InitiativeAuthor.initiative_id == item.id)
        ).all()
        assert len(authors) == 2

    # the review, typed: the queue, the card, a question, the author's answer, acceptance
    await officer.replies()
    queue = await officer.say("/initiatives")
    assert code.group(0) in officer.texts(queue)
    card = await officer.say("1")
    assert "Công nhận" in [b["label"] for m in card for b in m["buttons"]]
    await officer.say("yeu cau bo sung")  # «Yêu cầu bổ sung thông tin»
    await officer.say("Gá kẹp dùng cho máy nào?")
    mine = await worker.say("/my_initiatives")
    assert "Gá kẹp dùng cho máy nào?" in worker.texts(mine)
    await worker.say("1")  # «Trả lời SK-…»
    await worker.say("Máy phay CNC số 3 và 4")
    await officer.say("/initiatives")
    await officer.say("1")
    asked = await officer.say("cong nhan")
    assert "theo bảng mức thưởng đang áp dụng" in officer.texts(asked)
    accepted = await officer.say("dong y")  # «Đồng ý, công nhận và trả thưởng»
    assert "2.000.000" in officer.texts(accepted)
    applied = await officer.say("a")  # the only choice left: «Ghi nhận đã áp dụng»
    assert code.group(0) in officer.texts(applied)
    assert _item(runtime, code.group(0)).status == "applied"

    # another initiative: assignment offered, then a rejection with its reason, typed
    other_id, other = sent_initiative(
        runtime, _member_id(runtime, "Đoàn Khắc Triệu"), title="Khay đựng phôi"
    )
    await officer.say("/initiatives")
    await officer.say(other)  # the code, typed as the label of its button
    assign = await officer.say("giao can bo khac")  # «Giao cán bộ khác»
    chosen = officer.payloads(assign)[0]
    assigned = await officer.say("1")
    assert other in officer.texts(assigned)
    with Session(runtime.engine) as session:
        taken = session.get(Initiative, other_id)
        assert taken is not None and f"{other_id}:{taken.assignee_id}" in chosen
    await officer.say("/initiatives")
    await officer.say(other)
    await officer.say("khong cong nhan")
    rejected = await officer.say("Đã có khay tương tự ở tổ 2")
    assert other in officer.texts(rejected)
    with Session(runtime.engine) as session:
        done = session.get(Initiative, other_id)
        assert done is not None
        assert (done.status, done.reject_reason) == ("rejected", "Đã có khay tương tự ở tổ 2")


async def test_an_initiative_by_typed_numbers_on_a_channel_without_buttons(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    _load(runtime)
    without_buttons(runtime)
    worker = await ChatUser(client, runtime).open()
    await worker.say("/start")
    await worker.say("CDCSTN33")
    await worker.say("1")
    await worker.say("1")  # announcements: yes
    await worker.say("1")  # the name beyond the union: yes
    await worker.say("Nguyễn Thị Lan")
    await worker.say("1")  # «Đúng»
    await worker.say("4")
    await worker.say("2")
    menu = await worker.say("1")
    assert worker.payloads(menu) == []
    assert "3. Gửi sáng kiến" in worker.texts(menu)
    title = await worker.say("3")
    assert "Bước 1/9" in worker.texts(title)
    await worker.say("Gá kẹp nhanh cho máy phay")
    await worker.say("Thay dao mất 20 phút mỗi lần")
    kinds = await worker.say("Dùng gá kẹp cam thay bu lông")
    assert "2. Giờ công tiết kiệm" in worker.texts(kinds)
    await worker.say("2")  # hours
    files = await worker.say("400")
    assert "1. Bỏ qua" in worker.texts(files)
    coauthors = await worker.say("1")
    assert "2. Không thêm đồng tác giả" in worker.texts(coauthors)
    category = await worker.say("2")
    assert "1. Cải tiến kỹ thuật" in worker.texts(category)
    campaign = await worker.say("1")
    assert "2. Không thuộc phong trào nào" in worker.texts(campaign)
    after = await worker.say(str(_last_number(campaign)))  # no campaign
    assert "Bước 9/9" in worker.texts(after)
    assert "2. Gửi, không nêu tên tôi" in worker.texts(after)
    sent = await worker.say("2")
    code = CODE.search(worker.texts(sent))
    assert code, worker.texts(sent)
    item = _item(runtime, code.group(0))
    assert (item.status, item.benefit_kind, item.benefit_amount) == ("received", "time", 400)
    assert (item.category, item.hide_name, item.campaign_id) == ("technical", True, None)


def _last_number(messages: list[dict]) -> int:
    """The number of the last choice of a numbered list."""
    numbers = re.findall(r"^(\d+)\. ", ChatUser.texts(messages), re.M)
    return int(numbers[-1])


async def test_the_wizard_and_the_review_typed_on_telegram(
    fake: FakeTelegram, tg_client: httpx.AsyncClient, tg_runtime: Runtime
) -> None:
    unit_id = _load(tg_runtime)
    with Session(tg_runtime.engine) as session, session.begin():
        officer_id = session.exec(
            select(OfficerRole.member_id).where(OfficerRole.unit_id == unit_id)
        ).one()
        session.add(Identity(platform="telegram", platform_user_id="702", member_id=officer_id))
    lan = TelegramChat(fake, tg_client, tg_runtime, fake.user(701, "Lan", language_code="vi"))
    officer = TelegramChat(fake, tg_client, tg_runtime, fake.user(702, "Phan", language_code="vi"))
    await lan.say("/start CDCSTN33")
    await lan.say("dong y")
    await lan.say("co, gui cho toi")
    await lan.say("khong, chi chu cai dau")
    await lan.say("Nguyễn Thị Lan")
    await lan.say("dung roi")  # «Đúng rồi», typed without diacritics
    await lan.say("4")
    await lan.say("khong")
    await lan.say("tieng viet")

    await lan.say("/sangkien")
    await lan.say("Bàn gá hàn xoay")
    await lan.say("Hàn mối vòng phải xoay phôi bằng tay")
    await lan.say("Bàn xoay có khoá góc")
    await lan.say("a")  # money
    files = await lan.say("30 triệu")
    assert "Bỏ qua" in lan.labels(files)
    photo_id = fake.add_file(b"\xff\xd8\xff\xe0photo", "photos/file_9.jpg")
    photo = [
        {"file_id": photo_id, "file_unique_id": "u9", "width": 800, "height": 600, "file_size": 9}
    ]
    received = await lan.send(fake.message_update(lan.person, None, photo=photo, caption="Bàn gá"))
    assert "Xong" in lan.labels(received)
    await lan.say("xong")
    await lan.say("khong them dong tac gia")
    campaign = await lan.say("3")  # «An toàn, vệ sinh lao động»
    assert "Không thuộc phong trào nào" in lan.labels(campaign)
    after = await lan.say("khong thuoc phong trao nao")
    assert "Bước 9/9" in lan.texts(after)
    sent = await lan.say("1")
    code = CODE.search(lan.texts(sent))
    assert code, lan.texts(sent)
    item = _item(tg_runtime, code.group(0))
    with Session(tg_runtime.engine) as session:
        files_kept = session.exec(
            select(InitiativeAttachment).where(InitiativeAttachment.initiative_id == item.id)
        ).all()
        assert [(f.platform, f.kind) for f in files_kept] == [("telegram", "image")]

    await officer.say("/initiatives")
    await officer.say("1")
    await officer.say("công nhận")
    accepted = await officer.say("1")  # «Đồng ý, công nhận và trả thưởng»
    assert code.group(0) in officer.texts(accepted)
    assert _item(tg_runtime, code.group(0)).status == "accepted"
    with Session(tg_runtime.engine) as session:
        ordered = session.exec(select(Initiative).order_by(col(Initiative.id))).all()
        assert [i.code for i in ordered] == [code.group(0)]

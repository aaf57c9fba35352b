"""Everything over the Zalo Bot adapter by typed numbers (the Bot Platform has no buttons):
joining with an invite code, a quiz, an initiative with a photo fetched from its Zalo URL
(one over THIDUA_ATTACHMENT_MAX_MB refused and explained).
Webhooks into our app, replies read at the fake Bot Platform, rows in the database."""

# ruff: noqa: F811  (the fixtures are imported by name from tests/e2e/test_zalobot.py)

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from core.initiatives.models import Initiative, InitiativeAttachment
from core.members.models import Identity, Member, WorkerGroup
from core.quizzes.models import QuizAnswer
from tests.e2e.test_initiative_typed import _load as load_initiative_demo
from tests.e2e.test_quiz_typed import letter_of, number_of, open_quiz
from tests.e2e.test_zalobot import Build, build, fake, load_demo  # noqa: F401  (fixtures)
from tests.fakes.zalo_bot import Delivered, FakeZaloBot, ZaloBotUser

pytestmark = pytest.mark.anyio
CODE = re.compile(r"SK-\d{4}-\d{6}")
PHOTO = b"\xff\xd8\xff\xe0" + b"JFIF photo of the jig " * 2000


def number(messages: list[Delivered], label: str) -> str:
    """The number a choice is listed with ("3" for "3. Gửi sáng kiến")."""
    text = ZaloBotUser.texts(messages)
    found = re.search(rf"^(\d+)\. {re.escape(label)}(?: \(.*\))?$", text, re.M)
    assert found, f"no choice {label!r} in {text!r}"
    return found.group(1)


async def join(user: ZaloBotUser, name: str) -> list[Delivered]:
    """Joining by typed numbers only: the code, consent to each purpose, name (confirmed by
    the number of «Đúng»), group, post, language."""
    hello = await user.say("Xin chào")
    assert "mã mời" in user.texts(hello)
    consent = await user.say("CDCSTN33")
    assert "Bạn gõ số thứ tự của lựa chọn." in user.texts(consent)
    announcements = await user.say(number(consent, "Tôi đồng ý"))
    public = await user.say(number(announcements, "Có, gửi cho tôi"))
    await user.say(number(public, "Có, hiện tên tôi"))
    shown = await user.say(name)
    group = await user.say(number(shown, "Đúng"))
    leader = await user.say(number(group, "Người lao động trực tiếp sản xuất, kinh doanh"))
    language = await user.say(number(leader, "Không"))
    done = await user.say(number(language, "Tiếng Việt"))
    assert "Chào mừng" in user.texts(done)
    return done


async def test_onboarding_and_a_quiz_by_typed_numbers(build: Build, fake: FakeZaloBot):
    runtime, client = await build()
    open_quiz(runtime)
    user = ZaloBotUser(client, runtime, fake, "a1b2c3d4e5f60718293a")
    menu = await join(user, "Lê Thị Hoa")
    with Session(runtime.engine) as session:
        identity = session.exec(select(Identity).where(Identity.platform == "zalobot")).one()
        member = session.get(Member, identity.member_id)
        assert member is not None and member.full_name == "Lê Thị Hoa"
        assert member.worker_group == WorkerGroup.DIRECT_WORKER and member.onboarded_at
        assert identity.platform_user_id == user.chat_id
    quizzes = await user.say(number(menu, "Thi tìm hiểu"))
    q1 = await user.say(number(quizzes, "Hiểu luật, giữ quyền"))
    assert "Câu 1/3" in user.texts(q1)
    right = await user.say(number_of(user.texts(q1), "300 giờ"))
    assert "Chính xác!" in user.texts(right)
    q2 = await user.say(number(right, "Câu tiếp theo"))
    after = await user.say(number_of(user.texts(q2), "Đoàn viên công đoàn"))
    q3 = await user.say(number(after, "Câu tiếp theo"))
    done = await user.say(letter_of(user.texts(q3), "Công đoàn cơ sở"))
    assert "đúng 3/3 câu" in user.texts(done)
    with Session(runtime.engine) as session:
        assert [a.correct for a in session.exec(select(QuizAnswer)).all()] == [True] * 3
    assert fake.methods("sendPhoto") == []  # nothing but text went out
    assert all(set(p) == {"chat_id", "text"} for p in fake.methods("sendMessage"))


async def test_an_initiative_with_a_photo_by_typed_numbers(
    build: Build, fake: FakeZaloBot, tmp_path: Path
):
    store = tmp_path / "attachments"
    runtime, client = await build(
        env={"THIDUA_ATTACHMENTS_DIR": str(store), "THIDUA_ATTACHMENT_MAX_MB": "1"}
    )
    load_initiative_demo(runtime)
    fake.image_field = "photo_url"  # the name integrations read (the docs say `photo`)
    user = ZaloBotUser(client, runtime, fake, "0f1e2d3c4b5a69788796")
    menu = await join(user, "Nguyễn Thị Lan")
    title = await user.say(number(menu, "Gửi sáng kiến"))
    assert "Bước 1/9" in user.texts(title)
    await user.say("Gá kẹp nhanh cho máy phay")
    await user.say("Thay dao mất 20 phút mỗi lần")
    kinds = await user.say("Dùng gá kẹp cam thay bu lông")
    await user.say(number(kinds, "Giờ công tiết kiệm"))
    files = await user.say("400")
    assert "MB" in user.texts(files)
    wrong = await user.sticker()  # not a file: a clear answer, the choices again
    assert "Chỉ đính kèm được ảnh" in user.texts(wrong) and number(wrong, "Xong")
    # a photo over the limit is fetched no further than the limit, refused and explained
    big = b"\xff\xd8\xff\xe0" + b"x" * (2 << 20)
    refused = user.texts(await user.photo(fake.host_photo(big, "to.jpg")))
    assert "Đã nhận: ảnh" in refused  # a photo has no name on Zalo: named in words
    assert "Tệp «ảnh» của bạn không được lưu. Tệp quá lớn. Chỉ nhận tệp tối đa 1 MB." in refused
    received = await user.photo(fake.host_photo(PHOTO, "ga.jpg"))
    coauthors = await user.say(number(received, "Xong"))
    category = await user.say(number(coauthors, "Không thêm đồng tác giả"))
    campaign = await user.say(number(category, "Cải tiến kỹ thuật"))
    after = await user.say(number(campaign, "Không thuộc phong trào nào"))
    assert "Bước 9/9" in user.texts(after)
    sent = await user.say(number(after, "Gửi"))
    code = CODE.search(user.texts(sent))
    assert code, user.texts(sent)
    with Session(runtime.engine) as session:
        item = session.exec(select(Initiative).where(Initiative.code == code.group(0))).one()
        assert (item.status, item.benefit_kind, item.benefit_amount) == ("received", "time", 400)
        big_one, photo = session.exec(
            select(InitiativeAttachment)
            .where(InitiativeAttachment.initiative_id == item.id)
            .order_by(col(InitiativeAttachment.id))
        ).all()
    assert (big_one.status, big_one.problem) == ("refused", "attachment_too_large")
    assert (photo.platform, photo.kind, photo.status) == ("zalobot", "image", "stored")
    kept = [p for p in store.rglob("*") if p.is_file()]
    assert [p.read_bytes() for p in kept] == [PHOTO]


async def test_the_name_shown_back_is_answered_by_number(build: Build, fake: FakeZaloBot):
    """No buttons on the Zalo Bot: «Đúng» and «Nhập lại» are numbered, and their numbers, a yes
    in words or another name answer them (issue 19)."""
    runtime, client = await build()
    load_demo(runtime)
    user = ZaloBotUser(client, runtime, fake, "a1b2c3d4e5f60718293b")
    await user.say("CDCSTN33")
    await user.say("1")  # taking part
    await user.say("1")  # announcements
    await user.say("1")  # the name beyond the union
    shown = await user.say("Le Thi Hoa")
    assert "Họ và tên của bạn: Le Thi Hoa\nĐã đúng chưa?" in user.texts(shown)
    assert "1. Đúng\n2. Nhập lại" in user.texts(shown)
    again = await user.say(number(shown, "Nhập lại"))
    assert "Họ và tên của bạn là gì?" in user.texts(again)
    await user.say("Lê Thị Hoa")
    shown = await user.say("Lê Thị Hoà")  # another name instead of a number
    assert "Họ và tên của bạn: Lê Thị Hoà\n" in user.texts(shown)
    group = await user.say(number(shown, "Đúng"))
    assert "Cảm ơn Lê Thị Hoà." in user.texts(group)
    leader = await user.say(number(group, "Người lao động trực tiếp sản xuất, kinh doanh"))
    language = await user.say(number(leader, "Không"))
    done = await user.say(number(language, "Tiếng Việt"))
    assert "Chào mừng Lê Thị Hoà" in user.texts(done)
    await user.say("/name")
    await user.say("Lê Thị Hoa")
    renamed = await user.say("dung")  # «đúng», typed without its marks
    assert "Đã đổi tên của bạn thành Lê Thị Hoa." in user.texts(renamed)
    with Session(runtime.engine) as session:
        identity = session.exec(select(Identity).where(Identity.platform == "zalobot")).one()
        member = session.get(Member, identity.member_id)
        assert member is not None and member.full_name == "Lê Thị Hoa"

# ruff: noqa: F811
"""The officer pages for quizzes, commendations, members and invite codes, and exports, over
HTTP with the signed-in officer's cookie: each form posted as a browser posts it, the rows
checked in the database."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import httpx
import pytest
import segno
from openpyxl import Workbook, load_workbook
from sqlmodel import Session, select

from bots.bootstrap import Runtime
from core.commendations.models import Commendation
from core.members.buttons import Menu, MenuItem
from core.members.models import InviteCode, Member
from core.points.models import PointsEntry, PointsSource
from core.quizzes.buttons import Answer, Start
from core.quizzes.models import Quiz
from tests.browser.support import client, csrf_of, settings, signed_in_officer  # noqa: F401
from tests.e2e.campaign_support import HUNG_THINH, MINH_PHAT, load_demo, member, member_id

pytestmark = pytest.mark.anyio

HEADER = "question,option_1,option_2,option_3,correct,explanation\n"
GOOD = (
    HEADER
    + "Ngày Quốc tế Lao động là ngày nào?,1/5,2/9,30/4,1,Ngày 1 tháng 5 hằng năm\n"
    + "Công đoàn cơ sở có bao nhiêu đoàn viên tối thiểu?,5,10,,1,\n"
)
BAD = (
    HEADER
    + "Ngày Quốc tế Lao động là ngày nào?,1/5,2/9,30/4,1,\n"
    + "Câu hỏi thiếu đáp án,Có,Không,,,\n"  # row 3: no correct option
    + ",A,B,,1,\n"  # row 4: empty question
)


def import_form(unit_id: int, title: str, opens_at: str) -> dict[str, str]:
    return {"unit_id": str(unit_id), "title": title, "opens_at": opens_at, "days": "7"}


def local_now(runtime: Runtime) -> str:
    from zoneinfo import ZoneInfo

    now = runtime.clock.now().astimezone(ZoneInfo("Asia/Ho_Chi_Minh")) - timedelta(minutes=5)
    return now.strftime("%Y-%m-%dT%H:%M")


async def test_a_quiz_bank_with_bad_rows_shows_them_and_imports_nothing(
    client: httpx.AsyncClient, runtime: Runtime
):
    data = load_demo(runtime)
    web, _user = await signed_in_officer(client, runtime, data, MINH_PHAT)
    token = csrf_of((await web.get("/web/quizzes")).text)
    form = {**import_form(MINH_PHAT, "Tìm hiểu Luật Công đoàn", local_now(runtime)), "csrf": token}
    bad = await web.post(
        "/web/quizzes/import", data=form, files={"file": ("bank.csv", BAD.encode(), "text/csv")}
    )
    assert bad.status_code == 422
    table = bad.text[bad.text.index('id="row-errors"') :]
    rows = re.findall(r'<td class="num">(\d+)</td><td>([^<]+)</td>', table)
    assert rows == [
        ("3", "Cột «đáp án» đang trống: hãy ghi số thứ tự phương án đúng."),
        ("4", "Câu hỏi đang để trống."),
    ], rows
    assert "Chưa nhập được gì: có 2 dòng trong tệp cần sửa." in bad.text
    assert 'value="Tìm hiểu Luật Công đoàn"' in bad.text  # what was typed stays
    # the same in an Excel workbook
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for line in csv.reader(io.StringIO(BAD)):
        sheet.append(line)
    out = io.BytesIO()
    book.save(out)
    xlsx = await web.post(
        "/web/quizzes/import",
        data=form,
        files={"file": ("bank.xlsx", out.getvalue(), "application/octet-stream")},
    )
    assert xlsx.status_code == 422 and "Câu hỏi đang để trống." in xlsx.text
    not_csv = await web.post(
        "/web/quizzes/import", data=form, files={"file": ("bank.xlsx", b"not a workbook", "x/y")}
    )
    assert not_csv.status_code == 422
    assert "Tệp không phải bảng tính Excel (XLSX)." in not_csv.text
    with Session(runtime.engine) as session:
        assert session.exec(select(Quiz)).first() is None


async def test_a_quiz_is_imported_previewed_published_taken_and_its_results_exported(
    client: httpx.AsyncClient, runtime: Runtime
):
    data = load_demo(runtime)
    worker = await member(client, runtime, name="Trần Văn Tâm")
    web, _user = await signed_in_officer(client, runtime, data, MINH_PHAT)
    token = csrf_of((await web.get("/web/quizzes")).text)
    form = {**import_form(MINH_PHAT, "Tìm hiểu Luật Công đoàn", local_now(runtime)), "csrf": token}
    made = await web.post(
        "/web/quizzes/import", data=form, files={"file": ("bank.csv", GOOD.encode(), "text/csv")}
    )
    assert made.status_code == 303, made.text
    url = made.headers["location"].split("?")[0]
    quiz_id = int(url.rsplit("/", 1)[1])
    preview = await web.get(made.headers["location"])
    assert "Đã nhập 2 câu hỏi." in preview.text
    assert "đã nhập, chưa công bố" in preview.text
    assert "Ngày Quốc tế Lao động là ngày nào?" in preview.text
    assert '<li class="right">A. 1/5 <strong>✓ đáp án đúng</strong></li>' in preview.text
    # not published: a member is not offered it
    offered = worker.payloads(await worker.say("", payload=Menu(MenuItem.QUIZ).pack()))
    assert Start(quiz_id).pack() not in offered

    published = await web.post(f"{url}/publish", data={"csrf": csrf_of(preview.text)})
    assert published.status_code == 303
    page = await web.get(url)
    assert "đang mở" in page.text and "Công bố cuộc thi" not in page.text

    asked = await worker.say("", payload=Start(quiz_id).pack())
    first = next(p for p in worker.payloads(asked) if p.startswith(f"{Answer.prefix()}:"))
    await worker.say("", payload=first)
    page = await web.get(url)
    assert "1 đoàn viên tham gia, 0 người trả lời hết các câu hỏi." in page.text
    assert "Trần Văn Tâm" in page.text

    people = await web.get(f"{url}/export?what=people&fmt=csv")
    assert people.content.startswith("\ufeff".encode())  # Excel reads the BOM as UTF-8
    text = people.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))  # a Vietnamese Excel's separator
    assert rows[0] == ["Hạng", "Họ tên đoàn viên", "Công đoàn cơ sở", "Điểm"]
    assert rows[1][1:3] == ["Trần Văn Tâm", "Công đoàn Công ty TNHH Cơ khí Minh Phát"]
    bank = await web.get(f"{url}/export?what=bank&fmt=xlsx")
    sheet = load_workbook(io.BytesIO(bank.content)).active
    assert sheet is not None and sheet.cell(2, 1).value == "Ngày Quốc tế Lao động là ngày nào?"
    units = await web.get(f"{url}/export?what=units&fmt=xlsx")
    assert units.headers["content-type"].startswith("application/vnd.openxmlformats")


async def test_an_invite_code_gets_a_poster_and_its_qr_png(
    client: httpx.AsyncClient, runtime: Runtime
):
    data = load_demo(runtime)
    web, _user = await signed_in_officer(client, runtime, data, MINH_PHAT)
    page = await web.get("/web/members")
    assert page.status_code == 200
    assert "CDCSTN33" in page.text and "CDCSFD44" not in page.text
    made = await web.post(
        "/web/invites",
        data={"unit_id": MINH_PHAT, "days": "30", "max_uses": "50", "csrf": csrf_of(page.text)},
    )
    assert made.status_code == 303
    code = made.headers["location"].rsplit("/", 1)[1]
    with Session(runtime.engine) as session:
        invite = session.get(InviteCode, code)
        assert invite is not None and invite.unit_id == MINH_PHAT and invite.max_uses == 50
        assert invite.expires_at == runtime.clock.now() + timedelta(days=30)
    poster = await web.get(f"/web/invites/{code}")
    assert poster.status_code == 200
    assert f'<p class="code" id="invite-code">{code}</p>' in poster.text
    assert "Tham gia Công đoàn Công ty TNHH Cơ khí Minh Phát trên thidua" in poster.text
    assert f"/web/invites/{code}/qr.png?target=webchat" in poster.text
    png = await web.get(f"/web/invites/{code}/qr.png?target=webchat")
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    assert png.content.startswith(b"\x89PNG\r\n\x1a\n")
    expected = io.BytesIO()
    segno.make("http://127.0.0.1:8000/chat", error="m").save(
        expected, kind="png", scale=10, border=4
    )
    assert png.content == expected.getvalue()  # the QR code of the chat link
    saved = await web.get(f"/web/invites/{code}/qr.png?target=webchat&download=1")
    assert saved.headers["content-disposition"] == (
        f'attachment; filename="invite-{code}-webchat.png"'
    )
    assert saved.content == png.content
    # a member joins with the new code: the members page lists her, the code counts one use
    await member(client, runtime, code=code, name="Lê Thị Yến")
    page = await web.get(f"/web/members?unit={MINH_PHAT}&q=yen")
    assert "Lê Thị Yến" in page.text and "<td>Trò chuyện trên web</td>" in page.text
    page = await web.get("/web/members")
    assert re.search(rf">{code}</a>.*?<td class=\"num\">1/50</td>", page.text, re.S)


async def test_a_commendation_approved_on_the_page_writes_points_once(
    client: httpx.AsyncClient, runtime: Runtime
):
    data = load_demo(runtime)
    await member(client, runtime, name="Phạm Thị Hoa")
    hoa = member_id(runtime, "Phạm Thị Hoa")
    web, _user = await signed_in_officer(client, runtime, data, MINH_PHAT)
    found = await web.get(f"/web/commendations?unit={MINH_PHAT}&q=hoa")
    assert f'name="member" value="{hoa}"' in found.text
    made = await web.post(
        "/web/commendations",
        data={
            "unit_id": MINH_PHAT,
            "member": str(hoa),
            "reason": "Phát hiện sớm sự cố rò rỉ khí nén, tránh dừng chuyền.",
            "adhoc": "on",
            "csrf": csrf_of(found.text),
        },
    )
    assert made.status_code == 303
    with Session(runtime.engine) as session:
        item = session.exec(select(Commendation)).one()
    home = await web.get("/web/")
    assert "Có 1 đề xuất khen thưởng đang chờ duyệt." in home.text
    listing = await web.get("/web/commendations")
    assert "Phát hiện sớm sự cố rò rỉ khí nén" in listing.text
    token = csrf_of(listing.text)
    approved = await web.post(
        f"/web/commendations/{item.id}/approve", data={"points": "25", "csrf": token}
    )
    assert approved.status_code == 303
    again = await web.post(
        f"/web/commendations/{item.id}/approve", data={"points": "25", "csrf": token}
    )
    assert again.status_code == 422 and "Đề xuất này đã được xét rồi." in again.text
    rejected = await web.post(
        f"/web/commendations/{item.id}/reject", data={"reason": "Nhầm", "csrf": token}
    )
    assert rejected.status_code == 422
    with Session(runtime.engine) as session:
        entries = session.exec(
            select(PointsEntry).where(PointsEntry.source == PointsSource.COMMENDATION)
        ).all()
        assert [(e.member_id, e.points) for e in entries] == [(hoa, 25)]
        done = session.get(Commendation, item.id)
        assert done is not None and done.status == "approved"
    # the share report on the page and as a file
    page = await web.get("/web/commendations?status=approved")
    share = page.text[page.text.index('id="share-report"') :]
    assert "Công đoàn Công ty TNHH Cơ khí Minh Phát" in share
    report = await web.get("/web/exports/report?kind=commendations&fmt=csv")
    rows = list(csv.reader(io.StringIO(report.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Đơn vị", "Số người được khen thưởng", "Người lao động trực tiếp"]
    assert rows[1][:4] == ["Công đoàn Công ty TNHH Cơ khí Minh Phát", "1", "1", "1,0"]


async def test_the_exports_page_gathers_every_download(client: httpx.AsyncClient, runtime: Runtime):
    data = load_demo(runtime)
    web, _user = await signed_in_officer(client, runtime, data, MINH_PHAT)
    page = await web.get("/web/exports")
    assert page.status_code == 200
    for action in ('action="/web/leaderboards/export"', 'action="/web/exports/report"'):
        assert action in page.text
    report = await web.get(
        "/web/exports/report?kind=initiatives&from=2026-01-01&to=2026-12-31&fmt=xlsx"
    )
    assert report.status_code == 200
    sheet = load_workbook(io.BytesIO(report.content)).active
    assert sheet is not None and sheet.cell(1, 1).value == "Đơn vị"
    reversed_ = await web.get("/web/exports/report?kind=initiatives&from=2026-12-31&to=2026-01-01")
    assert reversed_.status_code == 422
    assert (await web.get("/web/exports/report?kind=members")).status_code == 404
    with Session(runtime.engine) as session:  # another union's members are nowhere
        theirs = session.exec(select(Member).where(Member.unit_id == HUNG_THINH)).first()
        assert theirs is not None and theirs.full_name
    members_page = await web.get("/web/members")
    assert theirs.full_name not in members_page.text


async def test_the_new_pages_in_english(client: httpx.AsyncClient, runtime: Runtime):
    data = load_demo(runtime)
    web, _user = await signed_in_officer(client, runtime, data, MINH_PHAT)
    page = await web.get("/web/quizzes")
    await web.post(
        "/web/language", data={"lang": "en", "next": "/web/quizzes", "csrf": csrf_of(page.text)}
    )
    for url, heading in (
        ("/web/quizzes", "Quizzes and question banks"),
        ("/web/commendations?status=all", "Commendations and nominations"),
        ("/web/members", "Members and invitations"),
        ("/web/exports", "Exports for spreadsheets"),
        ("/web/invites/CDCSTN33", "Join Công đoàn Công ty TNHH Cơ khí Minh Phát on thidua"),
    ):
        answer = await web.get(url)
        assert answer.status_code == 200, url
        assert 'lang="en"' in answer.text and heading in answer.text, url


async def test_a_commendation_rejected_on_the_page_gives_no_points(
    client: httpx.AsyncClient, runtime: Runtime
):
    data = load_demo(runtime)
    await member(client, runtime, name="Đỗ Văn Nam")
    nam = member_id(runtime, "Đỗ Văn Nam")
    web, _user = await signed_in_officer(client, runtime, data, MINH_PHAT)
    page = await web.get("/web/commendations")
    empty = await web.post(
        "/web/commendations",
        data={"unit_id": MINH_PHAT, "member": str(nam), "reason": "  ", "csrf": csrf_of(page.text)},
    )
    assert empty.status_code == 422 and "Cần ghi lý do." in empty.text
    made = await web.post(
        "/web/commendations",
        data={
            "unit_id": MINH_PHAT,
            "member": str(nam),
            "reason": "Đi làm đúng giờ.",
            "csrf": csrf_of(page.text),
        },
    )
    assert made.status_code == 303
    with Session(runtime.engine) as session:
        item = session.exec(select(Commendation)).one()
    no_reason = await web.post(
        f"/web/commendations/{item.id}/reject", data={"reason": "", "csrf": csrf_of(page.text)}
    )
    assert no_reason.status_code == 422
    rejected = await web.post(
        f"/web/commendations/{item.id}/reject",
        data={"reason": "Chưa đủ tiêu chuẩn khen đột xuất.", "csrf": csrf_of(page.text)},
    )
    assert rejected.status_code == 303
    listing = await web.get("/web/commendations?status=rejected")
    assert "Chưa đủ tiêu chuẩn khen đột xuất." in listing.text
    with Session(runtime.engine) as session:
        done = session.get(Commendation, item.id)
        assert done is not None and done.status == "rejected"
        assert session.exec(select(PointsEntry)).first() is None

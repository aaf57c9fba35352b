# ruff: noqa: F811
"""Cross-scope: the officer of one grassroots union cannot see or change another's campaign,
initiative, report, leaderboard, quiz, commendation, member or invite code by editing ids in
URLs and forms (404, logged, nothing changes)."""

from __future__ import annotations

import httpx
import pytest
from sqlmodel import Session, select

from bots.bootstrap import Runtime
from core.campaigns.models import Campaign
from core.commendations.models import Commendation
from core.initiatives.models import Initiative
from core.members.models import InviteCode, Member
from core.points.models import PointsEntry
from core.quizzes.models import Quiz
from tests.browser.support import (  # noqa: F401
    client,
    csrf_of,
    settings,
    signed_in_officer,
    submitted_initiative,
)
from tests.e2e.campaign_support import HUNG_THINH, MINH_PHAT, load_demo

BANK = "question,option_1,option_2,correct\nCâu hỏi của Hưng Thịnh?,Có,Không,1\n"

pytestmark = pytest.mark.anyio


async def test_ids_of_another_union_lead_nowhere(client: httpx.AsyncClient, runtime: Runtime):
    data = load_demo(runtime)
    theirs, _u1 = await signed_in_officer(client, runtime, data, HUNG_THINH)
    page = await theirs.get("/web/campaigns")
    made = await theirs.post(
        "/web/campaigns",
        data={"unit_id": HUNG_THINH, "title": "Của Hưng Thịnh", "csrf": csrf_of(page.text)},
    )
    campaign_id = int(made.headers["location"].rsplit("/", 1)[1])
    initiative_id = submitted_initiative(runtime, unit_id=HUNG_THINH, title="Sáng kiến HT")

    mine, _u2 = await signed_in_officer(client, runtime, data, MINH_PHAT)
    token = csrf_of((await mine.get("/web/campaigns")).text)
    for url in (
        f"/web/campaigns/{campaign_id}",
        f"/web/campaigns/{campaign_id}/preview?text=x",
        f"/web/initiatives/{initiative_id}",
        f"/web/leaderboards?root={HUNG_THINH}",
        f"/web/leaderboards/export?root={HUNG_THINH}&kind=people",
        f"/web/leaderboards?scope=campaign:{campaign_id}",
    ):
        answer = await mine.get(url)
        assert answer.status_code == 404, url
        assert "Của Hưng Thịnh" not in answer.text and "Sáng kiến HT" not in answer.text
    for url, form in (
        (f"/web/campaigns/{campaign_id}", {"title": "Đổi tên"}),
        (f"/web/campaigns/{campaign_id}/launch", {"text": "Phát động", "when": "now"}),
        (f"/web/campaigns/{campaign_id}/close", {}),
        (f"/web/initiatives/{initiative_id}/accept", {}),
        (f"/web/initiatives/{initiative_id}/reject", {"reason": "Không"}),
        (f"/web/initiatives/{initiative_id}/ask", {"question": "?"}),
        (f"/web/initiatives/{initiative_id}/assign", {"assignee": data.officer_of[MINH_PHAT]}),
        ("/web/campaigns", {"unit_id": HUNG_THINH, "title": "Cài vào Hưng Thịnh"}),
    ):
        answer = await mine.post(url, data={**form, "csrf": token})
        assert answer.status_code == 404, url
    listing = await mine.get("/web/initiatives?status=all")
    assert "Sáng kiến HT" not in listing.text
    assert "Của Hưng Thịnh" not in (await mine.get("/web/campaigns")).text
    with Session(runtime.engine) as session:
        campaign = session.get(Campaign, campaign_id)
        item = session.get(Initiative, initiative_id)
        assert campaign is not None and campaign.title == "Của Hưng Thịnh"
        assert campaign.status == "draft"
        assert item is not None and item.status == "received" and item.assignee_id is None
        assert len(session.exec(select(Campaign)).all()) == 1

    # their officer slipped into my own things: my initiative assigned to him, my quiz tied to
    # their campaign
    own_initiative = submitted_initiative(runtime, unit_id=MINH_PHAT, title="Sáng kiến MP")
    slipped = await mine.post(
        f"/web/initiatives/{own_initiative}/assign",
        data={"assignee": data.officer_of[HUNG_THINH], "csrf": token},
    )
    assert slipped.status_code == 404
    tied = await mine.post(
        "/web/quizzes/import",
        data={
            "unit_id": MINH_PHAT,
            "campaign_id": campaign_id,
            "title": "Gắn vào phong trào Hưng Thịnh",
            "opens_at": "2026-11-25T08:00",
            "days": "7",
            "csrf": token,
        },
        files={"file": ("bank.csv", BANK.encode(), "text/csv")},
    )
    assert tied.status_code == 404
    with Session(runtime.engine) as session:
        mine_item = session.get(Initiative, own_initiative)
        assert mine_item is not None and mine_item.assignee_id is None
        assert session.exec(select(Quiz)).first() is None

    # their own officer still can
    assert (await theirs.get(f"/web/initiatives/{initiative_id}")).status_code == 200


async def test_quizzes_commendations_members_and_invites_of_another_union_lead_nowhere(
    client: httpx.AsyncClient, runtime: Runtime, caplog: pytest.LogCaptureFixture
):
    data = load_demo(runtime)
    with Session(runtime.engine) as session:
        their_people = session.exec(
            select(Member).where(
                Member.unit_id == HUNG_THINH, Member.id != data.officer_of[HUNG_THINH]
            )
        ).all()
        their_member, their_name = their_people[0].id, their_people[0].full_name
        my_member = session.exec(
            select(Member.id).where(
                Member.unit_id == MINH_PHAT, Member.id != data.officer_of[MINH_PHAT]
            )
        ).first()
    assert their_name
    theirs, _u1 = await signed_in_officer(client, runtime, data, HUNG_THINH)
    token = csrf_of((await theirs.get("/web/quizzes")).text)
    made = await theirs.post(
        "/web/quizzes/import",
        data={
            "unit_id": HUNG_THINH,
            "title": "Cuộc thi của Hưng Thịnh",
            "opens_at": "2026-11-25T08:00",
            "days": "7",
            "csrf": token,
        },
        files={"file": ("bank.csv", BANK.encode(), "text/csv")},
    )
    assert made.status_code == 303, made.text
    quiz_id = int(made.headers["location"].split("?")[0].rsplit("/", 1)[1])
    made = await theirs.post(
        "/web/invites", data={"unit_id": HUNG_THINH, "days": "30", "csrf": token}
    )
    their_code = made.headers["location"].rsplit("/", 1)[1]
    made = await theirs.post(
        "/web/commendations",
        data={
            "unit_id": HUNG_THINH,
            "member": str(their_member),
            "reason": "Khen của Hưng Thịnh",
            "csrf": token,
        },
    )
    assert made.status_code == 303
    with Session(runtime.engine) as session:
        commendation_id = session.exec(select(Commendation.id)).one()
        invites_before = len(session.exec(select(InviteCode)).all())

    mine, _u2 = await signed_in_officer(client, runtime, data, MINH_PHAT)
    token = csrf_of((await mine.get("/web/quizzes")).text)
    caplog.clear()
    for url in (
        f"/web/quizzes/{quiz_id}",
        f"/web/quizzes/{quiz_id}/export?what=bank&fmt=csv",
        f"/web/quizzes/{quiz_id}/export?what=people&fmt=csv",
        f"/web/invites/{their_code}",
        f"/web/invites/{their_code}/qr.png?target=webchat",
        "/web/invites/CDCSFD44",
        f"/web/members?unit={HUNG_THINH}",
        f"/web/commendations?unit={HUNG_THINH}&q=",
    ):
        answer = await mine.get(url)
        assert answer.status_code == 404, url
        shown = answer.text.split('<main id="content">')[-1]  # the header repeats the URL
        assert their_code not in shown and their_name not in shown, url
        assert "Câu hỏi của Hưng Thịnh" not in shown, url
    for url, form in (
        (f"/web/quizzes/{quiz_id}/publish", {}),
        (f"/web/commendations/{commendation_id}/approve", {"points": "50"}),
        (f"/web/commendations/{commendation_id}/reject", {"reason": "Không"}),
        ("/web/invites", {"unit_id": HUNG_THINH, "days": "30"}),
        (
            "/web/commendations",
            {"unit_id": HUNG_THINH, "member": str(their_member), "reason": "Cài vào"},
        ),
        (  # my own unit, their member
            "/web/commendations",
            {"unit_id": MINH_PHAT, "member": str(their_member), "reason": "Cài vào"},
        ),
        (  # a team of mine with one of theirs slipped in
            "/web/commendations",
            {
                "unit_id": MINH_PHAT,
                "member": [str(my_member), str(their_member)],
                "team_name": "Tổ ghép",
                "reason": "Cài vào",
            },
        ),
    ):
        answer = await mine.post(url, data={**form, "csrf": token})
        assert answer.status_code == 404, url
    imported = await mine.post(
        "/web/quizzes/import",
        data={
            "unit_id": HUNG_THINH,
            "title": "Cài vào Hưng Thịnh",
            "opens_at": "2026-11-25T08:00",
            "days": "7",
            "csrf": token,
        },
        files={"file": ("bank.csv", BANK.encode(), "text/csv")},
    )
    assert imported.status_code == 404
    refused = [r for r in caplog.records if "scope refused" in r.getMessage()]
    assert len(refused) >= 15, [r.getMessage() for r in refused]

    for url in ("/web/quizzes", "/web/exports", "/web/commendations?status=all", "/web/members"):
        page = await mine.get(url)
        assert page.status_code == 200, url
        for secret in ("Cuộc thi của Hưng Thịnh", "Khen của Hưng Thịnh", their_code, their_name):
            assert secret not in page.text, (url, secret)
    with Session(runtime.engine) as session:
        quizzes = session.exec(select(Quiz)).all()
        assert [(q.id, q.published_at) for q in quizzes] == [(quiz_id, None)]
        item = session.get(Commendation, commendation_id)
        assert item is not None and item.status == "nominated"
        assert len(session.exec(select(Commendation)).all()) == 1
        assert session.exec(select(PointsEntry)).first() is None
        assert len(session.exec(select(InviteCode)).all()) == invites_before

    # their own officer still can
    assert (await theirs.get(f"/web/quizzes/{quiz_id}")).status_code == 200
    assert (await theirs.get(f"/web/invites/{their_code}")).status_code == 200

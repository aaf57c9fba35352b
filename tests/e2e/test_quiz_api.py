"""The quiz admin API: an officer creates quizzes (JSON or a bank file) in their subtree only,
exports the bank, reads results; bad rows come back numbered."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlmodel import Session, select

from bots.bootstrap import Runtime
from core import demo
from core.campaigns import service as campaigns
from core.members.models import Member, OfficerRole, UnionUnit
from core.quizzes.bank import read_bank, write_xlsx
from tests.points_helpers import quiz_drafts

pytestmark = pytest.mark.anyio
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def officer(runtime: Runtime) -> tuple[dict[str, str], int, int]:
    """The bearer header of the Minh Phát union's chair, their unit and another unit."""
    now = runtime.clock.now()
    with Session(runtime.engine) as session, session.begin():
        demo.load(session, now=now)
        unit = session.exec(
            select(UnionUnit).where(UnionUnit.name == demo.GRASSROOTS[1].name)
        ).one()
        other = session.exec(
            select(UnionUnit).where(UnionUnit.name == demo.GRASSROOTS[2].name)
        ).one()
        chair = session.exec(
            select(Member)
            .join(OfficerRole, OfficerRole.member_id == Member.id)
            .where(OfficerRole.unit_id == unit.id)
        ).one()
        token = campaigns.issue_token(session, member=chair, now=now)
        return {"Authorization": f"Bearer {token}"}, unit.id, other.id  # type: ignore[return-value]


def quiz_body(runtime: Runtime, unit_id: int) -> dict[str, object]:
    now = runtime.clock.now()
    return {
        "unit_id": unit_id,
        "title": "Nội quy an toàn",
        "opens_at": now.isoformat(),
        "closes_at": (now + timedelta(days=2)).isoformat(),
        "questions": [
            {
                "text": "Khi thấy nguy cơ tai nạn, người lao động có quyền gì?",
                "options": ["Từ chối làm việc và báo ngay", "Tiếp tục làm"],
                "correct": [1],
                "explanation": "Điều 6 Luật An toàn, vệ sinh lao động.",
            }
        ],
    }


async def test_officer_creates_exports_and_reads_results(
    client: httpx.AsyncClient, runtime: Runtime, officer
):
    headers, unit_id, other_id = officer
    created = await client.post(
        "/api/v1/quizzes", json=quiz_body(runtime, unit_id), headers=headers
    )
    assert created.status_code == 201, created.text
    quiz = created.json()
    assert (quiz["questions"], quiz["published"], quiz["question_seconds"]) == (1, True, 30)
    listed = await client.get("/api/v1/quizzes", headers=headers)
    assert [q["id"] for q in listed.json()] == [quiz["id"]]
    exported = await client.get(f"/api/v1/quizzes/{quiz['id']}/export", headers=headers)
    assert exported.headers["content-type"] == XLSX
    assert read_bank(exported.content, "x.xlsx")[0].explanation.startswith("Điều 6")
    results = await client.get(f"/api/v1/quizzes/{quiz['id']}/results", headers=headers)
    assert results.json()["takers"] == 0
    # another grassroots union is outside this officer's subtree
    outside = await client.post(
        "/api/v1/quizzes", json=quiz_body(runtime, other_id), headers=headers
    )
    assert outside.status_code == 403 and outside.json() == {"error": "outside_scope"}
    no_token = await client.get("/api/v1/quizzes")
    assert no_token.status_code == 401


async def test_bank_file_import_and_numbered_errors(
    client: httpx.AsyncClient, runtime: Runtime, officer
):
    headers, unit_id, _ = officer
    params = {
        "unit_id": unit_id,
        "title": "Luật Lao động",
        "opens_at": runtime.clock.now().isoformat(),
    }
    imported = await client.post(
        "/api/v1/quizzes/import",
        params=params,
        content=write_xlsx(quiz_drafts()),
        headers={**headers, "Content-Type": XLSX},
    )
    assert imported.status_code == 201, imported.text
    assert imported.json()["questions"] == 3
    bad = "question,option_1,option_2,correct\nA?,x,y,1;2\nB?,x,,1\n"
    refused = await client.post(
        "/api/v1/quizzes/import",
        params=params,
        content=bad.encode(),
        headers={**headers, "Content-Type": "text/csv"},
    )
    assert refused.status_code == 422
    assert [(r["row"], r["code"]) for r in refused.json()["rows"]] == [
        (2, "all_correct"),
        (3, "too_few_options"),
    ]
    body = quiz_body(runtime, unit_id)
    body["questions"][0]["correct"] = [1, 2]  # type: ignore[index]
    json_refused = await client.post("/api/v1/quizzes", json=body, headers=headers)
    assert json_refused.status_code == 422
    assert json_refused.json()["rows"][0]["code"] == "all_correct"

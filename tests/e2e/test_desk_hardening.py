"""Issue #15, the desk hardened: the quiz bank's CSV export is formula-safe and imports back
to the same questions; every page carries the security headers; the API's reference page needs
nothing from another site."""

from __future__ import annotations

import base64
import csv
import hashlib
import io

import httpx
import pytest

from bots.app import create_app
from bots.bootstrap import Runtime
from tests.e2e.test_quiz_api import officer, quiz_body  # noqa: F401  (fixture)

pytestmark = pytest.mark.anyio


async def test_the_bank_csv_is_formula_safe_and_imports_back(
    client: httpx.AsyncClient,
    runtime: Runtime,
    officer: tuple[dict[str, str], int, int],  # noqa: F811
) -> None:
    headers, unit_id, _other = officer
    body = quiz_body(runtime, unit_id)
    body["questions"] = [
        {
            "text": '=HYPERLINK("http://x";"bấm") là gì?',
            "options": ["-1", "+2", "@3"],
            "correct": [2],
            "explanation": "=1+1",
        }
    ]
    created = await client.post("/api/v1/quizzes", json=body, headers=headers)
    assert created.status_code == 201, created.text
    quiz_id = created.json()["id"]
    exported = await client.get(
        f"/api/v1/quizzes/{quiz_id}/export", params={"format": "csv"}, headers=headers
    )
    assert exported.status_code == 200
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    cells = [c for c in rows[1] if c]
    assert all(not c.startswith(("=", "+", "-", "@")) for c in cells), cells
    assert cells[0].startswith("'=HYPERLINK")

    again = await client.post(
        "/api/v1/quizzes/import",
        params={
            "unit_id": unit_id,
            "title": "Bản sao",
            "opens_at": body["opens_at"],
            "days": 2,
        },
        content=exported.content,
        headers={**headers, "Content-Type": "text/csv"},
    )
    assert again.status_code == 201, again.text
    copy = await client.get(
        f"/api/v1/quizzes/{again.json()['id']}/export", params={"format": "csv"}, headers=headers
    )
    assert copy.content == exported.content  # the same questions, "=..." still text


def script_policy(response: httpx.Response) -> str:
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy
    return next(p for p in policy.split(";") if p.strip().startswith("script-src"))


async def test_every_page_carries_the_security_headers(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    chat = await client.get("/chat")
    scripts = script_policy(chat)
    assert "'unsafe-inline'" not in scripts and "'sha256-" in scripts
    inline = chat.text.split("<script>", 1)[1].split("</script>", 1)[0]
    digest = base64.b64encode(hashlib.sha256(inline.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in scripts  # exactly the page's own script
    for path in ("/healthz", "/chat/api/messages?session=x", "/api/v1/quizzes"):
        answer = await client.get(path)
        assert answer.headers["x-content-type-options"] == "nosniff", path
        assert answer.headers["referrer-policy"] == "same-origin"
        assert script_policy(answer).strip() == "script-src 'self'"
        assert "strict-transport-security" not in answer.headers  # http: no HSTS

    https = runtime.settings.model_copy(update={"public_url": "https://thidua.example.vn"})
    app = create_app(https, runtime=runtime, background=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as other:
        answer = await other.get("/healthz")
        assert answer.headers["strict-transport-security"] == "max-age=31536000"


async def test_the_api_reference_works_on_a_closed_network(client: httpx.AsyncClient) -> None:
    page = await client.get("/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert script_policy(page).strip() == "script-src 'self'"  # the strict policy, no CDN
    assert "<script" not in page.text and "cdn" not in page.text.lower()
    assert "http://" not in page.text and "https://" not in page.text  # nothing from elsewhere
    assert 'lang="vi"' in page.text and "API quản trị của thidua" in page.text
    assert "<code>/api/v1/campaigns</code>" in page.text and "Bearer TOKEN" in page.text
    assert '<a href="#schema-CampaignOut">CampaignOut</a>' in page.text
    assert 'id="schema-CampaignOut"' in page.text  # the link's target is on the page
    assert '<a href="/openapi.json">' in page.text
    assert (await client.get("/openapi.json")).json()["paths"]["/api/v1/campaigns"]
    assert (await client.get("/redoc")).status_code == 404


async def test_an_oversized_chat_message_is_refused_without_being_read(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    session = (await client.post("/chat/api/session")).json()["session"]
    pulled = 0

    async def gigabyte():  # type: ignore[no-untyped-def]
        nonlocal pulled
        yield b'{"session": "' + session.encode() + b'", "text": "'
        for _ in range(16_384):  # 1 GiB in 64 KiB chunks, if it were all read
            pulled += 1
            yield b"a" * 65_536

    refused = await client.post(
        "/chat/api/messages", content=gigabyte(), headers={"Content-Type": "application/json"}
    )
    assert refused.status_code == 413
    assert pulled <= 2  # stopped at the cap (64 kB), not after the gigabyte
    declared = await client.post(
        "/chat/api/messages",
        content=b"{}",
        headers={"Content-Type": "application/json", "Content-Length": str(2**30)},
    )
    assert declared.status_code == 413
    ok = await client.post("/chat/api/messages", json={"session": session, "text": "/start"})
    assert ok.status_code == 202

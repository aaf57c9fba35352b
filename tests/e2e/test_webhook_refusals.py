"""Every adapter refuses in one shape: `{"error": "<why>"}` with the status (an oversize body
413, a missing or wrong secret or signature 401/403, a body that is not the platform's 400),
so that a log or an operator's probe reads them alike. The platforms read only the status
(Telegram's getWebhookInfo reports its own words, Meta and Zalo retry on the status), and the
webhooks' success answers are unchanged. The body caps of the desk and the admin API answer in
the same shape, whether the body is declared too large or streams past the cap."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.engine import Engine

from bots.web.body_limit import API_LIMIT
from tests.apps import open_app
from tests.conftest import FakeClock

pytestmark = pytest.mark.anyio
NOWHERE = "http://127.0.0.1:9"  # no call leaves: every request below is refused first
TG_SECRET = "tg-secret-0123456789"
ZB_SECRET = "zalobot-secret-0123"
LIMIT = 10_000
SESSION = "s" * 32


@pytest.fixture
async def client(
    database_url: str, engine: Engine, clock: FakeClock, tmp_path
) -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    environ = {
        "THIDUA_DATABASE_URL": database_url,
        "THIDUA_ATTACHMENTS_DIR": str(tmp_path),
        "THIDUA_ATTACHMENT_MAX_MB": "1",
        "THIDUA_WEBHOOK_BODY_LIMIT": str(LIMIT),
        "THIDUA_TELEGRAM_TOKEN": "123456:ABCDEF",
        "THIDUA_TELEGRAM_WEBHOOK_SECRET": TG_SECRET,
        "THIDUA_TELEGRAM_API_BASE": NOWHERE,
        "THIDUA_FACEBOOK_PAGE_TOKEN": "page-token",
        "THIDUA_FACEBOOK_APP_SECRET": "app-secret",
        "THIDUA_FACEBOOK_VERIFY_TOKEN": "verify-token",
        "THIDUA_FACEBOOK_GRAPH_BASE": NOWHERE,
        "THIDUA_ZALO_APP_ID": "1234567890",
        "THIDUA_ZALO_APP_SECRET": "zalo-app-secret",
        "THIDUA_ZALO_WEBHOOK_SECRET": "zalo-webhook-secret",
        "THIDUA_ZALO_ACCESS_TOKEN": "access",
        "THIDUA_ZALO_REFRESH_TOKEN": "refresh",
        "THIDUA_ZALO_API_BASE": NOWHERE,
        "THIDUA_ZALO_OAUTH_BASE": NOWHERE,
        "THIDUA_ZALOBOT_TOKEN": "42:zalobot-token",
        "THIDUA_ZALOBOT_WEBHOOK_SECRET": ZB_SECRET,
        "THIDUA_ZALOBOT_API_BASE": NOWHERE,
    }
    async with contextlib.AsyncExitStack() as stack:
        _runtime, client = await open_app(stack, environ, engine=engine, clock=clock)
        yield client


BIG = b'{"x": "' + b"a" * 4_100_000 + b'"}'  # over every webhook's cap (Messenger's is 4 MB)
TG = {"X-Telegram-Bot-Api-Secret-Token": TG_SECRET}
ZB = {"X-Bot-Api-Secret-Token": ZB_SECRET}
FILE = f"/chat/api/files?session={SESSION}&id=f1"
REFUSALS = [
    # (method, path, headers, body, status)
    ("POST", "/webhooks/telegram", TG, BIG, 413),
    ("POST", "/webhooks/telegram", {}, b"{}", 401),
    ("POST", "/webhooks/telegram", TG, b"{", 400),
    ("POST", "/webhooks/zalobot", ZB, BIG, 413),
    ("POST", "/webhooks/zalobot", {}, b"{}", 401),
    ("POST", "/webhooks/zalobot", ZB, b"{", 400),
    ("POST", "/webhooks/zalo", {}, BIG, 413),
    ("POST", "/webhooks/zalo", {}, b"{}", 401),
    ("POST", "/webhooks/facebook", {}, BIG, 413),
    ("POST", "/webhooks/facebook", {"X-Hub-Signature-256": "sha256=00"}, b"{}", 403),
    ("GET", "/webhooks/facebook?hub.mode=subscribe&hub.verify_token=no", {}, b"", 403),
    ("POST", "/chat/api/messages", {}, BIG, 413),
    ("POST", "/chat/api/messages", {}, b"[]", 400),
    ("POST", FILE, {}, BIG, 413),
    ("POST", FILE, {}, b"", 400),
    ("GET", "/chat/api/messages?session=short", {}, b"", 400),
]


@pytest.mark.parametrize(("method", "path", "headers", "body", "status"), REFUSALS)
async def test_every_adapter_refuses_in_one_shape(
    client: httpx.AsyncClient, method: str, path: str, headers: dict, body: bytes, status: int
) -> None:
    refused = await client.request(method, path, headers=headers, content=body or None)
    assert refused.status_code == status, refused.text
    assert refused.headers["content-type"] == "application/json", refused.headers
    shape = refused.json()
    assert list(shape) == ["error"] and isinstance(shape["error"], str) and shape["error"]


async def test_the_body_caps_refuse_in_the_same_shape(client: httpx.AsyncClient) -> None:
    async def streamed(chunks: int) -> AsyncIterator[bytes]:
        for _ in range(chunks):
            yield b"a" * 65_536

    past_the_cap = API_LIMIT // 65_536 + 2
    for refused in (
        await client.post("/api/v1/campaigns", content=streamed(past_the_cap)),
        await client.post(
            "/api/v1/campaigns",
            content=streamed(0),
            headers={"Content-Type": "application/json", "Content-Length": str(2**30)},
        ),
    ):
        assert refused.status_code == 413, refused.text
        assert list(refused.json()) == ["error"], refused.text

"""Issue #15: every endpoint refuses an oversized body without reading it whole, the
unauthenticated ones first (the desk's sign-in page, the language switch, the /mydata
download, the admin API, which reads a body before it checks the token). A 1 GiB body streamed
in 64 KiB chunks stops at the cap; a declared length over the cap is refused unread; bodies
under the caps are read as before."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from bots.bootstrap import Runtime
from bots.web.body_limit import API_LIMIT, FORM_LIMIT
from tests.browser.support import client, csrf_of, settings  # noqa: F401  (fixtures)

pytestmark = pytest.mark.anyio
CHUNK = 65_536


def gigabyte(pulled: list[int], head: bytes) -> AsyncIterator[bytes]:
    """1 GiB in 64 KiB chunks, if it were all read; `pulled` counts the chunks taken."""

    async def chunks() -> AsyncIterator[bytes]:
        yield head
        for _ in range(2**30 // CHUNK):
            pulled[0] += 1
            yield b"a" * CHUNK

    return chunks()


@pytest.mark.parametrize(
    ("path", "content_type", "head", "cap"),
    [
        ("/web/signin", "application/x-www-form-urlencoded", b"code=", FORM_LIMIT),
        ("/web/language", "application/x-www-form-urlencoded", b"language=", FORM_LIMIT),
        ("/api/v1/campaigns", "application/json", b'{"title": "', API_LIMIT),
    ],
)
async def test_a_streamed_gigabyte_stops_at_the_cap(
    client: httpx.AsyncClient,  # noqa: F811
    runtime: Runtime,
    path: str,
    content_type: str,
    head: bytes,
    cap: int,
) -> None:
    pulled = [0]
    refused = await client.post(
        path, content=gigabyte(pulled, head), headers={"Content-Type": content_type}
    )
    assert refused.status_code == 413, refused.text
    assert pulled[0] <= cap // CHUNK + 1, pulled  # stopped at the cap, not after the gigabyte
    assert refused.headers["x-content-type-options"] == "nosniff"  # headers as on any page


@pytest.mark.parametrize(
    "path", ["/web/signin", "/web/language", "/mydata/not-a-token", "/api/v1/campaigns"]
)
async def test_a_declared_gigabyte_is_refused_unread(
    client: httpx.AsyncClient,  # noqa: F811
    runtime: Runtime,
    path: str,
) -> None:
    pulled = [0]
    refused = await client.post(
        path,
        content=gigabyte(pulled, b""),
        headers={"Content-Type": "application/json", "Content-Length": str(2**30)},
    )
    assert refused.status_code == 413, refused.text
    assert pulled[0] == 0


async def test_bodies_under_the_caps_are_read_as_before(
    client: httpx.AsyncClient,  # noqa: F811
    runtime: Runtime,
) -> None:
    page = await client.get("/web/signin")
    wrong = await client.post(
        "/web/signin", data={"csrf": csrf_of(page.text), "code": "KHÔNG-CÓ-MÃ"}
    )
    assert wrong.status_code == 401  # the form was read: an unknown code
    # 2 MiB of JSON is under the admin API's cap: refused for the missing token only
    big = await client.post(
        "/api/v1/campaigns",
        content=b'{"title": "' + b"a" * 2_000_000 + b'"}',
        headers={"Content-Type": "application/json"},
    )
    assert big.status_code == 401, big.text
    # a file import has the larger cap: 2 MiB reach the desk, which asks for a sign-in
    upload = await client.post(
        "/web/org/import",
        files={"file": ("roster.csv", b"a" * 2_000_000, "text/csv")},
        follow_redirects=False,
    )
    assert upload.status_code != 413, upload.status_code
    # the web chat keeps its own cap (64 kB), as before
    session = (await client.post("/chat/api/session")).json()["session"]
    ok = await client.post("/chat/api/messages", json={"session": session, "text": "/start"})
    assert ok.status_code == 202

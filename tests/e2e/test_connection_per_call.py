"""The Send API paths' connections (adapters/transport.py::ConnectionPerCall, Messenger and
Zalo OA) against the fake Graph API: calls at once share the connections, each given back when
its answer is read or its call failed; a call that finds none free waits for the pool timeout
and is known not to have gone out."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest

from adapters.transport import ConnectionPerCall, went_out
from tests.fakes.facebook_graph import FakeGraph
from tests.fakes.faults import Faults
from tests.fakes.server import serve_in_thread

pytestmark = pytest.mark.anyio
TOKEN = "EAAGm0PX4ZCpsBAFakePageToken"


async def send(client: httpx.AsyncClient, psid: str, **timeout: float) -> httpx.Response:
    body = {"recipient": {"id": psid}, "messaging_type": "RESPONSE", "message": {"text": "Chào"}}
    return await client.post(
        "/me/messages",
        json=body,
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=httpx.Timeout(5.0, **timeout),
    )


async def test_a_call_takes_a_free_connection_and_gives_it_back_whatever_the_answer(
    clock: Any,
) -> None:
    fake = FakeGraph(page_token=TOKEN, app_secret="s" * 32, clock=clock)
    people = [f"psid{i}" for i in range(12)]
    for psid in people:
        fake.last_action[psid] = clock.now()
    with serve_in_thread(fake.app) as url:
        transport = ConnectionPerCall(1, keepalive_expiry=60)
        async with httpx.AsyncClient(base_url=f"{url}/v23.0", transport=transport) as client:
            # a call delivered but never answered holds the only connection...
            fake.faults = Faults(hang_rate=1.0, hang_for=2.5)  # past the read timeout
            hung = asyncio.create_task(send(client, people[0], read=1.5))
            deadline = time.monotonic() + 10
            while not fake.sent:
                assert time.monotonic() < deadline, "the hung call never arrived"
                await asyncio.sleep(0.01)
            fake.faults = Faults()
            # ...so the next waits no longer than its pool timeout, and never left
            with pytest.raises(httpx.PoolTimeout) as waited:
                await send(client, people[1], pool=0.2)
            assert not went_out(waited.value)
            assert fake.calls == 1
            # the hung call gives up (it may have been delivered) and frees the connection
            with pytest.raises(httpx.ReadTimeout) as timed_out:
                await hung
            assert went_out(timed_out.value)
            answers = await asyncio.gather(*(send(client, p) for p in people[1:]))
    assert [a.status_code for a in answers] == [200] * 11
    assert sorted(m.recipient for m in fake.sent) == sorted(people)

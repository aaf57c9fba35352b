"""Issue #15: retention. Over the web chat: what the bot wrote, drafts never sent, sign-in
codes; the scheduler's purge job and `thidua privacy purge` delete what is past its period and
nothing else (the rows the delivery reports count stay, without their text)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlmodel import Session, col, func, select

from bots.bootstrap import Runtime
from bots.scheduling import retention_policy
from core.initiatives.models import Initiative
from core.initiatives.rules import Status
from core.members.models import Member
from core.storage.engine import make_engine
from core.storage.models import OutboxMessage, OutboxStatus, WebchatMessage
from core.websignin.models import WebSigninCode
from scheduler.jobs import purge_personal_data
from tests.e2e.test_initiative_chat import demo_data, join, officer_chat
from tests.webchat import ChatUser

pytestmark = pytest.mark.anyio
__all__ = ["demo_data"]  # the fixture, used by name


def counts(runtime: Runtime) -> dict[str, int]:
    with Session(runtime.engine) as session:
        sent = select(func.count()).where(OutboxMessage.status == OutboxStatus.SENT)
        return {
            "webchat": session.exec(select(func.count()).select_from(WebchatMessage)).one(),
            "sent": session.exec(sent).one(),
            "sent_with_text": session.exec(sent.where(col(OutboxMessage.body) != "")).one(),
            "drafts": session.exec(
                select(func.count()).where(Initiative.status == Status.DRAFT)
            ).one(),
            "codes": session.exec(select(func.count()).select_from(WebSigninCode)).one(),
            "members": session.exec(
                select(func.count()).where(col(Member.full_name).is_not(None))
            ).one(),
        }


async def seed(client: httpx.AsyncClient, runtime: Runtime) -> ChatUser:
    worker = await ChatUser(client, runtime).open()
    await join(worker, "Nguyễn Thị Lan")
    await worker.say("/menu")
    await worker.tap("menu:initiative")
    await worker.say("Gá kẹp nhanh cho máy phay")  # a draft, never sent
    officer = await officer_chat(client, runtime)
    signin = await officer.say("/signin")
    assert officer.texts(signin)
    return worker


async def test_the_scheduled_purge_keeps_each_kind_for_its_period(
    client: httpx.AsyncClient, runtime: Runtime, demo_data: None
) -> None:
    worker = await seed(client, runtime)
    before = counts(runtime)
    assert before["webchat"] and before["sent_with_text"] and before["drafts"] == 1
    assert before["codes"] == 1
    policy = retention_policy(runtime.settings)

    runtime.clock.advance(days=29)
    purge_personal_data(runtime.engine, runtime.clock, policy)
    assert counts(runtime) == {**before, "codes": 0}  # the code expired more than a day ago

    runtime.clock.advance(days=2)  # 31 days: texts and the web chat history go
    purge_personal_data(runtime.engine, runtime.clock, policy)
    after = counts(runtime)
    assert after == {**before, "codes": 0, "webchat": 0, "sent_with_text": 0}

    runtime.clock.advance(days=60)  # 91 days: the draft never sent goes
    first = purge_personal_data(runtime.engine, runtime.clock, policy)
    assert first["drafts"] == 1
    assert counts(runtime)["drafts"] == 0
    again = purge_personal_data(runtime.engine, runtime.clock, policy)
    assert not any(again.values())  # nothing twice
    assert counts(runtime)["members"] == before["members"]  # members are not touched

    menu = await worker.say("/menu")  # the chat goes on
    assert worker.texts(menu)


async def test_the_command_purges_with_the_settings(
    client: httpx.AsyncClient, runtime: Runtime, demo_data: None
) -> None:
    await seed(client, runtime)
    assert counts(runtime)["webchat"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("THIDUA_")}
    env["THIDUA_DATABASE_URL"] = runtime.settings.database_url
    # the test's clock is days behind the machine's: a period of one day covers its rows
    env["THIDUA_RETENTION_WEBCHAT_DAYS"] = "1"
    env["THIDUA_RETENTION_SENT_MESSAGE_DAYS"] = "0"  # 0: kept
    done = subprocess.run(
        [sys.executable, "-m", "bots", "privacy", "purge"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "webchat" in done.stdout and "purged" in done.stdout
    left = counts(runtime)
    assert left["webchat"] == 0
    assert left["sent_with_text"] > 0
    bad = subprocess.run(
        [sys.executable, "-m", "bots", "privacy", "purge"],
        capture_output=True,
        text=True,
        env={**env, "THIDUA_RETENTION_DRAFT_DAYS": "-1"},
        timeout=120,
        check=False,
    )
    assert bad.returncode != 0 and "THIDUA_RETENTION_DRAFT_DAYS" in bad.stderr


async def test_two_instances_purging_at_once_purge_each_row_once(
    client: httpx.AsyncClient, runtime: Runtime, demo_data: None
) -> None:
    """Every instance's scheduler runs the purge every hour; two at the same moment, each on
    its own connections, delete and blank each row once between them and fail nowhere."""
    await seed(client, runtime)
    before = counts(runtime)
    runtime.clock.advance(days=91)
    policy = retention_policy(runtime.settings)
    engines = [make_engine(runtime.settings.database_url) for _ in range(2)]
    start = threading.Barrier(2)

    def instance(engine):  # type: ignore[no-untyped-def]
        start.wait()
        return purge_personal_data(engine, runtime.clock, policy)

    try:
        with ThreadPoolExecutor(2) as pool:
            first, second = pool.map(instance, engines)
    finally:
        for engine in engines:
            engine.dispose()
    assert first["drafts"] + second["drafts"] == 1
    assert first["webchat"] + second["webchat"] == before["webchat"]
    after = counts(runtime)
    assert after == {**before, "codes": 0, "webchat": 0, "sent_with_text": 0, "drafts": 0}
    assert not any(purge_personal_data(runtime.engine, runtime.clock, policy).values())

"""Shared set-up of the officer web UI tests (HTTP and browser): the web UI switched on, officers
who claimed their demo account over the web chat and asked the bot for a sign-in code."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest

from bots.app import create_app
from bots.bootstrap import Runtime
from bots.settings import Settings, load_settings
from tests.e2e.campaign_support import Demo, officer
from tests.webchat import ChatUser

SECRET = "test-secret-of-the-officer-web-ui-0123456789"
CODE = re.compile(r"\b[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}\b")
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def web_settings(database_url: str) -> Settings:
    return load_settings(
        environ={
            "THIDUA_DATABASE_URL": database_url,
            "THIDUA_WEB_UI": "true",
            "THIDUA_WEB_SECRET": SECRET,
        }
    )


@pytest.fixture
def settings(database_url: str) -> Settings:
    return web_settings(database_url)


@pytest.fixture
async def client(runtime: Runtime, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, runtime=runtime, background=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


def code_in(text: str) -> str:
    found = CODE.search(text)
    assert found, f"no sign-in code in {text!r}"
    return found.group(0)


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no CSRF field on the page"
    return found.group(1)


async def ask_code(user: ChatUser) -> str:
    return code_in(user.texts(await user.say("/signin")))


async def signed_in_officer(
    client: httpx.AsyncClient, runtime: Runtime, data: Demo, unit: int
) -> tuple[httpx.AsyncClient, ChatUser]:
    """A fresh browser-like client for the officer of `unit`, signed in with a code the bot
    sent; the officer's chat user stays usable."""
    user = await officer(client, runtime, data, unit, english=False)
    code = await ask_code(user)
    web = httpx.AsyncClient(transport=client._transport, base_url="http://testserver")
    page = await web.get("/web/signin")
    answer = await web.post("/web/signin", data={"code": code, "csrf": csrf_of(page.text)})
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == "/web/"
    return web, user


async def post_form(
    web: httpx.AsyncClient, page_url: str, url: str, data: dict[str, object]
) -> httpx.Response:
    """Post a form the way a browser does: the CSRF token comes from the page it is on."""
    page = await web.get(page_url)
    assert page.status_code == 200, page.text
    return await web.post(url, data={**data, "csrf": csrf_of(page.text)})  # type: ignore[dict-item]


def submitted_initiative(runtime: Runtime, *, unit_id: int, title: str) -> int:
    """An initiative submitted by a demo member of `unit_id`, with a reward table in force
    (set by the operator), through the initiatives services."""
    from datetime import date

    from sqlmodel import Session, select

    from core import initiatives
    from core.campaigns.scope import Actor
    from core.initiatives.notify import Notifier
    from core.initiatives.rules import Band, BenefitKind
    from core.members.models import Member

    now = runtime.clock.now()
    notifier = Notifier(catalogs=runtime.catalogs, config=runtime.processor.config)
    with Session(runtime.engine) as session, session.begin():
        author = session.exec(
            select(Member).where(Member.unit_id == unit_id).order_by(Member.id.desc())  # type: ignore[union-attr]
        ).first()
        assert author is not None
        initiatives.set_reward_table(
            session,
            actor=Actor.admin(),
            unit_id=unit_id,
            effective_from=date(2026, 1, 1),
            bands=[Band(0, 50_000_000, 1_000_000, 50), Band(50_000_000, None, 3_000_000, 150)],
            vnd_per_hour=50_000,
            now=now,
        )
        draft = initiatives.start_draft(session, member=author, now=now)
        draft.title = title
        draft.problem = "Máy dập hay kẹt phôi, mỗi ca mất 20 phút."
        draft.solution = "Lắp thêm cữ chặn và cảm biến để phôi vào đúng vị trí."
        draft.benefit_kind = BenefitKind.MONEY
        draft.benefit_amount = 60_000_000
        draft.category = "technical"
        initiatives.submit(session, initiative=draft, notifier=notifier, now=now)
        assert draft.id is not None
        return draft.id

"""Linking a second messenger with a one-time code; officer codes; never by guessing."""

from __future__ import annotations

import httpx
import pytest
from sqlmodel import Session, select

from bots.bootstrap import Runtime
from core.campaigns.buttons import NewCampaign
from core.linking import service as linking
from core.linking.models import CodePurpose, OneTimeCode
from core.members.buttons import Menu, MenuItem
from core.members.models import Identity, OfficerRole
from tests.e2e.campaign_support import HUNG_THINH, load_demo, member, member_id
from tests.webchat import ChatUser

pytestmark = pytest.mark.anyio


async def test_link_a_second_messenger(client: httpx.AsyncClient, runtime: Runtime, clock):
    load_demo(runtime)
    lan = await member(client, runtime, name="Nguyễn Thị Lan", lang="en")
    answer = await lan.say("/link")
    text = lan.texts(answer)
    code = text.split("Your linking code is ")[1].split(".")[0]
    with Session(runtime.engine) as session:
        stored = session.exec(select(OneTimeCode.code_hash)).all()
    assert code.replace("-", "") not in "".join(stored)  # only the hash is kept

    other = await ChatUser(client, runtime).open()
    linked = await other.say(f"/link {code.lower()}")
    assert "now linked to the profile of Nguyễn Thị Lan" in other.texts(linked)
    with Session(runtime.engine) as session:
        owners = session.exec(
            select(Identity.member_id).where(Identity.platform == "webchat")
        ).all()
    assert set(owners) == {member_id(runtime, "Nguyễn Thị Lan")}

    third = await ChatUser(client, runtime).open()
    reused = await third.say(f"/link {code}")
    assert "Mã này đã được sử dụng" in third.texts(reused)  # a stranger: in Vietnamese

    fresh = lan.texts(await lan.say("/link")).split("Your linking code is ")[1].split(".")[0]
    clock.advance(minutes=16)
    expired = await third.say(f"/link {fresh}")
    assert "Mã này đã hết hạn" in third.texts(expired)


async def test_guessing_is_stopped(client: httpx.AsyncClient, runtime: Runtime):
    load_demo(runtime)
    lan = await member(client, runtime, name="Nguyễn Thị Lan", lang="en")
    code = lan.texts(await lan.say("/link")).split("Your linking code is ")[1].split(".")[0]
    guesser = await ChatUser(client, runtime).open()
    for guess in ("AAAAA-AAAAA", "BBBBB-BBBBB", "12345", "CCCCC-CCCCC", "DDDDD-DDDDD"):
        wrong = await guesser.say(f"/link {guess}")
        assert "Mã này không hợp lệ" in guesser.texts(wrong)
    blocked = await guesser.say(f"/link {code}")  # even the right code: too many tries
    assert "nhập sai mã quá nhiều lần" in guesser.texts(blocked)
    with Session(runtime.engine) as session:
        link = session.exec(
            select(OneTimeCode).where(OneTimeCode.purpose == CodePurpose.LINK)
        ).one()
        assert link.used_at is None


async def test_a_messenger_of_another_member_is_not_taken(
    client: httpx.AsyncClient, runtime: Runtime
):
    load_demo(runtime)
    lan = await member(client, runtime, name="Nguyễn Thị Lan", lang="en")
    binh = await member(client, runtime, name="Trần Văn Bình", lang="en")
    code = lan.texts(await lan.say("/link")).split("Your linking code is ")[1].split(".")[0]
    refused = await binh.say(f"/link {code}")
    assert "already belongs to another member" in binh.texts(refused)
    same = lan.texts(await lan.say("/link")).split("Your linking code is ")[1].split(".")[0]
    again = await lan.say(f"/link {same}")
    assert "already linked to your profile" in lan.texts(again)


async def test_officer_code(client: httpx.AsyncClient, runtime: Runtime):
    load_demo(runtime)
    binh = await member(client, runtime, code="CDCSFD44", name="Trần Văn Bình", lang="en")
    with Session(runtime.engine) as session, session.begin():
        code = linking.issue(
            session, purpose=CodePurpose.OFFICER, unit_id=HUNG_THINH, now=runtime.clock.now()
        )
    not_yet = await binh.say("/launch")
    assert "Only union officers can launch campaigns." in binh.texts(not_yet)
    stranger = await ChatUser(client, runtime).open()
    refused = await stranger.say(f"/officer {code}")
    assert "mã mời" in stranger.texts(refused)  # not a member yet: onboarding first
    granted = await binh.say(f"/officer {code}")
    assert (
        "You are now an officer of Công đoàn Công ty TNHH Giày da Hưng Thịnh Việt Nam"
        in binh.texts(granted)
    )
    with Session(runtime.engine) as session:
        roles = session.exec(
            select(OfficerRole).where(OfficerRole.member_id == member_id(runtime, "Trần Văn Bình"))
        ).all()
    assert [r.unit_id for r in roles] == [HUNG_THINH]
    menu = await binh.say("x", payload=Menu(MenuItem.CAMPAIGNS).pack())
    assert NewCampaign().pack() in binh.payloads(menu)
    lan = await member(client, runtime, code="CDCSFD44", name="Nguyễn Thị Lan", lang="en")
    used = await lan.say(f"/officer {code}")
    assert "already been used" in lan.texts(used)


async def test_an_officer_code_redeemed_in_a_batch_shows_in_the_next_menu_of_it(
    client: httpx.AsyncClient, runtime: Runtime
):
    """A batch reads once which of its writers are officers, for their menus (core/held.py);
    a role granted by an earlier update of the same batch is in a later update's menu."""
    load_demo(runtime)
    binh = await member(client, runtime, code="CDCSFD44", name="Trần Văn Bình", lang="en")
    with Session(runtime.engine) as session, session.begin():
        code = linking.issue(
            session, purpose=CodePurpose.OFFICER, unit_id=HUNG_THINH, now=runtime.clock.now()
        )
    for text in ("/start", f"/officer {code}", "/start"):
        assert (await binh.post(text=text)).status_code == 202
    assert runtime.processor.process_pending() == 3  # one batch
    before, granted, after = await binh.replies()
    officer_tasks = Menu(MenuItem.OFFICER).pack()
    assert officer_tasks not in binh.payloads([before])
    assert "You are now an officer" in granted["text"]
    assert officer_tasks in binh.payloads([after])

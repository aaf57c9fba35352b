"""Shared set-up of the campaign and broadcast tests: demo data, officers who claimed their
account over the web chat, members who joined over the web chat."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import httpx
from sqlmodel import Session, select

from bots.bootstrap import Runtime
from core import demo
from core.campaigns.buttons import (
    CardAction,
    GroupsDone,
    OnCampaign,
    PickSubtree,
    PickUnit,
    SaveDraft,
    SkipCriteria,
    ToggleGroup,
)
from core.chat.buttons import kind_for
from core.members.buttons import Menu, MenuItem
from core.members.models import Member, OfficerRole, UnionUnit, WorkerGroup
from core.members.rules import key_of
from tests.webchat import ChatUser

PROVINCE, ZONE, STATE_AGENCY, MINH_PHAT, HUNG_THINH = 1, 2, 3, 4, 5


@dataclass
class Demo:
    claim: dict[int, str]  # unit id -> the claim code of its demo officer
    officer_of: dict[int, int]  # unit id -> member id of its officer


def load_demo(runtime: Runtime) -> Demo:
    with Session(runtime.engine) as session, session.begin():
        demo.load(session, now=runtime.clock.now())
        names = {u.name: u.id for u in session.exec(select(UnionUnit))}
        claim = {
            names[unit]: code
            for unit, _name, code in demo.officer_claim_codes(session, now=runtime.clock.now())
        }
        officer_of = {r.unit_id: r.member_id for r in session.exec(select(OfficerRole))}
    return Demo(claim=claim, officer_of=officer_of)  # type: ignore[arg-type]


async def officer(
    client: httpx.AsyncClient, runtime: Runtime, data: Demo, unit: int, *, english: bool = True
) -> ChatUser:
    user = await ChatUser(client, runtime).open()
    linked = await user.say(f"/link {data.claim[unit]}")
    assert Menu(MenuItem.CAMPAIGNS).pack() in user.payloads(linked), user.texts(linked)
    if english:
        await user.say("/language")
        await user.tap("lang:en")
    return user


async def member(
    client: httpx.AsyncClient,
    runtime: Runtime,
    *,
    code: str = "CDCSTN33",
    name: str = "Nguyễn Thị Lan",
    group: str = "direct_worker",
    lang: str = "vi",
    public_name: bool = True,
) -> ChatUser:
    """A member who joined by tapping through; `public_name`: their answer to naming them
    beyond their union (no: a commendation asks them each time)."""
    user = await ChatUser(client, runtime).open()
    await user.say("/start")
    await user.say(code)
    await user.tap("onb_ok:1")
    await user.tap("onb_pur:announcements:1")
    await user.tap(f"onb_pur:public_name:{int(public_name)}")
    await user.say(name)
    await user.tap("onb_name:1")  # «Đúng»: the name shown back is right
    await user.tap(f"onb_group:{group}")
    await user.tap("onb_lead:0")
    await user.tap(f"onb_lang:{lang}")
    return user


def member_id(runtime: Runtime, name: str) -> int:
    with Session(runtime.engine) as session:
        return session.exec(select(Member.id).where(Member.full_name == name)).one()  # type: ignore[return-value]


async def create_campaign(
    user: ChatUser,
    *,
    title: str = "Tháng thi đua năng suất",
    unit: int = ZONE,
    subtree: bool = True,
    groups: tuple[str, ...] = ("direct_worker",),
    dates: str = "25/11/2026 - 31/12/2026",
) -> int:
    await user.say("/newcampaign")
    await user.say(title)
    await user.say("Mỗi tổ sản xuất đăng ký chỉ tiêu năng suất và báo cáo hằng tuần.")
    await user.tap(SkipCriteria().pack())
    await user.tap(PickUnit(unit).pack())
    await user.tap(PickSubtree(subtree).pack())
    for group in groups:
        await user.tap(ToggleGroup(WorkerGroup(group)).pack())
    await user.tap(GroupsDone().pack())
    await user.say(dates)
    saved = await user.tap(SaveDraft().pack())
    cards = [OnCampaign.unpack(p) for p in user.payloads(saved) if kind_for(p) is OnCampaign]
    launch = [c.campaign for c in cards if c.action == CardAction.LAUNCH]
    assert launch, user.texts(saved)
    return launch[0]


def bulk_members(
    engine,  # type: ignore[no-untyped-def]
    *,
    unit_id: int,
    count: int,
    platform: str,
    seen: datetime | None,
    now: datetime,
    prefix: str,
    consent: bool = True,
    blocked: bool = False,
) -> list[int]:
    """`count` onboarded members of a unit, each with one identity on `platform` whose last
    message was at `seen`. Inserted in bulk: the large broadcasts of the tests and benches."""
    from sqlalchemy import insert

    from core.members.models import Consent, Identity

    with engine.begin() as conn:
        ids = [
            row[0]
            for row in conn.execute(
                insert(Member).returning(Member.id),
                [
                    {
                        "unit_id": unit_id,
                        "full_name": f"{prefix} {i}",
                        "name_key": key_of(f"{prefix} {i}"),  # as the ORM sets it
                        "worker_group": "direct_worker",
                        "holds_leadership_post": False,
                        "locale": "vi",
                        "preferred_platform": platform,
                        "joined_at": now,
                        "onboarded_at": now,
                    }
                    for i in range(count)
                ],
            )
        ]
        conn.execute(
            insert(Identity),
            [
                {
                    "platform": platform,
                    "platform_user_id": platform_user_id(platform, prefix, member_id),
                    "member_id": member_id,
                    "first_seen_at": now,
                    "last_inbound_at": seen,
                    "blocked_at": now if blocked else None,
                }
                for member_id in ids
            ],
        )
        if consent:
            conn.execute(
                insert(Consent),
                [
                    {"member_id": m, "purpose": p, "granted_at": now}
                    for m in ids
                    for p in ("data_processing", "announcements")
                ],
            )
    return ids


def platform_user_id(platform: str, prefix: str, member_id: int) -> str:
    """Telegram chat ids are numbers; the others are opaque strings."""
    if platform == "telegram":
        return str(1_000_000_000 + member_id)
    return f"{prefix}-{member_id}"

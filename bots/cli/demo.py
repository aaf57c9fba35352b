"""`thidua demo load`: the demo union tree with a showcase of every feature, and on every later
run (`make run` calls it with --if-empty) the addresses and the codes to come in again."""

from __future__ import annotations

import argparse
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, or_, select

from bots.scheduling import channel_traits, delivery_policy
from bots.settings import Settings, load_settings
from core import demo, demo_chats, demo_showcase
from core.clock import utcnow
from core.dispatch import ChatConfig
from core.emulation import demo as emulation_demo
from core.i18n import Catalogs
from core.initiatives.notify import Notifier
from core.members.models import InviteCode, UnionUnit
from core.storage.engine import make_engine


def _notifier(settings: Settings) -> Notifier:
    traits = channel_traits(settings)
    config = ChatConfig(
        default_locale=settings.default_locale,
        timezone=settings.timezone,
        delivery=delivery_policy(settings, traits),
        traits=traits,
    )
    return Notifier(Catalogs(settings.locales_dir, settings.default_locale), config)


def _invites(session: Session, now: datetime) -> list[tuple[str, str]]:
    """The demo units' invite codes that still work: (code, unit name)."""
    names = [spec.name for spec in (demo.PROVINCE, demo.ZONE, *demo.GRASSROOTS)]
    rows = session.exec(
        select(InviteCode.code, UnionUnit.name)
        .join(UnionUnit, UnionUnit.id == InviteCode.unit_id)  # type: ignore[arg-type]
        .where(
            col(UnionUnit.name).in_(names),
            col(InviteCode.revoked_at).is_(None),
            or_(col(InviteCode.expires_at).is_(None), col(InviteCode.expires_at) > now),
        )
        .order_by(col(UnionUnit.id))
    ).all()
    return [(code, name) for code, name in rows]


def _quiet_hours(settings: Settings, now: datetime) -> str:
    policy = delivery_policy(settings)
    local = now.astimezone(ZoneInfo(settings.timezone)).strftime("%H:%M")
    rule = (
        f"quiet hours {settings.quiet_hours} ({settings.timezone}, now {local}): announcements "
        "and reminders wait for their end; replies to what a person is doing are not held."
    )
    if policy.in_quiet_hours(now):
        until = policy.quiet_ends_after(now).astimezone(ZoneInfo(settings.timezone))
        rule += (
            f"\n  It is quiet hours now: announcements are held until {until:%H:%M}. "
            "To send them now: THIDUA_QUIET_HOURS=00:00-00:00 make run"
        )
    return rule


def _print_welcome(settings: Settings, session: Session, now: datetime) -> None:
    base = str(settings.public_url).rstrip("/")
    print(f"web chat:      {base}/chat  (type an invite code below to join)")
    if settings.web_ui:
        print(f"officer desk:  {base}/web/signin  (send /signin in the chat for a code)")
    else:
        print("officer desk:  off (THIDUA_WEB_UI=true and THIDUA_WEB_SECRET switch it on)")
    print("invite codes:")
    for code, name in _invites(session, now):
        print(f"  {code}  {name}")
    claims = demo.officer_claim_codes(session, now=now)
    if claims:
        print("officer claim codes (send /link CODE in the chat; once, within 30 days):")
        for unit_name, officer_name, code in claims:
            print(f"  {code}  {officer_name}, {unit_name}")
    else:
        print("every demo officer has claimed their account already")
    doors = demo_chats.doors(session)
    if doors:
        print("be a demo member (open in a private window: the chat keeps one person per browser):")
        for name, unit_name, chat in doors:
            print(f"  {base}/chat#as={chat}  {name}, {unit_name}")
    print(_quiet_hours(settings, now))


def _load(args: argparse.Namespace) -> int:
    settings = load_settings()
    engine = make_engine(settings.database_url)
    now = utcnow()
    try:
        with Session(engine) as session, session.begin():
            if not demo.is_empty(session):
                if not args.if_empty:
                    print("the database already has union units; use a fresh database for the demo")
                    return 1
                print("the database already has data: demo not loaded again")
            else:
                counts = demo.load(session, now=now)
                chats = demo_chats.open_web_chats(session, now=now)
                notifier = _notifier(settings)
                shown = demo_showcase.load(
                    session, now=now, notifier=notifier, policy=notifier.config.delivery
                )
                delivered = demo_chats.deliver_past(session, before=now)
                organisation = demo.load_organisation(session, now=now)
                emulation = emulation_demo.load(
                    session,
                    now=now,
                    t=notifier.catalogs.translator(None, settings.timezone),
                    timezone=settings.timezone,
                )
                print(
                    f"demo loaded: {counts['units']} units, {counts['members']} members "
                    f"({counts['officers']} officers), a running campaign, an open quiz "
                    f"({shown['quiz_takers']} members have taken it), "
                    f"reward tables, {shown['initiatives']} initiatives, "
                    f"{shown['commendations']} commendations, four weeks of scores"
                )
                print(
                    f"{chats} demo members have a web chat session; {delivered} messages of "
                    "the showcase's past (the launch, the quiz's announcement, commendations) "
                    "are delivered to them"
                )
                print(
                    f"the union's tree and roster files imported: {organisation['created']} "
                    f"units added, {organisation['updated']} given their codes and declared "
                    f"membership, {organisation['roster']} people on the roster (joining with "
                    "CDCSTN33, try the membership card MP-0001 or the phone 0912 300 001)"
                )
                print(
                    f"{emulation['campaigns']} running emulation campaigns with "
                    f"{emulation['criteria']} criteria, {emulation['pledges']} pledges and "
                    f"{emulation['reports']} progress reports; the industrial zones' union has "
                    f"{emulation['blocks']} emulation block with {emulation['evaluations']} "
                    "evaluations"
                )
        with Session(engine) as session, session.begin():  # the demo is committed already
            _print_welcome(settings, session, now)
    finally:
        engine.dispose()
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("demo", help="demo data")
    demo_sub = parser.add_subparsers(dest="demo_command", required=True, metavar="ACTION")
    load = demo_sub.add_parser("load", help="load the demo union hierarchy and members")
    load.add_argument(
        "--if-empty", action="store_true", help="only show the codes again if data exists"
    )
    load.set_defaults(run=_load)

"""Shared set-up of the initiative and commendation tests: a reward table, an initiative sent
through the services (the chat flow itself is tested in test_initiative_chat.py)."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from bots.bootstrap import Runtime
from core import initiatives as service
from core.campaigns.scope import Actor
from core.initiatives.notify import Notifier
from core.initiatives.rules import Band, BenefitKind
from core.members.models import Member

BANDS = [
    Band(0, 10_000_000, 500_000, 10),
    Band(10_000_000, 50_000_000, 2_000_000, 31),
    Band(50_000_000, None, 5_000_000, 80),
]


def notifier(runtime: Runtime) -> Notifier:
    return Notifier(runtime.catalogs, runtime.processor.config)


def reward_table(runtime: Runtime, unit_id: int, *, on: date = date(2026, 1, 1)) -> None:
    with Session(runtime.engine) as session, session.begin():
        service.set_reward_table(
            session,
            actor=Actor.admin(),
            unit_id=unit_id,
            effective_from=on,
            bands=BANDS,
            vnd_per_hour=50_000,
            now=runtime.clock.now(),
        )


def sent_initiative(
    runtime: Runtime,
    member_id: int,
    *,
    title: str = "Gá kẹp nhanh cho máy phay",
    benefit: int = 24_000_000,
    coauthors: tuple[int, ...] = (),
    hide_name: bool = False,
) -> tuple[int, str]:
    """An initiative sent by a member, as the chat flow leaves it: (id, tracking code)."""
    now = runtime.clock.now()
    with Session(runtime.engine) as session, session.begin():
        member = session.get(Member, member_id)
        assert member is not None
        draft = service.start_draft(session, member=member, now=now)
        draft.title = title
        draft.problem = "Thay dao mất 20 phút mỗi lần"
        draft.solution = "Dùng gá kẹp cam thay bu lông"
        draft.benefit_kind = BenefitKind.MONEY
        draft.benefit_amount = benefit
        draft.category = "technical"
        draft.hide_name = hide_name
        for other in coauthors:
            service.add_coauthor(session, initiative=draft, member_id=other)
        done = service.submit(session, initiative=draft, notifier=notifier(runtime), now=now)
        return done.id, done.code  # type: ignore[return-value]

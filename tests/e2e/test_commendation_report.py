"""Commendations on the demo data: the rules (self, other unit), points once, and the share
report checked against an independent count."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, col, select

from bots.bootstrap import Runtime
from core import demo
from core.campaigns.scope import Actor
from core.commendations import service
from core.errors import DomainError, Forbidden
from core.initiatives.notify import Notifier
from core.members.models import Member, OfficerRole, UnionUnit, WorkerGroup
from core.points.models import PointsEntry
from core.reports import export
from core.reports.service import Period, commendation_shares


@pytest.fixture
def session(runtime: Runtime):  # type: ignore[no-untyped-def]
    with Session(runtime.engine) as session, session.begin():
        demo.load(session, now=runtime.clock.now())
        yield session


def _officer(session: Session, unit: UnionUnit) -> Member:
    return session.exec(
        select(Member)
        .join(OfficerRole, col(OfficerRole.member_id) == Member.id)
        .where(OfficerRole.unit_id == unit.id)
    ).one()


def test_commendation_rules_and_share_report(session: Session, runtime: Runtime) -> None:
    now = runtime.clock.now()
    notifier = Notifier(runtime.catalogs, runtime.processor.config)
    grassroots = session.exec(
        select(UnionUnit).where(UnionUnit.kind == "grassroots_union").order_by(col(UnionUnit.id))
    ).all()
    people = {
        u.id: session.exec(
            select(Member).where(Member.unit_id == u.id).order_by(col(Member.id))
        ).all()
        for u in grassroots
    }
    # Every ordinary member of every grassroots union is nominated by a colleague, one
    # commendation in three for a team of two; everything is approved by the unit's officer.
    for unit in grassroots:
        officer = _officer(session, unit)
        staff = [m for m in people[unit.id] if m.id != officer.id]
        with pytest.raises(Forbidden) as self_nomination:
            service.nominate(
                session, by=staff[0], member_ids=[staff[0].id], reason="Tôi giỏi", now=now
            )  # type: ignore[list-item]
        assert self_nomination.value.code == "nominate_self"
        other_unit = next(u for u in grassroots if u.id != unit.id)
        with pytest.raises(Forbidden):
            service.nominate(
                session, by=staff[0], member_ids=[people[other_unit.id][1].id], reason="x", now=now
            )  # type: ignore[list-item]
        for index, person in enumerate(staff):
            nominator = staff[index - 1]
            if index % 3 == 2:
                item = service.nominate(
                    session,
                    by=nominator,
                    member_ids=[person.id, officer.id],  # type: ignore[list-item]
                    team_name=f"Tổ {index}",
                    reason="Hoàn thành vượt kế hoạch",
                    now=now,
                )
            else:
                item = service.nominate(
                    session,
                    by=nominator,
                    member_ids=[person.id],
                    reason="Giúp đỡ đồng nghiệp",  # type: ignore[list-item]
                    adhoc=index % 2 == 0,
                    now=now,
                )
            with pytest.raises(Forbidden):
                service.approve(
                    session,
                    actor=Actor.officer(_officer(session, other_unit).id),  # type: ignore[arg-type]
                    commendation_id=item.id,
                    notifier=notifier,
                    now=now,
                )  # type: ignore[arg-type]
            service.approve(
                session,
                actor=Actor.officer(officer.id),
                commendation_id=item.id,  # type: ignore[arg-type]
                notifier=notifier,
                now=now,
                award_points=10,
            )
            with pytest.raises(DomainError):
                service.approve(
                    session,
                    actor=Actor.officer(officer.id),
                    commendation_id=item.id,  # type: ignore[arg-type]
                    notifier=notifier,
                    now=now,
                )

    entries = session.exec(select(PointsEntry).where(PointsEntry.source == "commendation")).all()
    assert len(entries) == len({e.source_id for e in entries})

    period = Period(date(2026, 11, 1), date(2026, 11, 30))
    report = {r.unit: r for r in commendation_shares(session, actor=Actor.admin(), period=period)}

    # The independent count: from the members themselves, the same people as nominated above.
    for unit in grassroots:
        officer = _officer(session, unit)
        staff = [m for m in people[unit.id] if m.id != officer.id]
        commended = list(staff) + [officer for i in range(len(staff)) if i % 3 == 2]
        direct = sum(m.worker_group == WorkerGroup.DIRECT_WORKER for m in commended)
        no_post = sum(m.holds_leadership_post is False for m in commended)
        row = report[unit.name]
        assert row.people == len(commended)
        assert row.direct_workers == direct
        assert row.without_post == no_post
        assert row.direct_share == pytest.approx(direct / len(commended))
        assert row.without_post_share == pytest.approx(no_post / len(commended))

    rows = export.share_rows(list(report.values()))
    parsed = list(
        csv.reader(io.StringIO(export.to_csv(export.SHARE_HEADER, rows).decode("utf-8-sig")))
    )
    assert parsed[0] == export.SHARE_HEADER and len(parsed) == len(grassroots) + 1
    book = load_workbook(io.BytesIO(export.to_xlsx({"commendations": (export.SHARE_HEADER, rows)})))
    assert book["commendations"].max_row == len(grassroots) + 1

    # an officer of one grassroots union sees only their own unit in the report
    mine = commendation_shares(
        session, actor=Actor.officer(_officer(session, grassroots[0]).id), period=period
    )  # type: ignore[arg-type]
    assert [r.unit for r in mine] == [grassroots[0].name]

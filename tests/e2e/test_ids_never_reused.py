"""Issue 15: ids reach people (tracking codes, buttons in chats, web chat polling), so none is
handed out twice, on SQLite (AUTOINCREMENT) as on PostgreSQL (sequences)."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bots.bootstrap import Runtime
from core import demo
from core.initiatives import drafts
from core.initiatives.models import Initiative
from core.initiatives.rules import tracking_code
from core.members.models import Member
from tests.e2e.initiative_support import sent_initiative

# as in core/storage/migrations/versions/0005_ids_never_reused.py
TABLES = (
    "initiative",
    "initiative_attachment",
    "commendation",
    "campaign",
    "broadcast",
    "quiz",
    "identity",
    "webchat_message",
)


def test_a_discarded_newest_initiative_leaves_its_id_unused(runtime: Runtime) -> None:
    now = runtime.clock.now()
    with Session(runtime.engine) as session, session.begin():
        demo.load(session, now=now)
    with Session(runtime.engine) as session:
        member_id = session.exec(select(Member.id).where(Member.onboarded_at.is_not(None))).first()  # type: ignore[union-attr]
    assert member_id is not None
    first_id, first_code = sent_initiative(runtime, member_id)
    with Session(runtime.engine) as session, session.begin():
        member = session.get(Member, member_id)
        assert member is not None
        draft = drafts.start_draft(session, member=member, now=now)
        discarded = draft.id
        drafts.discard(session, draft=draft)
    assert discarded is not None and discarded > first_id
    second_id, second_code = sent_initiative(runtime, member_id, title="Khay chứa phoi")
    assert second_id > discarded
    assert second_code == tracking_code(now.year, second_id) != first_code
    with Session(runtime.engine) as session:
        assert session.get(Initiative, discarded) is None


def test_every_table_whose_ids_reach_people_never_reuses_them(engine: Engine) -> None:
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            for table in TABLES:
                sql = conn.execute(
                    text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :t"),
                    {"t": table},
                ).scalar_one()
                assert "AUTOINCREMENT" in sql, table
        else:
            for table in TABLES:
                default = conn.execute(
                    text("SELECT pg_get_serial_sequence(:t, 'id')"),
                    {"t": table},
                ).scalar_one()
                assert default is not None, table

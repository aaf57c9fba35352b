"""Issue 15's migrations re-create tables on SQLite (foreign keys, AUTOINCREMENT): every row
survives, including those whose foreign key says ON DELETE CASCADE to a re-created table."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from core.storage import migrate
from core.storage.engine import make_engine

BEFORE = (
    "0002_inbound_raw",
    "0002_initiatives",
    "0002_websignin",
    "0003_broadcast_finished",
    "0003_member_verified",
    "0003_outbox_possible_duplicates",
    "0003_quiz_campaign",
)
NOW = "'2026-11-25 09:00:00.000000'"
ROWS = [
    "INSERT INTO union_unit (id, parent_id, path, name, kind, created_at, join_mode)"
    f" VALUES (1, NULL, '/1/', 'CĐCS', 'grassroots_union', {NOW}, 'open')",
    "INSERT INTO member (id, unit_id, full_name, locale, joined_at)"
    f" VALUES (1, 1, 'Nguyễn Thị Lan', 'vi', {NOW})",
    "INSERT INTO identity (id, platform, platform_user_id, member_id, first_seen_at)"
    f" VALUES (1, 'telegram', '42', 1, {NOW})",
    "INSERT INTO outbox_message (id, identity_id, platform, body, proactive, status, attempts,"
    " next_attempt_at, dedupe_key, created_at, possible_duplicates)"
    f" VALUES (1, 1, 'telegram', '{{}}', 0, 'sent', 1, {NOW}, 'k1', {NOW}, 0)",
    "INSERT INTO initiative (id, code, unit_id, submitter_id, status, title, problem, solution,"
    " hide_name, folded, created_at, status_changed_at)"
    f" VALUES (1, 'SK-2026-000001', 1, 1, 'accepted', 't', 'p', 's', 0, '', {NOW}, {NOW})",
    "INSERT INTO initiative_author (initiative_id, member_id, position, share_vnd)"
    " VALUES (1, 1, 0, 1000000)",
    "INSERT INTO initiative_event (id, initiative_id, status, created_at)"
    f" VALUES (1, 1, 'accepted', {NOW})",
    "INSERT INTO points_ledger (id, member_id, unit_id, points, source, source_id, created_at)"
    f" VALUES (1, 1, 1, 16, 'initiative', 'i1', {NOW})",
]
COUNTED = (
    "identity",
    "outbox_message",
    "initiative",
    "initiative_author",
    "initiative_event",
    "points_ledger",
)


def test_rows_survive_the_sqlite_table_copies(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    for revision in BEFORE:
        migrate.upgrade(engine, revision)
    with engine.begin() as conn:
        for row in ROWS:
            conn.execute(text(row))
    migrate.upgrade(engine)
    with engine.connect() as conn:
        counts = {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in COUNTED}
        assert counts == dict.fromkeys(COUNTED, 1)
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        # AUTOINCREMENT: the newest initiative deleted, the next takes a new id
        conn.execute(text("DELETE FROM initiative_author"))
        conn.execute(text("DELETE FROM initiative_event"))
        conn.execute(text("DELETE FROM initiative"))
        conn.execute(
            text(
                "INSERT INTO initiative (unit_id, submitter_id, status, title, problem, solution,"
                f" hide_name, folded, created_at, status_changed_at)"
                f" VALUES (1, 1, 'draft', '', '', '', 0, '', {NOW}, {NOW})"
            )
        )
        assert conn.execute(text("SELECT max(id) FROM initiative")).scalar() == 2
        conn.rollback()
    engine.dispose()


def test_a_standing_showname_becomes_the_consent_to_the_name(tmp_path: Path) -> None:
    """0007: /showname said before consent per purpose is the `public_name` consent; a
    /hidename is not a consent."""
    engine = make_engine(f"sqlite:///{tmp_path / 'names.db'}")
    migrate.upgrade(engine, "0006_quiz_former_takers")
    with engine.begin() as conn:
        conn.execute(text(ROWS[0]))
        conn.execute(text(ROWS[1]))
        conn.execute(
            text(
                "INSERT INTO member (id, unit_id, full_name, locale, joined_at)"
                f" VALUES (2, 1, 'Trần Văn Hùng', 'vi', {NOW})"
            )
        )
        conn.execute(
            text(
                "INSERT INTO name_preference (member_id, show_name, updated_at)"
                f" VALUES (1, 1, {NOW}), (2, 0, {NOW})"
            )
        )
    migrate.upgrade(engine)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT member_id, purpose, withdrawn_at, wording FROM consent")
        ).all()
    assert [tuple(r) for r in rows] == [(1, "public_name", None, None)]

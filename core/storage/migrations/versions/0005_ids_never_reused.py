"""ids that are never handed out twice on SQLite: AUTOINCREMENT (issue 15)

Without it SQLite gives a new row the largest id + 1, so deleting the newest initiative (a
discarded draft) made the next one take its id, its tracking code and the buttons still in
officers' chats. PostgreSQL's sequences never go back: nothing to do there.

Revision ID: 0005_ids_never_reused
Revises: 0004_records_outlive_member
Create Date: 2026-12-03 04:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005_ids_never_reused"
down_revision: str | Sequence[str] | None = "0004_records_outlive_member"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Tables whose ids reach people (tracking codes, buttons, web chat polling) or other rows.
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


def _recreate(autoincrement: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in TABLES:
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
        ):
            pass


def upgrade() -> None:
    _recreate(True)


def downgrade() -> None:
    _recreate(False)

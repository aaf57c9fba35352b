"""broadcast.buttons: the buttons under an announcement (a quiz's «start» button, issue 19)

Revision ID: 0018_broadcast_buttons
Revises: 0017_report_evidence
Create Date: 2026-12-03 10:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018_broadcast_buttons"
down_revision: str | Sequence[str] | None = "0017_report_evidence"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("broadcast", sa.Column("buttons", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("broadcast") as batch:
        batch.drop_column("buttons")

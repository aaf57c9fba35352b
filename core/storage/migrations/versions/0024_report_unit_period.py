"""emulation reports by unit and period: a block's ranking reads its unions' figures for a
period in one query (a province's 60 blocks ranked in seconds; issue 17)

Revision ID: 0024_report_unit_period
Revises: 0023_evaluation_call
Create Date: 2026-12-03 14:25:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0024_report_unit_period"
down_revision: str | Sequence[str] | None = "0023_evaluation_call"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("emulation_report", schema=None) as batch_op:
        batch_op.create_index("ix_emulation_report_unit_period", ["unit_id", "period"])


def downgrade() -> None:
    with op.batch_alter_table("emulation_report", schema=None) as batch_op:
        batch_op.drop_index("ix_emulation_report_unit_period")

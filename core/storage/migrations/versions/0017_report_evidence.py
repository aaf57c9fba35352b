"""report evidence: an evidence photo's bytes fetched, checked and kept (issue 17)

Revision ID: 0017_report_evidence
Revises: 0016_group_chats
Create Date: 2026-12-03 10:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_report_evidence"
down_revision: str | Sequence[str] | None = "0016_group_chats"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("emulation_report", schema=None) as batch_op:
        batch_op.add_column(sa.Column("evidence_status", sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column("evidence_path", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("evidence_sha256", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("evidence_problem", sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("emulation_report", schema=None) as batch_op:
        batch_op.drop_column("evidence_problem")
        batch_op.drop_column("evidence_sha256")
        batch_op.drop_column("evidence_path")
        batch_op.drop_column("evidence_status")

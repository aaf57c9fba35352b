"""a quiz may belong to a campaign (issue 7 on issue 6)

Revision ID: 0003_quiz_campaign
Revises: 0002_quizzes, 0002_campaigns
Create Date: 2026-11-25 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_quiz_campaign"
# Both branches below: the quiz table and the campaign table it points to. (With only
# `depends_on`, 0002_campaigns would stay a separate head in the version table.)
down_revision: str | Sequence[str] | None = ("0002_quizzes", "0002_campaigns")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("quiz") as batch:
        batch.add_column(sa.Column("campaign_id", sa.Integer(), nullable=True))
        batch.create_index("ix_quiz_campaign_id", ["campaign_id"])
        batch.create_foreign_key(
            "fk_quiz_campaign_id", "campaign", ["campaign_id"], ["id"], ondelete="SET NULL"
        )


def downgrade() -> None:
    with op.batch_alter_table("quiz") as batch:
        batch.drop_constraint("fk_quiz_campaign_id", type_="foreignkey")
        batch.drop_index("ix_quiz_campaign_id")
        batch.drop_column("campaign_id")

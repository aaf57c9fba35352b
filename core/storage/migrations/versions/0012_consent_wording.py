"""consent per purpose: each consent row records the version of the text agreed to (issue 15)

Rows given before this revision have none: they were given to the text of the time, which
asked for taking part and announcements with one tap. A standing /showname becomes the
consent to the name beyond one's union (a purpose of its own from now on).

Revision ID: 0012_consent_wording
Revises: 0011_broadcast_fallback
Create Date: 2026-12-03 07:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_consent_wording"
down_revision: str | Sequence[str] | None = "0011_broadcast_fallback"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("consent") as batch:
        batch.add_column(sa.Column("wording", sa.String(length=16), nullable=True))
    # /showname said before this revision is the consent to the name beyond one's union
    op.execute(
        "INSERT INTO consent (member_id, purpose, granted_at, withdrawn_at, wording) "
        "SELECT member_id, 'public_name', updated_at, NULL, NULL FROM name_preference "
        "WHERE show_name"
    )


def downgrade() -> None:
    op.execute("DELETE FROM consent WHERE purpose = 'public_name'")
    with op.batch_alter_table("consent") as batch:
        batch.drop_column("wording")

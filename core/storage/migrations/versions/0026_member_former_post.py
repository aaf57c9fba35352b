"""the officer post a member held when they used /forget (`member.former_post`), so that their
decisions stay attributed to their post (issue 15)

Revision ID: 0026_member_former_post
Revises: 0025_member_change_why
Create Date: 2026-12-03 16:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026_member_former_post"
down_revision: str | Sequence[str] | None = "0025_member_change_why"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.add_column(sa.Column("former_post", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.drop_column("former_post")

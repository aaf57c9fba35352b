"""a quiz counts one attempt per person after /forget and rejoining; ranks among current
members only (issue 15)

`quiz_former_taker` keeps, until the quiz closes, the attempts of a person who sent /forget
under a keyed hash of the quiz and their messenger account; `app_secret` holds the key when
the operator set no THIDUA_PRIVACY_KEY. Members forgotten before this revision leave the
score histograms (their scores stay, for the units' totals).

Revision ID: 0006_quiz_former_takers
Revises: 0005_ids_never_reused
Create Date: 2026-12-03 06:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from core.storage.types import UTCDateTime

revision: str = "0006_quiz_former_takers"
down_revision: str | Sequence[str] | None = "0005_ids_never_reused"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BAND = 128  # core/points/rules.py


def upgrade() -> None:
    op.create_table(
        "app_secret",
        sa.Column("name", sa.String(length=32), primary_key=True),
        sa.Column("value", sa.String(length=128), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "quiz_former_taker",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "quiz_id", sa.Integer(), sa.ForeignKey("quiz.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("taker", sa.String(length=64), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.UniqueConstraint("quiz_id", "taker", name="uq_quiz_former_taker"),
    )
    _unrank_forgotten()


def _unrank_forgotten() -> None:
    """Each score of an already forgotten member taken out of the histogram (level 0: the
    exact score, level 1: its band)."""
    connection = op.get_bind()
    held = connection.execute(
        sa.text(
            "SELECT s.scope, s.points FROM member_score s JOIN member m ON m.id = s.member_id "
            "WHERE m.forgotten_at IS NOT NULL"
        )
    ).all()
    for scope, points in held:
        for level, key in ((0, points), (1, points // BAND)):
            connection.execute(
                sa.text(
                    "UPDATE score_histogram SET members = members - 1 "
                    "WHERE scope = :scope AND level = :level AND key = :key"
                ),
                {"scope": scope, "level": level, "key": key},
            )


def downgrade() -> None:
    op.drop_table("quiz_former_taker")
    op.drop_table("app_secret")

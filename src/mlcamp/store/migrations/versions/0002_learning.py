"""Learning: the optional-topics preference, review cards and logs, assessments.

Revision ID: 0002_learning
Revises: 0001_initial
Create Date: 2025-11-26

Written by hand to match mlcamp.store.models; tests/test_store.py proves they agree. Like 0001 this
is a frozen snapshot: it never imports the models. Existing learners get ``include_optional`` true
through the column's server default.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0002_learning"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RECOMMENDED_BACKGROUND = "recommended_background IN ('beginner', 'math-stats', 'software-engineer')"


def _timestamp(name: str) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def _learner_id(table: str) -> sa.Column[int]:
    return sa.Column(
        "learner_id",
        sa.Integer(),
        sa.ForeignKey(
            "learners.id", name=op.f(f"fk_{table}_learner_id_learners"), ondelete="CASCADE"
        ),
        nullable=False,
    )


def upgrade() -> None:
    """Add ``learners.include_optional`` and the review and assessment tables."""
    # A plain ALTER TABLE, not a batch rebuild: on SQLite rebuilding ``learners`` would drop the
    # old table, which deletes every learner's data through ON DELETE CASCADE when foreign keys
    # are enforced (as they are when a developer runs Alembic by hand).
    op.add_column(
        "learners",
        sa.Column("include_optional", sa.Boolean(), server_default=sa.true(), nullable=False),
    )

    op.create_table(
        "review_cards",
        sa.Column("id", sa.Integer(), nullable=False),
        _learner_id("review_cards"),
        sa.Column("card_id", sa.String(200), nullable=False),
        sa.Column("topic_id", sa.String(200), nullable=False),
        sa.Column("state_json", sa.Text(), nullable=False),
        _timestamp("due"),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_cards")),
        sa.UniqueConstraint(
            "learner_id", "card_id", name=op.f("uq_review_cards_learner_id_card_id")
        ),
    )
    op.create_index(op.f("ix_review_cards_learner_id_due"), "review_cards", ["learner_id", "due"])

    op.create_table(
        "review_logs",
        sa.Column("id", sa.Integer(), nullable=False),
        _learner_id("review_logs"),
        sa.Column("card_id", sa.String(200), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        _timestamp("reviewed_at"),
        sa.Column("duration_seconds", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_logs")),
        sa.CheckConstraint("rating >= 1 AND rating <= 4", name=op.f("ck_review_logs_rating")),
        sa.CheckConstraint(
            "duration_seconds IS NULL OR duration_seconds >= 0",
            name=op.f("ck_review_logs_duration"),
        ),
    )
    op.create_index(
        op.f("ix_review_logs_learner_id_card_id_reviewed_at"),
        "review_logs",
        ["learner_id", "card_id", "reviewed_at"],
    )

    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        _learner_id("assessments"),
        _timestamp("taken_at"),
        sa.Column("results_json", sa.Text(), nullable=False),
        sa.Column("recommended_background", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessments")),
        sa.CheckConstraint(RECOMMENDED_BACKGROUND, name=op.f("ck_assessments_background")),
    )
    op.create_index(
        op.f("ix_assessments_learner_id_taken_at"), "assessments", ["learner_id", "taken_at"]
    )


def downgrade() -> None:
    """Drop the new tables and column (their data is lost)."""
    op.drop_index(op.f("ix_assessments_learner_id_taken_at"), table_name="assessments")
    op.drop_table("assessments")
    op.drop_index(op.f("ix_review_logs_learner_id_card_id_reviewed_at"), table_name="review_logs")
    op.drop_table("review_logs")
    op.drop_index(op.f("ix_review_cards_learner_id_due"), table_name="review_cards")
    op.drop_table("review_cards")
    op.drop_column("learners", "include_optional")  # native on SQLite >= 3.35, no rebuild

"""Reported milestones: the learner's own record of milestones only they can attest.

Revision ID: 0003_reported_milestones
Revises: 0002_learning
Create Date: 2026-12-01

Written by hand to match mlcamp.store.models; tests/test_store.py proves they agree. A frozen
snapshot: it never imports the models.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_reported_milestones"
down_revision: str | None = "0002_learning"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the ``reported_milestones`` table."""
    op.create_table(
        "reported_milestones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "learner_id",
            sa.Integer(),
            sa.ForeignKey(
                "learners.id",
                name=op.f("fk_reported_milestones_learner_id_learners"),
                ondelete="CASCADE",
            ),
            nullable=False,
        ),
        sa.Column("milestone_id", sa.String(200), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reported_milestones")),
        sa.UniqueConstraint(
            "learner_id",
            "milestone_id",
            name=op.f("uq_reported_milestones_learner_id_milestone_id"),
        ),
    )


def downgrade() -> None:
    """Drop the table (its data is lost)."""
    op.drop_table("reported_milestones")

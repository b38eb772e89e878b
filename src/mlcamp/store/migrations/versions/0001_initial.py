"""Initial schema: learners, topic status and history, lab attempts and events, plans.

Revision ID: 0001_initial
Revises:
Create Date: 2025-11-25

Written by hand to match mlcamp.store.models; tests/test_store.py proves they agree. Constraint
names are final (wrapped in ``op.f``), so the naming convention is not applied twice. Migrations
are frozen snapshots: they never import the models, so later model changes cannot alter them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0001_initial"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BACKGROUND = "background IN ('beginner', 'math-stats', 'software-engineer')"
SPECIALIZATION = "specialization IS NULL OR specialization IN ('cv', 'nlp', 'time-series')"
STATE = "state IN ('not-started', 'learning', 'done', 'skipped', 'placed-out')"
EVIDENCE = "evidence IS NULL OR evidence IN ('lab-passed', 'quiz-passed', 'self-reported')"
LAB_STATUS = "status IN ('pass', 'fail', 'error')"
LAB_EVENT_KIND = "kind IN ('hint', 'solution')"
PLAN_ITEM_KIND = "kind IN ('topic', 'lab', 'review')"


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
    """Create every table."""
    op.create_table(
        "learners",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("background", sa.String(32), nullable=False),
        sa.Column("hours_per_week", sa.Float(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("target_date", sa.Date(), nullable=True),
        sa.Column("specialization", sa.String(32), nullable=True),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learners")),
        sa.UniqueConstraint("name", name=op.f("uq_learners_name")),
        sa.CheckConstraint(BACKGROUND, name=op.f("ck_learners_background")),
        sa.CheckConstraint(SPECIALIZATION, name=op.f("ck_learners_spec")),
        sa.CheckConstraint(
            "hours_per_week > 0 AND hours_per_week <= 168", name=op.f("ck_learners_hours")
        ),
        sa.CheckConstraint(
            "target_date IS NULL OR target_date >= start_date", name=op.f("ck_learners_dates")
        ),
    )

    op.create_table(
        "topic_statuses",
        sa.Column("id", sa.Integer(), nullable=False),
        _learner_id("topic_statuses"),
        sa.Column("topic_id", sa.String(200), nullable=False),
        sa.Column("state", sa.String(32), nullable=False),
        sa.Column("evidence", sa.String(32), nullable=True),
        sa.Column("evidence_ref", sa.String(200), nullable=True),
        _timestamp("updated_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_topic_statuses")),
        sa.UniqueConstraint(
            "learner_id", "topic_id", name=op.f("uq_topic_statuses_learner_id_topic_id")
        ),
        sa.CheckConstraint(STATE, name=op.f("ck_topic_statuses_state")),
        sa.CheckConstraint(EVIDENCE, name=op.f("ck_topic_statuses_evidence")),
    )

    op.create_table(
        "topic_events",
        sa.Column("id", sa.Integer(), nullable=False),
        _learner_id("topic_events"),
        sa.Column("topic_id", sa.String(200), nullable=False),
        sa.Column("state", sa.String(32), nullable=False),
        sa.Column("evidence", sa.String(32), nullable=True),
        sa.Column("evidence_ref", sa.String(200), nullable=True),
        _timestamp("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_topic_events")),
        sa.CheckConstraint(STATE, name=op.f("ck_topic_events_state")),
        sa.CheckConstraint(EVIDENCE, name=op.f("ck_topic_events_evidence")),
    )
    op.create_index(
        op.f("ix_topic_events_learner_id_topic_id"), "topic_events", ["learner_id", "topic_id"]
    )
    op.create_index(
        op.f("ix_topic_events_learner_id_created_at"), "topic_events", ["learner_id", "created_at"]
    )

    op.create_table(
        "lab_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        _learner_id("lab_attempts"),
        sa.Column("lab_id", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("report_json", sa.Text(), nullable=False),
        sa.Column("code_sha256", sa.String(64), nullable=True),
        _timestamp("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lab_attempts")),
        sa.CheckConstraint(LAB_STATUS, name=op.f("ck_lab_attempts_status")),
        sa.CheckConstraint("score >= 0 AND score <= 1", name=op.f("ck_lab_attempts_score")),
    )
    op.create_index(
        op.f("ix_lab_attempts_learner_id_lab_id_created_at"),
        "lab_attempts",
        ["learner_id", "lab_id", "created_at"],
    )

    op.create_table(
        "lab_events",
        sa.Column("id", sa.Integer(), nullable=False),
        _learner_id("lab_events"),
        sa.Column("lab_id", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("detail", sa.String(200), nullable=True),
        sa.Column("forced", sa.Boolean(), nullable=False),
        _timestamp("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lab_events")),
        sa.CheckConstraint(LAB_EVENT_KIND, name=op.f("ck_lab_events_kind")),
    )
    op.create_index(
        op.f("ix_lab_events_learner_id_lab_id_kind"), "lab_events", ["learner_id", "lab_id", "kind"]
    )

    op.create_table(
        "plans",
        sa.Column("id", sa.Integer(), nullable=False),
        _learner_id("plans"),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        _timestamp("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans")),
        sa.UniqueConstraint("learner_id", "sequence", name=op.f("uq_plans_learner_id_sequence")),
        sa.CheckConstraint("end_date >= start_date", name=op.f("ck_plans_dates")),
        sa.CheckConstraint("sequence >= 1", name=op.f("ck_plans_sequence")),
    )

    op.create_table(
        "plan_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "plan_id",
            sa.Integer(),
            sa.ForeignKey("plans.id", name=op.f("fk_plan_items_plan_id_plans"), ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("ref_id", sa.String(200), nullable=False),
        sa.Column("hours", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_items")),
        sa.UniqueConstraint(
            "plan_id",
            "week_start",
            "position",
            name=op.f("uq_plan_items_plan_id_week_start_position"),
        ),
        sa.CheckConstraint(PLAN_ITEM_KIND, name=op.f("ck_plan_items_kind")),
        sa.CheckConstraint("hours >= 0", name=op.f("ck_plan_items_hours")),
    )


def downgrade() -> None:
    """Drop every table (children first)."""
    op.drop_table("plan_items")
    op.drop_table("plans")
    op.drop_index(op.f("ix_lab_events_learner_id_lab_id_kind"), table_name="lab_events")
    op.drop_table("lab_events")
    op.drop_index(op.f("ix_lab_attempts_learner_id_lab_id_created_at"), table_name="lab_attempts")
    op.drop_table("lab_attempts")
    op.drop_index(op.f("ix_topic_events_learner_id_created_at"), table_name="topic_events")
    op.drop_index(op.f("ix_topic_events_learner_id_topic_id"), table_name="topic_events")
    op.drop_table("topic_events")
    op.drop_table("topic_statuses")
    op.drop_table("learners")

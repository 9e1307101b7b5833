"""Training plans: modules, per-person plan lines, buddies, shadowing sessions, risk notes.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_TS = sa.DateTime(timezone=True)
HOURS = sa.Numeric(8, 2)
TABLES = ("training_risk_notes", "shadowing_sessions", "training_buddies", "training_plan_lines",
          "training_modules")  # fmt: skip


def upgrade() -> None:
    op.create_table(
        "training_modules",
        sa.Column("id", BIG_ID, primary_key=True),
        sa.Column("title", sa.String(200), nullable=False, unique=True),
        sa.Column("area", sa.String(60), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("expected_hours", HOURS, nullable=False),
        sa.Column("skills", sa.Text()),
        sa.Column("grants_level", sa.Integer()),
        sa.Column("sop_refs", sa.Text()),
        sa.Column("created_by", sa.String(40), nullable=False),
        sa.Column("created_at", UTC_TS, nullable=False),
    )
    op.create_table(
        "training_plan_lines",
        sa.Column("id", BIG_ID, primary_key=True),
        sa.Column("person", sa.String(40), nullable=False),
        sa.Column("module_id", BIG_ID, sa.ForeignKey("training_modules.id"), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("hours_done", HOURS, nullable=False),
        sa.Column("completed_on", sa.Date()),
        sa.Column("evidence", sa.Text()),
        sa.Column("updated_by", sa.String(40), nullable=False),
        sa.Column("updated_at", UTC_TS, nullable=False),
        sa.UniqueConstraint("person", "module_id", name="uq_training_plan_line"),
    )
    op.create_index("ix_training_plan_lines_person", "training_plan_lines", ["person"])
    op.create_index("ix_training_plan_lines_module_id", "training_plan_lines", ["module_id"])
    op.create_table(
        "training_buddies",
        sa.Column("id", BIG_ID, primary_key=True),
        sa.Column("person", sa.String(40), nullable=False, unique=True),
        sa.Column("buddy", sa.String(40), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("assigned_by", sa.String(40), nullable=False),
        sa.Column("assigned_at", UTC_TS, nullable=False),
    )
    op.create_index("ix_training_buddies_buddy", "training_buddies", ["buddy"])
    op.create_table(
        "shadowing_sessions",
        sa.Column("id", BIG_ID, primary_key=True),
        sa.Column("person", sa.String(40), nullable=False),
        sa.Column("buddy", sa.String(40), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("hours", HOURS, nullable=False),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("notes", sa.Text()),
        sa.Column("plan_line_id", BIG_ID, sa.ForeignKey("training_plan_lines.id", ondelete="SET NULL")),
        sa.Column("logged_by", sa.String(40), nullable=False),
        sa.Column("logged_at", UTC_TS, nullable=False),
    )
    op.create_index("ix_shadowing_sessions_person", "shadowing_sessions", ["person"])
    op.create_index("ix_shadowing_sessions_plan_line_id", "shadowing_sessions", ["plan_line_id"])
    op.create_table(
        "training_risk_notes",
        sa.Column("id", BIG_ID, primary_key=True),
        sa.Column(
            "plan_line_id",
            BIG_ID,
            sa.ForeignKey("training_plan_lines.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("author", sa.String(40), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", UTC_TS, nullable=False),
    )
    op.create_index("ix_training_risk_notes_plan_line_id", "training_risk_notes", ["plan_line_id"])


def downgrade() -> None:
    for table in TABLES:
        op.drop_table(table)

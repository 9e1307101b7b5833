"""Four-eyes approvals: requests to approve, and each person's approval limit per kind.

``approval_requests`` holds one request (a write-off, legal handover, payment plan, refund, SOP
version or report sign-off) with its amount in integer cents (or none), who asked and who
decided. ``approval_limits`` says up to which amount (``NULL``: unlimited) a person may approve
requests of one kind, in one currency; one row per person and kind.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

#: Surrogate keys: BIGINT on PostgreSQL, INTEGER on SQLite (so the column is the rowid alias).
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "approval_requests",
        sa.Column("id", BIG_ID, primary_key=True),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(3), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("requested_by", sa.String(40), nullable=False),
        sa.Column("requested_at", UTC_TS, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("decided_by", sa.String(40), nullable=True),
        sa.Column("decided_at", UTC_TS, nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'approved', 'rejected', 'withdrawn')", name="ck_approval_requests_status"
        ),
    )
    op.create_index("ix_approval_requests_status", "approval_requests", ["status"])
    op.create_index("ix_approval_requests_requested_by", "approval_requests", ["requested_by"])
    op.create_index("ix_approval_requests_subject", "approval_requests", ["subject"])

    op.create_table(
        "approval_limits",
        sa.Column("id", BIG_ID, primary_key=True),
        sa.Column("username", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("max_amount_cents", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(3), nullable=True),
        sa.Column("set_by", sa.String(40), nullable=False),
        sa.Column("set_at", UTC_TS, nullable=False),
        sa.UniqueConstraint("username", "kind", name="uq_approval_limit_user_kind"),
    )


def downgrade() -> None:
    op.drop_table("approval_limits")
    op.drop_index("ix_approval_requests_subject", table_name="approval_requests")
    op.drop_index("ix_approval_requests_requested_by", table_name="approval_requests")
    op.drop_index("ix_approval_requests_status", table_name="approval_requests")
    op.drop_table("approval_requests")

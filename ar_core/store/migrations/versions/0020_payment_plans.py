"""Payment plans: proposals, their items and instalments.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_TS = sa.DateTime(timezone=True)


def _id() -> sa.Column:
    return sa.Column("id", BIG_ID, primary_key=True)


def upgrade() -> None:
    op.create_table(
        "payment_plans",
        _id(),
        sa.Column("customer_id", sa.String(40), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("debt_cents", sa.BigInteger(), nullable=False),
        sa.Column("down_payment_cents", sa.BigInteger(), nullable=False),
        sa.Column("fee_cents", sa.BigInteger(), nullable=False),
        sa.Column("interest_cents", sa.BigInteger(), nullable=False),
        sa.Column("interest_bp", sa.Integer(), nullable=False),
        sa.Column("frequency", sa.String(10), nullable=False),
        sa.Column("instalment_count", sa.Integer(), nullable=False),
        sa.Column("first_due", sa.Date(), nullable=False),
        sa.Column("country", sa.String(2)),
        sa.Column("note", sa.Text()),
        sa.Column("snapshot_id", BIG_ID, sa.ForeignKey("snapshots.id", ondelete="SET NULL")),
        sa.Column("snapshot_as_of", sa.Date(), nullable=False),
        sa.Column("approval_request_id", BIG_ID, sa.ForeignKey("approval_requests.id")),
        sa.Column("proposed_by", sa.String(40), nullable=False),
        sa.Column("proposed_at", UTC_TS, nullable=False),
        sa.Column("approved_by", sa.String(40)),
        sa.Column("approved_at", UTC_TS),
        sa.Column("status_decided_on", sa.Date()),
        sa.Column("closed_by", sa.String(40)),
        sa.Column("closed_at", UTC_TS),
        sa.Column("close_note", sa.Text()),
    )
    op.create_index("ix_payment_plans_customer_id", "payment_plans", ["customer_id"])
    op.create_index("ix_payment_plans_status", "payment_plans", ["status"])
    op.create_table(
        "payment_plan_items",
        _id(),
        sa.Column("plan_id", BIG_ID, sa.ForeignKey("payment_plans.id", ondelete="CASCADE"), nullable=False),
        sa.Column("item_key", sa.String(120), nullable=False),
        sa.Column("doc_no", sa.String(40), nullable=False),
        sa.Column("due_date", sa.Date()),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_payment_plan_items_plan_id", "payment_plan_items", ["plan_id"])
    op.create_index("ix_payment_plan_items_item_key", "payment_plan_items", ["item_key"])
    op.create_table(
        "payment_plan_instalments",
        _id(),
        sa.Column("plan_id", BIG_ID, sa.ForeignKey("payment_plans.id", ondelete="CASCADE"), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("covered_on", sa.Date()),
        sa.UniqueConstraint("plan_id", "seq", name="uq_payment_plan_instalments_seq"),
    )
    op.create_index("ix_payment_plan_instalments_plan_id", "payment_plan_instalments", ["plan_id"])


def downgrade() -> None:
    op.drop_table("payment_plan_instalments")
    op.drop_table("payment_plan_items")
    op.drop_table("payment_plans")

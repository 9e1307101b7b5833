"""Dunning: procedures per company code, blocks, runs with their letters and AR Desk's dunning levels.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "dunning_procedures",
        sa.Column("company_code", sa.String(10), primary_key=True),
        sa.Column("level_days", sa.String(60), nullable=False),
        sa.Column("min_amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("min_days_between", sa.Integer(), nullable=False),
        sa.Column("blocks", sa.String(200), nullable=False),
        sa.Column("updated_by", sa.String(40), nullable=False),
        sa.Column("updated_at", UTC_TS, nullable=False),
    )
    op.create_table(
        "dunning_blocks",
        sa.Column("id", BIG_ID, primary_key=True),
        sa.Column("customer_id", sa.String(40), nullable=False, index=True),
        sa.Column("item_key", sa.String(120), nullable=True),
        sa.Column("doc_no", sa.String(40), nullable=True),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("created_by", sa.String(40), nullable=False),
        sa.Column("created_at", UTC_TS, nullable=False),
        sa.Column("lifted_by", sa.String(40), nullable=True),
        sa.Column("lifted_at", UTC_TS, nullable=True),
        sa.Column("lift_note", sa.Text(), nullable=True),
    )
    op.create_table(
        "dunning_runs",
        sa.Column("id", BIG_ID, primary_key=True),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("snapshot_id", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_by", sa.String(40), nullable=False),
        sa.Column("created_at", UTC_TS, nullable=False),
        sa.Column("released_by", sa.String(40), nullable=True),
        sa.Column("released_at", UTC_TS, nullable=True),
        sa.Column("letter_date", sa.Date(), nullable=True),
    )
    op.create_table(
        "dunning_letters",
        sa.Column("id", BIG_ID, primary_key=True),
        sa.Column(
            "run_id", BIG_ID, sa.ForeignKey("dunning_runs.id", ondelete="CASCADE"), nullable=False, index=True
        ),
        sa.Column("customer_id", sa.String(40), nullable=False, index=True),
        sa.Column("company_code", sa.String(10), nullable=True),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("language", sa.String(5), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("open_cents", sa.BigInteger(), nullable=False),
        sa.Column("credits_cents", sa.BigInteger(), nullable=False),
        sa.Column("interest_cents", sa.BigInteger(), nullable=False),
        sa.Column("compensation_cents", sa.BigInteger(), nullable=False),
        sa.Column("total_cents", sa.BigInteger(), nullable=False),
        sa.Column("removed_reason", sa.Text(), nullable=True),
        sa.Column("removed_by", sa.String(40), nullable=True),
        sa.Column("context_json", sa.Text(), nullable=True),
        sa.Column("contact_id", sa.BigInteger(), nullable=True),
    )
    op.create_table(
        "dunning_lines",
        sa.Column("id", BIG_ID, primary_key=True),
        sa.Column(
            "letter_id",
            BIG_ID,
            sa.ForeignKey("dunning_letters.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("item_key", sa.String(120), nullable=False, index=True),
        sa.Column("doc_no", sa.String(40), nullable=False),
        sa.Column("doc_date", sa.Date(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("days_overdue", sa.Integer(), nullable=False),
        sa.Column("interest_cents", sa.BigInteger(), nullable=False),
        sa.Column("is_credit", sa.Boolean(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("previous_level", sa.Integer(), nullable=False),
        sa.Column("removed_reason", sa.Text(), nullable=True),
        sa.Column("removed_by", sa.String(40), nullable=True),
    )


def downgrade() -> None:
    for table in ("dunning_lines", "dunning_letters", "dunning_runs", "dunning_blocks", "dunning_procedures"):
        op.drop_table(table)

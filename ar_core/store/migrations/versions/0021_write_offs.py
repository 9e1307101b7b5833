"""Legal handover and write-off requests with their items.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "write_off_requests",
        sa.Column("id", BIG_ID, primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("customer_id", sa.String(40), nullable=False),
        sa.Column("customer_name", sa.String(200)),
        sa.Column("collector", sa.String(40)),
        sa.Column("reason", sa.String(30), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("snapshot_id", BIG_ID, nullable=False),
        sa.Column("snapshot_as_of", sa.Date(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("approval_request_id", BIG_ID),
        sa.Column("requested_by", sa.String(40), nullable=False),
        sa.Column("requested_at", UTC_TS, nullable=False),
        sa.Column("decided_by", sa.String(40)),
        sa.Column("decided_at", UTC_TS),
    )
    op.create_index("ix_write_off_requests_customer_id", "write_off_requests", ["customer_id"])
    op.create_index(
        "ix_write_off_requests_approval_request_id", "write_off_requests", ["approval_request_id"]
    )
    op.create_table(
        "write_off_items",
        sa.Column("id", BIG_ID, primary_key=True),
        sa.Column(
            "request_id",
            BIG_ID,
            sa.ForeignKey("write_off_requests.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("item_key", sa.String(120), nullable=False),
        sa.Column("company_code", sa.String(10)),
        sa.Column("fiscal_year", sa.Integer()),
        sa.Column("doc_no", sa.String(40), nullable=False),
        sa.Column("line_item", sa.Integer()),
        sa.Column("doc_type", sa.String(10)),
        sa.Column("doc_date", sa.Date()),
        sa.Column("due_date", sa.Date()),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("reference", sa.String(100)),
        sa.Column("dunning_level", sa.Integer()),
    )
    op.create_index("ix_write_off_items_request_id", "write_off_items", ["request_id"])
    op.create_index("ix_write_off_items_item_key", "write_off_items", ["item_key"])


def downgrade() -> None:
    op.drop_table("write_off_items")
    op.drop_table("write_off_requests")

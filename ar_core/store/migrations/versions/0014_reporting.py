"""Reports: every produced report workbook with its hash and sign-off.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "report_runs",
        sa.Column("id", BIG_ID, primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("layout", sa.String(120), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("snapshot_id", sa.BigInteger()),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("checks_ok", sa.Boolean(), nullable=False),
        sa.Column("produced_by", sa.String(40), nullable=False),
        sa.Column("produced_at", UTC_TS, nullable=False),
        sa.Column("prepared_by", sa.String(40)),
        sa.Column("prepared_at", UTC_TS),
        sa.Column("reviewed_by", sa.String(40)),
        sa.Column("reviewed_at", UTC_TS),
        sa.Column("approval_request_id", sa.BigInteger()),
    )


def downgrade() -> None:
    op.drop_table("report_runs")

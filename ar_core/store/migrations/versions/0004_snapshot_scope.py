"""Snapshot scopes and soft removal, file totals, customer provenance, first-login password change.

A snapshot covers a scope (the whole ledger or some company codes / customers); removal retires a
snapshot instead of deleting its items; each change to a customer is kept with its source so that
removing the snapshot that made it can undo it. Existing snapshots were taken as the whole ledger.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_TS = sa.DateTime(timezone=True)
FULL_SCOPE = '{"full": true}'


def upgrade() -> None:
    bind = op.get_bind()
    # the unique file hash becomes unique among snapshots still in force (a retired file may return)
    if bind.dialect.name == "postgresql":
        op.drop_constraint("snapshots_file_hash_key", "snapshots", type_="unique")
    # SQLite: rebuild from the table as 0001 made it, minus the unnamed UNIQUE on file_hash
    copy_from = _snapshots_0001() if bind.dialect.name == "sqlite" else None
    with op.batch_alter_table(
        "snapshots", copy_from=copy_from, recreate="always" if copy_from is not None else "auto"
    ) as batch:
        batch.add_column(sa.Column("scope", sa.Text(), nullable=False, server_default=FULL_SCOPE))
        batch.add_column(sa.Column("retired_at", UTC_TS))
        batch.add_column(sa.Column("retired_by", sa.String(40)))
        batch.add_column(sa.Column("retire_reason", sa.Text()))
    op.create_index(
        "uq_snapshots_active_file_hash", "snapshots", ["file_hash"], unique=True,
        sqlite_where=sa.text("retired_at IS NULL"), postgresql_where=sa.text("retired_at IS NULL"),
    )  # fmt: skip
    with op.batch_alter_table("snapshot_totals") as batch:
        batch.add_column(sa.Column("file_total_cents", sa.BigInteger()))
    with op.batch_alter_table("customers") as batch:
        batch.add_column(sa.Column("credit_limit_currency", sa.String(3)))
        batch.add_column(sa.Column("created_by_snapshot_id", BIG_ID))
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("must_change_password", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("promises") as batch:
        batch.add_column(sa.Column("cancelled_at", UTC_TS))
        batch.add_column(sa.Column("cancelled_by", sa.String(40)))
        batch.add_column(sa.Column("cancel_reason", sa.Text()))
    op.create_table(
        "customer_changes",
        sa.Column("id", BIG_ID, primary_key=True),
        sa.Column("customer_id", sa.String(40), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("snapshot_id", BIG_ID),
        sa.Column("created", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("before", sa.Text()),
        sa.Column("after", sa.Text()),
        sa.Column("changed_by", sa.String(40), nullable=False),
        sa.Column("changed_at", UTC_TS, nullable=False),
    )
    op.create_index("ix_customer_changes_snapshot_id", "customer_changes", ["snapshot_id"])
    op.create_index("ix_customer_changes_customer_id", "customer_changes", ["customer_id"])


def _snapshots_0001() -> sa.Table:
    return sa.Table(
        "snapshots",
        sa.MetaData(),
        sa.Column("id", BIG_ID, primary_key=True),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("file_hash", sa.String(64), nullable=False),
        sa.Column("source_format", sa.String(200), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("customers", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(40), nullable=False),
        sa.Column("created_at", UTC_TS, nullable=False),
        sa.Index("ix_snapshots_as_of", "as_of"),
    )


def downgrade() -> None:
    op.drop_index("ix_customer_changes_customer_id", "customer_changes")
    op.drop_index("ix_customer_changes_snapshot_id", "customer_changes")
    op.drop_table("customer_changes")
    with op.batch_alter_table("promises") as batch:
        for col in ("cancel_reason", "cancelled_by", "cancelled_at"):
            batch.drop_column(col)
    with op.batch_alter_table("users") as batch:
        batch.drop_column("must_change_password")
    with op.batch_alter_table("customers") as batch:
        batch.drop_column("created_by_snapshot_id")
        batch.drop_column("credit_limit_currency")
    with op.batch_alter_table("snapshot_totals") as batch:
        batch.drop_column("file_total_cents")
    op.drop_index("uq_snapshots_active_file_hash", "snapshots")
    op.execute("DELETE FROM snapshots WHERE retired_at IS NOT NULL")
    with op.batch_alter_table("snapshots") as batch:
        for col in ("retire_reason", "retired_by", "retired_at", "scope"):
            batch.drop_column(col)
        batch.create_unique_constraint("snapshots_file_hash_key", ["file_hash"])

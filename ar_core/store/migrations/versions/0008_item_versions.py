"""Item versions: each distinct item content stored once; a snapshot is a bitmap over versions.

``version_blocks`` holds item versions as immutable zstd Parquet blocks, ``snapshot_members`` per
snapshot and chunk of version ids the membership bitmap and the members' source rows (see
``ar_core.store.bulk``). The upgrade converts the ``open_items`` rows of every snapshot (retired
ones too), in as-of order, so each snapshot is matched to the versions of the one before and an
unchanged item is stored once; then ``open_items`` is dropped. The downgrade writes the rows back.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

from __future__ import annotations

import polars as pl
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    from ar_core.store import bulk

    op.create_table(
        "version_blocks",
        sa.Column("id", BIG_ID, primary_key=True),
        sa.Column("first_id", sa.BigInteger(), nullable=False, unique=True),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("min_customer", sa.String(40), nullable=False),
        sa.Column("max_customer", sa.String(40), nullable=False),
        sa.Column("company_codes", sa.Text(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
    )
    op.create_index("ix_version_blocks_customer", "version_blocks", ["min_customer", "max_customer"])
    op.create_table(
        "snapshot_members",
        sa.Column("snapshot_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                  sa.ForeignKey("snapshots.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("chunk", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("bitmap", sa.LargeBinary(), nullable=False),
        sa.Column("source_rows", sa.LargeBinary(), nullable=False),
    )  # fmt: skip
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":  # already compressed: no second pglz attempt
        conn.exec_driver_sql("ALTER TABLE version_blocks ALTER data SET STORAGE EXTERNAL")
    snapshots = conn.execute(sa.text("SELECT id FROM snapshots ORDER BY as_of, id")).scalars().all()
    # item columns added after open_items was dropped (dispute_case) are not in an 0007 table: null
    existing = {c["name"] for c in sa.inspect(conn).get_columns("open_items")}
    columns = ", ".join(c for c in bulk.STORE_COLUMNS[1:] if c in existing)
    for sid in snapshots:
        query = sa.text(f"SELECT {columns} FROM open_items WHERE snapshot_id = :s ORDER BY customer_id, id")
        rows = pl.read_database(query.bindparams(s=sid), connection=conn, infer_schema_length=None)
        if rows.is_empty():
            continue
        rows = rows.with_columns(pl.lit(None).alias(c) for c in bulk.STORE_COLUMNS[1:] if c not in existing)
        frame = bulk.items_frame(rows)  # driver types -> ITEM_SCHEMA, then the store layout again
        bulk.write_snapshot_items(conn, sid, bulk.item_rows(frame, sid).drop("snapshot_id"))
    op.drop_index("ix_open_items_snapshot_customer", table_name="open_items")
    op.drop_table("open_items")


def downgrade() -> None:
    from ar_core.store import bulk
    from ar_core.store.models import OpenItem

    conn = op.get_bind()
    columns = [c._copy() for c in OpenItem.__table__.columns]
    for column in columns:
        if column.name == "snapshot_id":
            column.append_foreign_key(sa.ForeignKey("snapshots.id", ondelete="CASCADE"))
    op.create_table("open_items", *columns)
    op.create_index("ix_open_items_snapshot_customer", "open_items", ["snapshot_id", "customer_id"])
    table = sa.table("open_items", *(sa.column(c) for c in bulk.STORE_COLUMNS))
    snapshots = conn.execute(sa.text("SELECT id FROM snapshots ORDER BY as_of, id")).scalars().all()
    for sid in snapshots:
        rows = bulk.read_snapshot_rows(conn, sid)
        if rows.is_empty():
            continue
        rows = rows.select(bulk.STORE_COLUMNS[1:]).with_columns(pl.lit(sid, pl.Int64).alias("snapshot_id"))
        conn.execute(sa.insert(table), rows.to_dicts())
    op.drop_table("snapshot_members")
    op.drop_index("ix_version_blocks_customer", table_name="version_blocks")
    op.drop_table("version_blocks")

"""KPIs and coaching: monthly credit sales per company code, collector targets, coaching notes
and their agreed actions.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_TS = sa.DateTime(timezone=True)
TABLES = ("coaching_actions", "coaching_notes", "collector_targets", "monthly_sales")


def upgrade() -> None:
    op.create_table(
        "monthly_sales",
        sa.Column("id", BIG_ID, primary_key=True),
        sa.Column("company_code", sa.String(10), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("sales_cents", sa.BigInteger(), nullable=False),
        sa.Column("source_file", sa.String(255), nullable=False),
        sa.Column("imported_by", sa.String(40), nullable=False),
        sa.Column("imported_at", UTC_TS, nullable=False),
        sa.UniqueConstraint("company_code", "year", "month", name="uq_monthly_sales"),
    )
    op.create_table(
        "collector_targets",
        sa.Column("id", BIG_ID, primary_key=True),
        sa.Column("collector", sa.String(40), nullable=False),
        sa.Column("metric", sa.String(40), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("target_hundredths", sa.BigInteger(), nullable=False),
        sa.Column("note", sa.Text()),
        sa.Column("set_by", sa.String(40), nullable=False),
        sa.Column("set_at", UTC_TS, nullable=False),
        sa.UniqueConstraint("collector", "metric", "period_start", name="uq_collector_target"),
    )
    op.create_index("ix_collector_targets_collector", "collector_targets", ["collector"])
    op.create_table(
        "coaching_notes",
        sa.Column("id", BIG_ID, primary_key=True),
        sa.Column("collector", sa.String(40), nullable=False),
        sa.Column("author", sa.String(40), nullable=False),
        sa.Column("met_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", UTC_TS, nullable=False),
    )
    op.create_index("ix_coaching_notes_collector", "coaching_notes", ["collector"])
    op.create_table(
        "coaching_actions",
        sa.Column("id", BIG_ID, primary_key=True),
        sa.Column("note_id", BIG_ID, sa.ForeignKey("coaching_notes.id", ondelete="CASCADE"), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
    )
    op.create_index("ix_coaching_actions_note_id", "coaching_actions", ["note_id"])
    for table in APPEND_ONLY:
        _append_only(table)


#: 1:1 notes and their agreed actions are never changed or deleted (as ``dispute_notes`` in 0010).
APPEND_ONLY = ("coaching_notes", "coaching_actions")


def _append_only(table: str) -> None:
    """Refuse UPDATE and DELETE in the database itself."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"""
            CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '{table} is append-only: % is not allowed', TG_OP;
            END $$
            """
        )
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {event} is not allowed'); END"
            )


def downgrade() -> None:
    for table in TABLES:
        op.drop_table(table)
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")

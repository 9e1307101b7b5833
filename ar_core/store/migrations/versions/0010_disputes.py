"""Disputes and inquiries as cases: ``dispute_cases`` with their items, notes thread and escalations,
and ``dispute_reasons`` (a lead's edits of the reason taxonomy whose defaults live in code).

``dispute_case_items.item_key`` is unique (an item is in one case, ever); ``dispute_notes`` is
append-only in the database itself, like the contact log.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "dispute_reasons",
        sa.Column("code", sa.String(40), primary_key=True),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("category", sa.String(40)),
        sa.Column("sla_days", sa.Integer(), nullable=False),
        sa.Column("resolver_department", sa.String(40)),
        sa.Column("case_type", sa.String(10), nullable=False),
        sa.Column("updated_by", sa.String(40), nullable=False),
        sa.Column("updated_at", UTC_TS, nullable=False),
    )
    op.create_table(
        "dispute_cases",
        sa.Column("id", BIG_ID, primary_key=True),
        sa.Column("case_type", sa.String(10), nullable=False),
        sa.Column("customer_id", sa.String(40), nullable=False),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("resolver_department", sa.String(40)),
        sa.Column("resolver", sa.String(100)),
        sa.Column("owner", sa.String(40)),
        sa.Column("opened", sa.Date(), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("resolution", sa.String(40)),
        sa.Column("resolved", sa.Date()),
        sa.Column("credited_cents", sa.BigInteger()),
        sa.Column("level", sa.SmallInteger(), nullable=False),
        sa.Column("next_action_date", sa.Date()),
        sa.Column("source", sa.String(10), nullable=False),
        sa.Column("erp_case_id", sa.String(40), unique=True),
        sa.Column("contact_id", BIG_ID, sa.ForeignKey("contact_log.id")),
        sa.Column("closed_by_snapshot_id", sa.BigInteger()),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("created_by", sa.String(40), nullable=False),
        sa.Column("created_at", UTC_TS, nullable=False),
        sa.Column("updated_at", UTC_TS, nullable=False),
    )
    op.create_index("ix_dispute_cases_customer_id", "dispute_cases", ["customer_id"])
    op.create_index("ix_dispute_cases_owner", "dispute_cases", ["owner"])
    op.create_index("ix_dispute_cases_status", "dispute_cases", ["status"])
    op.create_index("ix_dispute_cases_closed_by_snapshot_id", "dispute_cases", ["closed_by_snapshot_id"])
    op.create_table(
        "dispute_case_items",
        sa.Column("id", BIG_ID, primary_key=True),
        sa.Column("case_id", BIG_ID, sa.ForeignKey("dispute_cases.id", ondelete="CASCADE"), nullable=False),
        sa.Column("item_key", sa.String(120), nullable=False, unique=True),
        sa.Column("company_code", sa.String(10)),
        sa.Column("fiscal_year", sa.Integer()),
        sa.Column("doc_no", sa.String(40), nullable=False),
        sa.Column("line_item", sa.Integer()),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("item_amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("due_date", sa.Date()),
        sa.Column("cleared_on", sa.Date()),
        sa.Column("cleared_by_snapshot_id", sa.BigInteger()),
    )
    op.create_index("ix_dispute_case_items_case_id", "dispute_case_items", ["case_id"])
    op.create_index(
        "ix_dispute_case_items_cleared_by_snapshot_id", "dispute_case_items", ["cleared_by_snapshot_id"]
    )
    for table in ("dispute_notes", "dispute_escalations"):
        extra = (
            [sa.Column("text", sa.Text(), nullable=False)]
            if table == "dispute_notes"
            else [
                sa.Column("level", sa.SmallInteger(), nullable=False),
                sa.Column("to_whom", sa.String(100), nullable=False),
                sa.Column("reason", sa.Text(), nullable=False),
            ]
        )
        op.create_table(
            table,
            sa.Column("id", BIG_ID, primary_key=True),
            sa.Column(
                "case_id", BIG_ID, sa.ForeignKey("dispute_cases.id", ondelete="CASCADE"), nullable=False
            ),
            *extra,
            sa.Column("created_by", sa.String(40), nullable=False),
            sa.Column("created_at", UTC_TS, nullable=False),
        )
        op.create_index(f"ix_{table}_case_id", table, ["case_id"])
    _append_only("dispute_notes")


def _append_only(table: str) -> None:
    """Refuse UPDATE and DELETE in the database itself (as for ``contact_log`` in 0002)."""
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
    for table in (
        "dispute_escalations",
        "dispute_notes",
        "dispute_case_items",
        "dispute_cases",
        "dispute_reasons",
    ):
        op.drop_table(table)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS dispute_notes_append_only()")

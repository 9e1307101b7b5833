"""Workflow records: contact log, promises to pay (with their items), escalations, settings, FX rates.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

#: Surrogate keys: BIGINT on PostgreSQL, INTEGER on SQLite (so the column is the rowid alias).
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_TS = sa.DateTime(timezone=True)


def _id() -> sa.Column:
    return sa.Column("id", BIG_ID, primary_key=True)


def upgrade() -> None:
    op.create_table(
        "contact_log",
        _id(),
        sa.Column("customer_id", sa.String(40), nullable=False),
        sa.Column("contacted_at", UTC_TS, nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("outcome", sa.String(30), nullable=False),
        sa.Column("reason", sa.String(30)),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("next_action", sa.String(40)),
        sa.Column("next_action_date", sa.Date()),
        sa.Column("corrects_id", BIG_ID, sa.ForeignKey("contact_log.id")),
        sa.Column("correction_note", sa.Text()),
        sa.Column("created_by", sa.String(40), nullable=False),
        sa.Column("created_at", UTC_TS, nullable=False),
    )
    op.create_index("ix_contact_log_customer_id", "contact_log", ["customer_id"])
    op.create_index("ix_contact_log_corrects_id", "contact_log", ["corrects_id"])
    _append_only("contact_log")

    op.create_table(
        "promises",
        _id(),
        sa.Column("customer_id", sa.String(40), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("promised_date", sa.Date(), nullable=False),
        sa.Column("snapshot_id", BIG_ID, sa.ForeignKey("snapshots.id", ondelete="SET NULL")),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("status_decided_on", sa.Date()),
        sa.Column("created_by", sa.String(40), nullable=False),
        sa.Column("created_at", UTC_TS, nullable=False),
    )
    op.create_index("ix_promises_customer_id", "promises", ["customer_id"])
    op.create_table(
        "promise_items",
        _id(),
        sa.Column("promise_id", BIG_ID, sa.ForeignKey("promises.id", ondelete="CASCADE"), nullable=False),
        sa.Column("company_code", sa.String(10)),
        sa.Column("fiscal_year", sa.Integer()),
        sa.Column("doc_no", sa.String(40), nullable=False),
        sa.Column("line_item", sa.Integer()),
    )
    op.create_index("ix_promise_items_promise_id", "promise_items", ["promise_id"])

    op.create_table(
        "escalations",
        _id(),
        sa.Column("customer_id", sa.String(40), nullable=False),
        sa.Column("from_user", sa.String(40), nullable=False),
        sa.Column("to_user", sa.String(40), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", UTC_TS, nullable=False),
        sa.Column("resolved_at", UTC_TS),
        sa.Column("resolved_by", sa.String(40)),
        sa.Column("resolution_note", sa.Text()),
    )
    op.create_index("ix_escalations_customer_id", "escalations", ["customer_id"])
    op.create_index("ix_escalations_to_user", "escalations", ["to_user"])

    op.create_table(
        "app_settings",
        sa.Column("key", sa.String(60), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.String(40), nullable=False),
        sa.Column("updated_at", UTC_TS, nullable=False),
    )

    op.create_table(
        "fx_rates",
        _id(),
        sa.Column("rate_date", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("rate_micros", sa.BigInteger(), nullable=False),
        sa.Column("updated_by", sa.String(40), nullable=False),
        sa.Column("updated_at", UTC_TS, nullable=False),
        sa.UniqueConstraint("rate_date", "currency", name="uq_fx_rate_date_currency"),
    )


def _append_only(table: str) -> None:
    """Refuse UPDATE and DELETE in the database itself (as for ``audit_log`` in 0001)."""
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
    for table in ("fx_rates", "app_settings", "escalations", "promise_items", "promises", "contact_log"):
        op.drop_table(table)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS contact_log_append_only()")

"""Initial schema: users and portfolios, customers, snapshots with their items, audit log, mappings.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

#: Surrogate keys: BIGINT on PostgreSQL, INTEGER on SQLite (so the column is the rowid alias).
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_TS = sa.DateTime(timezone=True)


def _id() -> sa.Column:
    return sa.Column("id", BIG_ID, primary_key=True)


def upgrade() -> None:
    op.create_table(
        "users",
        _id(),
        sa.Column("username", sa.String(40), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(200), nullable=False),
        sa.Column("password_hash", sa.String(100), nullable=False),
        sa.Column("roles", sa.String(100), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTC_TS, nullable=False),
    )
    op.create_table(
        "portfolio_assignments",
        _id(),
        sa.Column("user_id", BIG_ID, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("value", sa.String(40), nullable=False),
        sa.UniqueConstraint("user_id", "kind", "value", name="uq_portfolio_assignment"),
        sa.CheckConstraint("kind IN ('customer', 'company_code')", name="ck_portfolio_kind"),
    )
    op.create_index("ix_portfolio_assignments_user_id", "portfolio_assignments", ["user_id"])

    op.create_table(
        "customers",
        _id(),
        sa.Column("customer_id", sa.String(40), nullable=False, unique=True),
        sa.Column("name", sa.String(200)),
        sa.Column("country", sa.String(2)),
        sa.Column("language", sa.String(5)),
        sa.Column("collector", sa.String(40)),
        sa.Column("risk_class", sa.String(20)),
        sa.Column("credit_limit_cents", sa.BigInteger()),
        sa.Column("payment_terms", sa.String(40)),
        sa.Column("company_code", sa.String(10)),
        sa.Column("contact_name", sa.String(200)),
        sa.Column("contact_phone", sa.String(60)),
        sa.Column("contact_email", sa.String(200)),
        sa.Column("updated_at", UTC_TS, nullable=False),
    )
    op.create_index("ix_customers_collector", "customers", ["collector"])

    op.create_table(
        "snapshots",
        _id(),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("file_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("source_format", sa.String(200), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("customers", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(40), nullable=False),
        sa.Column("created_at", UTC_TS, nullable=False),
    )
    op.create_index("ix_snapshots_as_of", "snapshots", ["as_of"])

    op.create_table(
        "snapshot_totals",
        sa.Column("snapshot_id", BIG_ID, sa.ForeignKey("snapshots.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("currency", sa.String(3), primary_key=True),
        sa.Column("total_cents", sa.BigInteger(), nullable=False),
        sa.Column("open_total_cents", sa.BigInteger(), nullable=False),
    )

    # The canonical item columns (ar_core.schema.ITEM_SCHEMA); money as integer cents.
    op.create_table(
        "open_items",
        _id(),
        sa.Column("snapshot_id", BIG_ID, sa.ForeignKey("snapshots.id", ondelete="CASCADE"), nullable=False),
        sa.Column("company_code", sa.String(10)),
        sa.Column("customer_id", sa.String(40), nullable=False),
        sa.Column("customer_name", sa.String(200)),
        sa.Column("doc_no", sa.String(40), nullable=False),
        sa.Column("fiscal_year", sa.Integer()),
        sa.Column("line_item", sa.Integer()),
        sa.Column("doc_type", sa.String(10)),
        sa.Column("doc_date", sa.Date()),
        sa.Column("posting_date", sa.Date()),
        sa.Column("baseline_date", sa.Date()),
        sa.Column("due_date", sa.Date()),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("amount_doc_cents", sa.BigInteger()),
        sa.Column("doc_currency", sa.String(3)),
        sa.Column("amount_reporting_cents", sa.BigInteger()),
        sa.Column("clearing_date", sa.Date()),
        sa.Column("clearing_doc", sa.String(40)),
        sa.Column("dunning_level", sa.SmallInteger()),
        sa.Column("disputed", sa.Boolean()),
        sa.Column("dispute_reason", sa.String(40)),
        sa.Column("reference", sa.Text()),
        sa.Column("assignment", sa.Text()),
        sa.Column("text", sa.Text()),
        sa.Column("collector", sa.String(40)),
        sa.Column("country", sa.String(2)),
        sa.Column("source_row", sa.BigInteger()),
    )
    op.create_index("ix_open_items_snapshot_customer", "open_items", ["snapshot_id", "customer_id"])

    op.create_table(
        "audit_log",
        _id(),
        sa.Column("at", UTC_TS, nullable=False),
        sa.Column("actor", sa.String(40), nullable=False),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("entity", sa.String(60), nullable=False),
        sa.Column("entity_id", sa.String(100)),
        sa.Column("before", sa.Text()),
        sa.Column("after", sa.Text()),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    _forbid_audit_changes()

    op.create_table(
        "saved_mappings",
        _id(),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("yaml_text", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(40), nullable=False),
        sa.Column("updated_at", UTC_TS, nullable=False),
    )


def _forbid_audit_changes() -> None:
    """Make the audit log append-only in the database itself, not only by having no API."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP;
            END $$
            """
        )
        op.execute(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log "
                f"BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: {event} is not allowed'); END"
            )


def downgrade() -> None:
    for table in ("saved_mappings", "audit_log", "open_items", "snapshot_totals", "snapshots"):
        op.drop_table(table)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    for table in ("customers", "portfolio_assignments", "users"):
        op.drop_table(table)

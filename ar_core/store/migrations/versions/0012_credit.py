"""Credit balances and cash from the bank: bank statements and their payments with the match,
IBANs learned per customer, decisions on allocation suggestions, refunds, reconciliations with
the customer; and the customer master's group (parent, VAT id) and bank accounts.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_TS = sa.DateTime(timezone=True)
TABLES = ("reconciliations", "credit_refunds", "allocation_decisions", "customer_ibans", "bank_payments",
          "bank_statements")  # fmt: skip


def upgrade() -> None:
    with op.batch_alter_table("customers") as batch:
        batch.add_column(sa.Column("parent_id", sa.String(40), nullable=True))
        batch.add_column(sa.Column("vat_id", sa.String(40), nullable=True))
        batch.add_column(sa.Column("ibans", sa.String(400), nullable=True))
    op.create_table(
        "bank_statements",
        sa.Column("id", BIG_ID, primary_key=True),
        sa.Column("format", sa.String(30), nullable=False),
        sa.Column("statement_key", sa.String(140), nullable=False),
        sa.Column("sequence_no", sa.String(40), nullable=False, server_default=""),
        sa.Column("account_iban", sa.String(40), nullable=False, server_default=""),
        sa.Column("currency", sa.String(3)),
        sa.Column("from_date", sa.Date()),
        sa.Column("to_date", sa.Date()),
        sa.Column("opening_cents", sa.BigInteger()),
        sa.Column("closing_cents", sa.BigInteger()),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("source_file", sa.String(255), nullable=False),
        sa.Column("imported_by", sa.String(40), nullable=False),
        sa.Column("imported_at", UTC_TS, nullable=False),
        sa.UniqueConstraint("account_iban", "statement_key", "sequence_no", name="uq_bank_statement"),
    )
    op.create_table(
        "bank_payments",
        sa.Column("id", BIG_ID, primary_key=True),
        sa.Column(
            "statement_id", BIG_ID, sa.ForeignKey("bank_statements.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("entry_index", sa.Integer(), nullable=False),
        sa.Column("tx_index", sa.Integer(), nullable=False),
        sa.Column("entry_reference", sa.String(140)),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("direction", sa.String(4), nullable=False),
        sa.Column("reversal", sa.Boolean(), nullable=False),
        sa.Column("booking_date", sa.Date()),
        sa.Column("value_date", sa.Date()),
        sa.Column("counterparty_name", sa.String(200)),
        sa.Column("counterparty_iban", sa.String(40)),
        sa.Column("iban_valid", sa.Boolean()),
        sa.Column("remittance", sa.Text()),
        sa.Column("creditor_reference", sa.String(80)),
        sa.Column("reference_type", sa.String(10)),
        sa.Column("end_to_end_id", sa.String(80)),
        sa.Column("bank_reference", sa.String(140)),
        sa.Column("bank_tx_code", sa.String(80)),
        sa.Column("customer_id", sa.String(40)),
        sa.Column("customer_rule", sa.String(20)),
        sa.Column("invoice_keys", sa.Text()),
        sa.Column("invoice_docs", sa.Text()),
        sa.Column("matched_cents", sa.BigInteger()),
        sa.Column("rule", sa.String(20)),
        sa.Column("confidence", sa.Float()),
        sa.Column("evidence", sa.Text()),
        sa.Column("candidates", sa.Text()),
        sa.Column("name_flag", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("confirmed_by", sa.String(40)),
        sa.Column("confirmed_at", UTC_TS),
        sa.Column("applied_snapshot_id", BIG_ID),
    )
    op.create_index("ix_bank_payments_counterparty_iban", "bank_payments", ["counterparty_iban"])
    op.create_index("ix_bank_payments_status", "bank_payments", ["status"])
    op.create_index("ix_bank_payments_statement_id", "bank_payments", ["statement_id"])
    op.create_index("ix_bank_payments_customer_id", "bank_payments", ["customer_id"])
    op.create_table(
        "customer_ibans",
        sa.Column("iban", sa.String(40), primary_key=True),
        sa.Column("customer_id", sa.String(40), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("learned_by", sa.String(40), nullable=False),
        sa.Column("learned_at", UTC_TS, nullable=False),
    )
    op.create_index("ix_customer_ibans_customer_id", "customer_ibans", ["customer_id"])
    op.create_table(
        "allocation_decisions",
        sa.Column("id", BIG_ID, primary_key=True),
        sa.Column("credit_key", sa.String(120), nullable=False),
        sa.Column("credit_doc", sa.String(40), nullable=False),
        sa.Column("customer_id", sa.String(40), nullable=False),
        sa.Column("company_code", sa.String(10)),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("decision", sa.String(20), nullable=False),
        sa.Column("allocations", sa.Text(), nullable=False),
        sa.Column("rule", sa.String(20)),
        sa.Column("reason", sa.Text()),
        sa.Column("snapshot_id", BIG_ID, nullable=False),
        sa.Column("decided_by", sa.String(40), nullable=False),
        sa.Column("decided_at", UTC_TS, nullable=False),
        sa.Column("confirmation", sa.Text()),
        sa.Column("confirmed_on", sa.Date()),
        sa.Column("posted_snapshot_id", BIG_ID),
        sa.CheckConstraint("decision IN ('accepted', 'rejected', 'split')", name="ck_allocation_decision"),
    )
    op.create_index("ix_allocation_decisions_credit_key", "allocation_decisions", ["credit_key"])
    op.create_index("ix_allocation_decisions_customer_id", "allocation_decisions", ["customer_id"])
    op.create_table(
        "credit_refunds",
        sa.Column("id", BIG_ID, primary_key=True),
        sa.Column("credit_key", sa.String(120), nullable=False),
        sa.Column("credit_doc", sa.String(40), nullable=False),
        sa.Column("customer_id", sa.String(40), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("approval_id", BIG_ID),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("requested_by", sa.String(40), nullable=False),
        sa.Column("requested_at", UTC_TS, nullable=False),
    )
    op.create_index("ix_credit_refunds_customer_id", "credit_refunds", ["customer_id"])
    op.create_index("ix_credit_refunds_credit_key", "credit_refunds", ["credit_key"])
    op.create_table(
        "reconciliations",
        sa.Column("id", BIG_ID, primary_key=True),
        sa.Column("customer_id", sa.String(40), nullable=False),
        sa.Column("snapshot_id", BIG_ID, nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("source_file", sa.String(255), nullable=False),
        sa.Column("our_cents", sa.BigInteger(), nullable=False),
        sa.Column("their_cents", sa.BigInteger(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("contact_id", BIG_ID),
        sa.Column("created_by", sa.String(40), nullable=False),
        sa.Column("created_at", UTC_TS, nullable=False),
    )
    op.create_index("ix_reconciliations_customer_id", "reconciliations", ["customer_id"])


def downgrade() -> None:
    for table in TABLES:
        op.drop_table(table)
    with op.batch_alter_table("customers") as batch:
        batch.drop_column("ibans")
        batch.drop_column("vat_id")
        batch.drop_column("parent_id")

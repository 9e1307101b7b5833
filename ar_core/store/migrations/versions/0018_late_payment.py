"""Late payment: statutory interest rates (seeded with the published history), insolvency cases,
external credit information (imports, ratings, insolvency announcements).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02
"""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_TS = sa.DateTime(timezone=True)
TABLES = (
    "insolvency_announcements",
    "credit_ratings",
    "external_imports",
    "insolvency_cases",
    "statutory_rates",
)
#: The shipped rate history (the same file the README's tables are taken from).
RATES_FILE = Path(__file__).resolve().parents[3] / "recovery" / "data" / "statutory_rates.csv"


def upgrade() -> None:
    rates = op.create_table(
        "statutory_rates",
        sa.Column("id", BIG_ID, primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("rate_bp", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(200)),
        sa.Column("entered_by", sa.String(40), nullable=False),
        sa.Column("entered_at", UTC_TS, nullable=False),
        sa.UniqueConstraint("kind", "valid_from", name="uq_statutory_rate"),
    )
    op.create_table(
        "insolvency_cases",
        sa.Column("id", BIG_ID, primary_key=True),
        sa.Column("customer_id", sa.String(40), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date()),
        sa.Column("court", sa.String(200)),
        sa.Column("case_number", sa.String(80)),
        sa.Column("administrator", sa.String(200)),
        sa.Column("claim_filed_on", sa.Date()),
        sa.Column("claim_cents", sa.BigInteger()),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("quota_received_cents", sa.BigInteger(), nullable=False),
        sa.Column("note", sa.Text()),
        sa.Column("created_by", sa.String(40), nullable=False),
        sa.Column("created_at", UTC_TS, nullable=False),
    )
    op.create_index("ix_insolvency_cases_customer_id", "insolvency_cases", ["customer_id"])
    op.create_table(
        "external_imports",
        sa.Column("id", BIG_ID, primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("imported_by", sa.String(40), nullable=False),
        sa.Column("imported_at", UTC_TS, nullable=False),
    )
    op.create_table(
        "credit_ratings",
        sa.Column("id", BIG_ID, primary_key=True),
        sa.Column("import_id", BIG_ID, _imports_fk(), nullable=False),
        sa.Column("customer_id", sa.String(40), nullable=False),
        sa.Column("agency", sa.String(80), nullable=False),
        sa.Column("rated_on", sa.Date(), nullable=False),
        sa.Column("score", sa.Integer()),
        sa.Column("rating", sa.String(20)),
        sa.Column("limit_cents", sa.BigInteger()),
        sa.Column("currency", sa.String(3), nullable=False),
    )
    op.create_index("ix_credit_ratings_import_id", "credit_ratings", ["import_id"])
    op.create_index("ix_credit_ratings_customer_id", "credit_ratings", ["customer_id"])
    op.create_table(
        "insolvency_announcements",
        sa.Column("id", BIG_ID, primary_key=True),
        sa.Column("import_id", BIG_ID, _imports_fk(), nullable=False),
        sa.Column("court", sa.String(200), nullable=False),
        sa.Column("case_number", sa.String(80), nullable=False),
        sa.Column("debtor_name", sa.String(200), nullable=False),
        sa.Column("street", sa.String(200)),
        sa.Column("postcode", sa.String(20)),
        sa.Column("city", sa.String(120)),
        sa.Column("announced_on", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("customer_id", sa.String(40)),
        sa.Column("matched_by", sa.String(40)),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("decided_by", sa.String(40)),
        sa.Column("decided_at", UTC_TS),
        sa.Column("case_id", BIG_ID),
    )
    op.create_index("ix_insolvency_announcements_import_id", "insolvency_announcements", ["import_id"])
    op.create_index("ix_insolvency_announcements_customer_id", "insolvency_announcements", ["customer_id"])
    op.bulk_insert(rates, _shipped_rates())


def _imports_fk() -> sa.ForeignKey:
    return sa.ForeignKey("external_imports.id", ondelete="CASCADE")


def _shipped_rates() -> list[dict]:
    """The published history from ``ar_core/recovery/data/statutory_rates.csv``."""
    now = datetime.now(UTC)
    with RATES_FILE.open(encoding="utf-8", newline="") as handle:
        return [
            {"kind": row["kind"], "valid_from": date.fromisoformat(row["valid_from"]),
             "rate_bp": int(Decimal(row["rate"]) * 100), "source": row["source"] or None,
             "entered_by": "system", "entered_at": now}
            for row in csv.DictReader(handle)
        ]  # fmt: skip


def downgrade() -> None:
    for table in TABLES:
        op.drop_table(table)

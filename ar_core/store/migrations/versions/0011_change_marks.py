"""Change marks: a counter per group of tables that every write to them advances.

Caches shared by all sessions key on what they derive from. For the dispute cases that used
to be counts and maxima over 100,000 cases and their items, read on every page run; a mark is
one primary-key lookup. The writes advance it in their own transaction (``ar_core.store.marks``).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    marks = op.create_table(
        "change_marks",
        sa.Column("area", sa.String(40), primary_key=True),
        sa.Column("mark", sa.BigInteger(), nullable=False, server_default="0"),
    )
    # seeded, so that two first writes at once both find the row to advance
    op.bulk_insert(marks, [{"area": "dispute_cases", "mark": 0}, {"area": "customers", "mark": 0}])


def downgrade() -> None:
    op.drop_table("change_marks")

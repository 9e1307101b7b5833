"""The customer's postal address (letters, insolvency matching by postcode).

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("customers") as batch:
        batch.add_column(sa.Column("street", sa.String(200), nullable=True))
        batch.add_column(sa.Column("postcode", sa.String(20), nullable=True))
        batch.add_column(sa.Column("city", sa.String(100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("customers") as batch:
        batch.drop_column("city")
        batch.drop_column("postcode")
        batch.drop_column("street")

"""Facts of a snapshot counted at import: its open items, open customers, unique item identities.

The import's coverage check compares a new extract with the previous snapshot's open items and
customers, and "cleared between two snapshots" may skip every item version both snapshots share
when no item identity occurs twice in either. Both used to read the previous snapshot again;
now the import stores them. Existing snapshots keep NULL ("not counted"): the readers then count
from the items as before, so the upgrade needs no data pass.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("snapshots") as batch:
        batch.add_column(sa.Column("open_items", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("open_customers", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("unique_identities", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("snapshots") as batch:
        batch.drop_column("unique_identities")
        batch.drop_column("open_customers")
        batch.drop_column("open_items")

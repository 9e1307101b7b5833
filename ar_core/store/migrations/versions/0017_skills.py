"""Skills profiles: the skill list, levels per person with history, backups and absences.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_TS = sa.DateTime(timezone=True)


TABLES = ("absences", "collector_backups", "skill_levels", "skill_definitions")


def upgrade() -> None:
    op.create_table(
        "skill_definitions",
        sa.Column("key", sa.String(40), primary_key=True),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("areas", sa.String(255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(40), nullable=False),
        sa.Column("updated_at", UTC_TS, nullable=False),
    )
    op.create_table(
        "skill_levels",
        sa.Column("id", BIG_ID, primary_key=True),
        sa.Column("person", sa.String(40), nullable=False),
        sa.Column("skill", sa.String(40), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(12), nullable=False),
        sa.Column("note", sa.Text()),
        sa.Column("set_by", sa.String(40), nullable=False),
        sa.Column("set_at", UTC_TS, nullable=False),
    )
    op.create_index("ix_skill_levels_person", "skill_levels", ["person"])
    op.create_table(
        "collector_backups",
        sa.Column("collector", sa.String(40), primary_key=True),
        sa.Column("backup", sa.String(40), nullable=False),
        sa.Column("set_by", sa.String(40), nullable=False),
        sa.Column("set_at", UTC_TS, nullable=False),
    )
    op.create_index("ix_collector_backups_backup", "collector_backups", ["backup"])
    op.create_table(
        "absences",
        sa.Column("id", BIG_ID, primary_key=True),
        sa.Column("person", sa.String(40), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text()),
        sa.Column("recorded_by", sa.String(40), nullable=False),
        sa.Column("recorded_at", UTC_TS, nullable=False),
        sa.Column("cancelled_by", sa.String(40)),
        sa.Column("cancelled_at", UTC_TS),
    )
    op.create_index("ix_absences_person", "absences", ["person"])


def downgrade() -> None:
    for table in TABLES:
        op.drop_table(table)

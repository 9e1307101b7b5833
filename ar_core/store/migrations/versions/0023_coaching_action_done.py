"""The completion of an action agreed in a 1:1: who marked it done, when, and an optional note.

Append-only like the notes and actions of 0013 (the database refuses UPDATE and DELETE): an
action is done once, and what was recorded stays as recorded.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_TS = sa.DateTime(timezone=True)
TABLE = "coaching_action_done"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", BIG_ID, primary_key=True),
        sa.Column("action_id", BIG_ID, sa.ForeignKey("coaching_actions.id"), nullable=False),
        sa.Column("done_by", sa.String(40), nullable=False),
        sa.Column("done_at", UTC_TS, nullable=False),
        sa.Column("note", sa.Text()),
        sa.UniqueConstraint("action_id", name="uq_coaching_action_done_action"),
    )
    _append_only(TABLE)


def _append_only(table: str) -> None:
    """Refuse UPDATE and DELETE in the database itself (the triggers of 0013)."""
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
    op.drop_table(TABLE)  # its triggers go with it
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP FUNCTION IF EXISTS {TABLE}_append_only()")

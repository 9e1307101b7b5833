"""The audit log also refuses TRUNCATE on PostgreSQL.

Row triggers (migration 0001) stop UPDATE and DELETE, but TRUNCATE fires no row triggers: a
statement trigger closes that gap with the same function and message. SQLite has no TRUNCATE
(its ``DELETE FROM`` without WHERE is already refused by the row trigger), so nothing to do there.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")

"""Lockouts that expire, and a session version per user that ends old cookies and sessions.

``locked_until`` replaces the permanent lock (five failures locked an account until an admin
reset its password); ``lockouts`` counts lockouts in a row so that each lasts longer;
``session_version`` is advanced by logout, lockout, password change or reset, deactivation and
role change, and a login cookie or session of an older version is refused.

An account locked under the old rule (``failed_logins >= 5``) starts a first 15-minute lockout.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("lockouts", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("session_version", sa.Integer(), nullable=False, server_default="1"))
    users = sa.table(
        "users",
        sa.column("failed_logins", sa.Integer()),
        sa.column("locked_until", sa.DateTime(timezone=True)),
        sa.column("lockouts", sa.Integer()),
    )
    until = datetime.now(UTC) + timedelta(minutes=15)
    if op.get_bind().dialect.name == "sqlite":  # the store keeps naive UTC text on SQLite
        until = until.replace(tzinfo=None)
    op.execute(
        users.update()
        .where(users.c.failed_logins >= 5)
        .values(locked_until=until, lockouts=1, failed_logins=0)
    )


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("session_version")
        batch.drop_column("lockouts")
        batch.drop_column("locked_until")

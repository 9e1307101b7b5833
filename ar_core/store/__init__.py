"""The AR Desk store: SQLAlchemy models, engine set-up, Alembic migrations and the bulk item path."""

from __future__ import annotations

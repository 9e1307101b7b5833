"""Column types and helpers shared by the ORM models and the light Core reads (no ORM import).

The CLI's snapshot listing reads through Core table clauses with these types, so that
``python -m ar_core snapshots`` never loads the ORM.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """A timestamp stored in UTC and always returned timezone-aware.

    SQLite keeps timestamps as naive text; normalising on the way in and out makes both
    engines return the same ``datetime`` objects.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


#: Surrogate keys: BIGINT on PostgreSQL, but INTEGER on SQLite so the column is the rowid alias.
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def utcnow() -> datetime:
    """Now in UTC (the store never keeps local times)."""
    return datetime.now(UTC)

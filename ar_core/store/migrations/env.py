"""Alembic environment: runs on the connection handed over by ``ar_core.store.db.migrate``.

Run outside the app (``alembic -c ...``) it falls back to ``make_engine()`` from the settings.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from ar_core.store.models import Base


def _run(connection: sa.Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    from ar_core.store.db import make_engine

    engine = make_engine()
    with engine.begin() as conn:
        _run(conn)
    engine.dispose()

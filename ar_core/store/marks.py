"""Change marks: what a shared cache keys on when counting its source tables would cost too much.

A write to a group of tables calls :func:`advance` in its own transaction, so a reader that sees
the new rows also sees the new mark (and one that sees the old mark may at worst re-read once).
"""

from __future__ import annotations

import sqlalchemy as sa

from ar_core.store.models import ChangeMark

#: The dispute and inquiry cases and their items (``ar_core.disputes``).
DISPUTE_CASES = "dispute_cases"
#: The customer master (``ar_core.ledger.customers``; portfolios read it on every page run).
CUSTOMERS = "customers"


def advance(conn: sa.Connection, area: str) -> None:
    """Move ``area``'s mark on (inside the caller's write transaction)."""
    step = sa.update(ChangeMark).where(ChangeMark.area == area).values(mark=ChangeMark.mark + 1)
    if not conn.execute(step).rowcount:
        conn.execute(sa.insert(ChangeMark).values(area=area, mark=1))


def current(conn: sa.Connection, area: str) -> int:
    """``area``'s mark (0 before its first write)."""
    return conn.execute(sa.select(ChangeMark.mark).where(ChangeMark.area == area)).scalar() or 0

"""The snapshot register: which extracts are in force (or were removed), with their totals.

Read through Core table clauses, without polars or the ORM, because schedulers call
``python -m ar_core snapshots`` often and its start-up budget is half a second;
``snapshots.list_snapshots`` builds the pages' frame from the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa

from ar_core.money import from_cents
from ar_core.store.types import UTCDateTime

_SNAPSHOTS = sa.table(
    "snapshots",
    sa.column("id", sa.Integer()), sa.column("as_of", sa.Date()), sa.column("file_name", sa.String()),
    sa.column("source_format", sa.String()), sa.column("rows", sa.Integer()),
    sa.column("customers", sa.Integer()), sa.column("created_by", sa.String()),
    sa.column("created_at", UTCDateTime()), sa.column("scope", sa.Text()),
    sa.column("retired_at", UTCDateTime()), sa.column("retired_by", sa.String()),
    sa.column("retire_reason", sa.Text()),
)  # fmt: skip
_TOTALS = sa.table(
    "snapshot_totals", sa.column("snapshot_id", sa.Integer()), sa.column("currency", sa.String()),
    sa.column("total_cents", sa.BigInteger()),
)  # fmt: skip


@dataclass(frozen=True)
class RegisteredSnapshot:
    """One row of the register; ``totals`` per currency as stored at import."""

    snapshot_id: int
    as_of: date
    file_name: str
    source_format: str
    rows: int
    customers: int
    created_by: str
    created_at: datetime
    scope_json: str
    totals: dict[str, Decimal]
    retired_at: datetime | None
    retired_by: str | None
    retire_reason: str | None


def snapshot_register(engine: sa.Engine, *, include_retired: bool = False) -> list[RegisteredSnapshot]:
    """Snapshots in force (also the removed ones when asked), newest as-of date first."""
    s = _SNAPSHOTS.c
    query = sa.select(_SNAPSHOTS).order_by(s.as_of.desc(), s.id.desc())
    if not include_retired:
        query = query.where(s.retired_at.is_(None))
    with engine.connect() as conn:
        snaps = conn.execute(query).all()
        per_snapshot: dict[int, dict[str, Decimal]] = {}
        for sid, cur, cents in conn.execute(sa.select(_TOTALS).order_by(_TOTALS.c.currency)):
            per_snapshot.setdefault(sid, {})[cur] = from_cents(cents)
    return [
        RegisteredSnapshot(
            snapshot_id=r.id,
            as_of=r.as_of,
            file_name=r.file_name,
            source_format=r.source_format,
            rows=r.rows,
            customers=r.customers,
            created_by=r.created_by,
            created_at=r.created_at,
            scope_json=r.scope,
            totals=per_snapshot.get(r.id, {}),
            retired_at=r.retired_at,
            retired_by=r.retired_by,
            retire_reason=r.retire_reason,
        )
        for r in snaps
    ]

"""Snapshots: committing a read extract to the store, all or nothing, and reading it back.

A snapshot is immutable once committed (there is no update function): later features compare
consecutive snapshots by item identity to see what was cleared. The import writes the snapshot
row, its items, per-currency totals, the customers seen and the audit record in ONE transaction
on the engine's fastest bulk path (see :mod:`ar_core.store.bulk`); if any step fails nothing of
it remains.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import polars as pl
import sqlalchemy as sa

from ar_core.audit import record
from ar_core.customers import customers_from_items, merge_customers
from ar_core.errors import ArDeskError, DuplicateImport, NotFound, ValidationFailed
from ar_core.money import format_amount, from_cents, to_cents
from ar_core.store import bulk
from ar_core.store.db import write_transaction
from ar_core.store.models import Promise, Snapshot, SnapshotTotal, utcnow

if TYPE_CHECKING:
    from ar_core.ingest.result import ExtractResult
    from ar_core.users import Actor

__all__ = [
    "ImportOutcome",
    "customer_items_history",
    "delete_snapshot",
    "find_snapshot_by_hash",
    "import_extract",
    "list_snapshots",
    "load_customer_items",
    "load_items",
    "snapshot_totals",
    "totals_history",
]

#: Who may commit or remove snapshots.
IMPORT_ROLES = ("lead", "admin")

SNAPSHOT_LIST_SCHEMA: dict[str, pl.DataType] = {
    "snapshot_id": pl.Int64(),
    "as_of": pl.Date(),
    "file_name": pl.String(),
    "source_format": pl.String(),
    "rows": pl.Int64(),
    "customers": pl.Int64(),
    "created_by": pl.String(),
    "created_at": pl.Datetime("us", "UTC"),
    "totals": pl.String(),
}


@dataclass(frozen=True)
class ImportOutcome:
    """What an import committed (or, on a dry run, would commit: ``snapshot_id`` is ``None``)."""

    snapshot_id: int | None
    as_of: date
    rows: int
    customers: int
    totals: dict[str, Decimal]
    open_totals: dict[str, Decimal]
    rejected_rows: int = 0
    customers_added: int = 0
    customers_updated: int = 0
    warnings: list[str] = field(default_factory=list)
    #: Open promises to pay that this snapshot decided (kept, partly kept, broken).
    promises_decided: int = 0


def load_items(engine: sa.Engine, snapshot_id: int) -> pl.DataFrame:
    """The items of a snapshot as ``ITEM_SCHEMA`` (money exact); grouped by customer."""
    return bulk.load_items(engine, snapshot_id)


def _effective_as_of(result: ExtractResult, as_of: date | None) -> date:
    """The file's own key date, else the one chosen at upload; two different dates are an error."""
    if result.as_of is None and as_of is None:
        raise ArDeskError(f"{result.file_name}: no as-of date: the file states none, so choose one")
    if result.as_of is not None and as_of is not None and result.as_of != as_of:
        raise ArDeskError(
            f"{result.file_name}: the file is as of {result.as_of:%d.%m.%Y} but {as_of:%d.%m.%Y} was "
            "chosen; choose the file's date or no date"
        )
    return result.as_of or as_of  # type: ignore[return-value]


def _check_importable(result: ExtractResult, commit_valid_rows: bool) -> None:
    errors = result.errors
    if errors and not commit_valid_rows:
        raise ValidationFailed(
            f"{result.file_name}: {len(errors)} problem(s) in {result.rejected_rows} row(s); nothing "
            "imported. Fix the file, or commit only the valid rows."
        )
    file_level = [p for p in errors if p.row is None]
    if file_level:
        raise ValidationFailed(
            f"{result.file_name}: the file as a whole is unusable: {file_level[0].message}"
        )
    if result.items.is_empty():
        raise ValidationFailed(f"{result.file_name}: no valid items to import")


def find_snapshot_by_hash(engine: sa.Engine, file_hash: str) -> int | None:
    """The id of the snapshot imported from a file with this content hash, if any."""
    with engine.connect() as conn:
        return conn.execute(sa.select(Snapshot.id).where(Snapshot.file_hash == file_hash)).scalar()


def _duplicate(result: ExtractResult, snapshot_id: int | None) -> DuplicateImport:
    return DuplicateImport(f"{result.file_name}: this file was already imported (snapshot {snapshot_id})")


def import_extract(
    engine: sa.Engine,
    actor: Actor,
    result: ExtractResult,
    *,
    as_of: date | None = None,
    commit_valid_rows: bool = False,
    dry_run: bool = False,
) -> ImportOutcome:
    """Commit a validated extract as a new snapshot (leads and admins).

    Raises ``PermissionDenied``, ``DuplicateImport`` (same file content already committed),
    ``ValidationFailed`` (errors and the lead did not choose to commit only the valid rows) or
    ``ArDeskError`` (no or conflicting as-of date). A dry run checks all of that, stores nothing
    and reports what would be committed.
    """
    actor.require(*IMPORT_ROLES, doing="import extracts")
    effective = _effective_as_of(result, as_of)
    _check_importable(result, commit_valid_rows)
    existing = find_snapshot_by_hash(engine, result.file_hash)
    if existing is not None:
        raise _duplicate(result, existing)
    items = result.items
    totals, open_totals = result.totals(), result.open_totals(effective)
    outcome = ImportOutcome(
        snapshot_id=None, as_of=effective, rows=items.height, customers=items["customer_id"].n_unique(),
        totals=totals, open_totals=open_totals, rejected_rows=result.rejected_rows,
        warnings=[str(p) for p in result.warnings],
    )  # fmt: skip
    if dry_run:
        return outcome
    meta = {"as_of": effective, "file_name": result.file_name[:255], "file_hash": result.file_hash,
            "source_format": result.source_format[:200], "rows": outcome.rows, "customers": outcome.customers,
            "created_by": actor.username, "created_at": utcnow()}  # fmt: skip
    try:
        with bulk.import_transaction(engine, items) as tx:
            snapshot_id, merged = _write_snapshot(tx, meta, totals, open_totals)
            after = {**meta, "snapshot_id": snapshot_id, "totals": totals, "open_totals": open_totals,
                     "rejected_rows": result.rejected_rows, "commit_valid_rows": commit_valid_rows,
                     "customers_added": len(merged["inserted"]),
                     "customers_updated": len(merged["updated"])}  # fmt: skip
            record(tx.connection, actor, "import_snapshot", "snapshot", snapshot_id, after=after)
    except Exception as exc:
        # two sessions importing the same file at once: the unique file_hash decides
        racing = isinstance(exc, sa.exc.IntegrityError)
        existing = find_snapshot_by_hash(engine, result.file_hash) if racing else None
        if existing is not None:
            raise _duplicate(result, existing) from exc
        raise
    return replace(
        outcome, snapshot_id=snapshot_id, customers_added=len(merged["inserted"]),
        customers_updated=len(merged["updated"]),
        promises_decided=_decide_promises(engine, snapshot_id, items),
    )  # fmt: skip


def _decide_promises(engine: sa.Engine, snapshot_id: int, items: pl.DataFrame) -> int:
    """A new snapshot shows what was cleared: decide the open promises to pay against it.

    Runs after the import's commit, in its own transaction: statuses are derived data, and the
    snapshot stands even if deciding fails (the next import decides again).
    """
    from ar_core.promises import refresh_promise_statuses

    return refresh_promise_statuses(engine, loaded={snapshot_id: items})


def _write_snapshot(
    tx: bulk.ImportTransaction,
    meta: dict[str, Any],
    totals: dict[str, Decimal],
    open_totals: dict[str, Decimal],
) -> tuple[int, dict[str, Any]]:
    """The writes of an import, in the caller's transaction: snapshot, totals, items, customers."""
    conn = tx.connection
    snapshot_id = conn.execute(sa.insert(Snapshot).values(**meta).returning(Snapshot.id)).scalar_one()
    rows = [
        {"snapshot_id": snapshot_id, "currency": currency, "total_cents": to_cents(amount),
         "open_total_cents": to_cents(open_totals.get(currency, Decimal(0)))}
        for currency, amount in sorted(totals.items())
    ]  # fmt: skip
    conn.execute(sa.insert(SnapshotTotal), rows)
    tx.insert_items(snapshot_id)
    merged = merge_customers(
        conn,
        meta["created_by"],
        customers_from_items(tx.items),
        source="extract",
        snapshot_id=snapshot_id,
        fill_only=True,
    )
    return snapshot_id, merged


def _format_totals(totals: dict[str, Decimal]) -> str:
    return "; ".join(f"{cur} {format_amount(amount, 'en')}" for cur, amount in sorted(totals.items()))


def snapshot_totals(engine: sa.Engine, snapshot_id: int) -> dict[str, dict[str, Decimal]]:
    """``{"totals": {currency: Decimal}, "open_totals": {...}}`` of one snapshot."""
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(SnapshotTotal.currency, SnapshotTotal.total_cents, SnapshotTotal.open_total_cents)
            .where(SnapshotTotal.snapshot_id == snapshot_id)
            .order_by(SnapshotTotal.currency)
        ).all()
    return {
        "totals": {c: from_cents(t) for c, t, _ in rows},
        "open_totals": {c: from_cents(o) for c, _, o in rows},
    }


def totals_history(engine: sa.Engine) -> pl.DataFrame:
    """Per snapshot and currency: total and open total, oldest first (for trend charts)."""
    query = (
        sa.select(Snapshot.id, Snapshot.as_of, SnapshotTotal.currency, SnapshotTotal.total_cents,
                  SnapshotTotal.open_total_cents)
        .join(SnapshotTotal, SnapshotTotal.snapshot_id == Snapshot.id)
        .order_by(Snapshot.as_of, Snapshot.id, SnapshotTotal.currency)
    )  # fmt: skip
    schema = {"snapshot_id": pl.Int64(), "as_of": pl.Date(), "currency": pl.String(),
              "total_cents": pl.Int64(), "open_cents": pl.Int64()}  # fmt: skip
    with engine.connect() as conn:
        frame = pl.DataFrame([tuple(r) for r in conn.execute(query)], schema=schema, orient="row")
    return frame.select(
        "snapshot_id", "as_of", "currency",
        bulk.from_cents("total_cents").alias("total"), bulk.from_cents("open_cents").alias("open_total"),
    )  # fmt: skip


def list_snapshots(engine: sa.Engine) -> pl.DataFrame:
    """Committed snapshots, newest as-of date first (``SNAPSHOT_LIST_SCHEMA``)."""
    with engine.connect() as conn:
        snaps = conn.execute(sa.select(Snapshot).order_by(Snapshot.as_of.desc(), Snapshot.id.desc())).all()
        totals = conn.execute(
            sa.select(SnapshotTotal.snapshot_id, SnapshotTotal.currency, SnapshotTotal.total_cents)
        )
        per_snapshot: dict[int, dict[str, Decimal]] = {}
        for sid, cur, cents in totals:
            per_snapshot.setdefault(sid, {})[cur] = from_cents(cents)
    rows = [(s.id, s.as_of, s.file_name, s.source_format, s.rows, s.customers, s.created_by, s.created_at,
             _format_totals(per_snapshot.get(s.id, {}))) for s in snaps]  # fmt: skip
    return pl.DataFrame(rows, schema=SNAPSHOT_LIST_SCHEMA, orient="row")


def delete_snapshot(engine: sa.Engine, actor: Actor, snapshot_id: int) -> None:
    """Remove a snapshot committed by mistake, with its items and totals (leads and admins, audited)."""
    actor.require(*IMPORT_ROLES, doing="remove snapshots")
    with write_transaction(engine) as conn:
        snap = conn.execute(sa.select(Snapshot).where(Snapshot.id == snapshot_id)).first()
        if snap is None:
            raise NotFound(f"no snapshot {snapshot_id}")
        before: dict[str, Any] = {c: getattr(snap, c) for c in Snapshot.__table__.columns.keys()}  # noqa: SIM118
        totals = conn.execute(sa.select(SnapshotTotal.currency, SnapshotTotal.total_cents)
                              .where(SnapshotTotal.snapshot_id == snapshot_id)).all()  # fmt: skip
        before["totals"] = {c: from_cents(t) for c, t in totals}
        conn.execute(sa.delete(Snapshot).where(Snapshot.id == snapshot_id))  # items and totals cascade
        record(conn, actor, "delete_snapshot", "snapshot", snapshot_id, before=before)
        reopened = _reopen_promises_decided_on(conn, actor, snap.as_of)
    if reopened:  # decide them again against the snapshots that remain
        from ar_core.promises import refresh_promise_statuses

        refresh_promise_statuses(engine)


def _reopen_promises_decided_on(conn: sa.Connection, actor: Actor, as_of: date) -> int:
    """A mistaken extract may have made items "vanish": its verdicts on promises go with it."""
    if conn.execute(sa.select(Snapshot.id).where(Snapshot.as_of == as_of)).first() is not None:
        return 0  # another snapshot of that day still stands behind the verdicts
    decided = conn.execute(
        sa.select(Promise.id, Promise.status).where(
            Promise.status_decided_on == as_of, Promise.status != "open"
        )
    ).all()
    for promise_id, status in decided:
        conn.execute(
            sa.update(Promise).where(Promise.id == promise_id).values(status="open", status_decided_on=None)
        )
        record(conn, actor, "reopen_promise", "promise", promise_id,
               before={"status": status, "status_decided_on": as_of},
               after={"status": "open", "reason": "the deciding snapshot was removed"})  # fmt: skip
    return len(decided)


def customer_items_history(engine: sa.Engine, actor: Actor, customer_id: str) -> pl.DataFrame:
    """Every stored line of one customer across all snapshots, with the snapshot's as-of date.

    Small by nature (one account), so an indexed plain query is the fast path here; the
    account view derives from it when an item appeared and when it was cleared. A collector
    reads only their own customers (PermissionDenied otherwise).
    """
    from ar_core.escalations import check_customer_access

    check_customer_access(engine, actor, customer_id, write=False)
    sql = sa.text(
        f"SELECT s.as_of AS snapshot_as_of, i.snapshot_id, {bulk.item_select_columns('i')} "
        "FROM open_items i JOIN snapshots s ON s.id = i.snapshot_id "
        "WHERE i.customer_id = :c ORDER BY s.as_of, i.id"
    ).bindparams(c=customer_id)
    with engine.connect() as conn:
        rows = pl.read_database(sql, connection=conn, infer_schema_length=None)
    if rows.is_empty():
        return bulk.items_frame(
            pl.DataFrame(schema=dict.fromkeys(bulk.STORE_COLUMNS[1:], pl.Null()))
        ).with_columns(
            pl.lit(None, pl.Date).alias("snapshot_as_of"), pl.lit(None, pl.Int64).alias("snapshot_id")
        )
    as_of = rows["snapshot_as_of"]
    if as_of.dtype == pl.String:
        as_of = as_of.str.to_date("%Y-%m-%d")
    return bulk.items_frame(rows).with_columns(
        as_of.cast(pl.Date).alias("snapshot_as_of"), rows["snapshot_id"]
    )


def load_customer_items(engine: sa.Engine, snapshot_id: int, customer_ids: list[str]) -> pl.DataFrame:
    """The items of a few customers in one snapshot (indexed read; for promises and accounts)."""
    if not customer_ids:
        return bulk.items_frame(pl.DataFrame(schema=dict.fromkeys(bulk.STORE_COLUMNS[1:], pl.Null())))
    sql = sa.text(
        f"SELECT {bulk.item_select_columns('i')} FROM open_items i "
        "WHERE i.snapshot_id = :s AND i.customer_id IN :c ORDER BY i.customer_id, i.id"
    ).bindparams(sa.bindparam("c", expanding=True), s=snapshot_id, c=list(customer_ids))
    with engine.connect() as conn:
        rows = pl.read_database(sql, connection=conn, infer_schema_length=None)
    if rows.is_empty():
        rows = pl.DataFrame(schema=dict.fromkeys(bulk.STORE_COLUMNS[1:], pl.Null()))
    return bulk.items_frame(rows)

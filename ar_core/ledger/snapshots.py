"""Snapshots: committing a read extract to the store, all or nothing, and reading it back.

A snapshot is immutable once committed: later features compare consecutive pictures of the
ledger by item identity to see what was cleared. Each snapshot has a **scope**
(:mod:`ar_core.ledger.snapshot_scope`): the whole ledger, or the company codes / customers the extract covers.
The ledger as of a snapshot is composed from the latest full snapshot overlaid by the later
partial ones, so a one-company-code extract never makes the rest of the ledger look cleared.

The import writes the snapshot row, its items, per-currency totals (the file's own total rows
beside the committed ones), the customers seen and the audit record in ONE transaction on the
engine's fastest bulk path (see :mod:`ar_core.store.bulk`); if any step fails nothing of it
remains. Removal retires a snapshot (its items stay for the auditor) and undoes what it changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import polars as pl
import sqlalchemy as sa

from ar_core.access import record
from ar_core.errors import ArDeskError, DuplicateImport, NotFound, OverlappingSnapshot, ValidationFailed
from ar_core.ledger.customers import customers_from_items, merge_customers, undo_snapshot_changes
from ar_core.ledger.items import open_items, snapshot_facts
from ar_core.ledger.register import snapshot_register
from ar_core.ledger.snapshot_scope import Scope, compose
from ar_core.money import format_amount, from_cents, to_cents
from ar_core.store import bulk
from ar_core.store.db import confirm_actor, write_transaction
from ar_core.store.models import Customer, Snapshot, SnapshotTotal, utcnow

if TYPE_CHECKING:
    from ar_core.access import Actor
    from ar_core.ingest import ExtractResult

__all__ = [
    "ImportOutcome",
    "ImportPreview",
    "cleared_between_snapshots",
    "customer_items_history",
    "delete_snapshot",
    "find_snapshot_by_hash",
    "import_extract",
    "list_snapshots",
    "load_customer_items",
    "load_items",
    "load_snapshot_items",
    "preview_import",
    "snapshot_scopes",
    "snapshot_totals",
    "totals_history",
]

#: Who may commit or remove snapshots.
IMPORT_ROLES = ("lead", "admin")
#: Runs inside the transaction that retires a snapshot: ``(connection, actor, as_of, snapshot_id)``
#: -> how many workflow records it undid. Lets the collections area undo its own effects atomically
#: without the ledger knowing about promises.
RetireHook = Callable[[sa.Connection, "Actor", date, int], int]

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
    "scope": pl.String(),
    "scope_json": pl.String(),
    "retired_at": pl.Datetime("us", "UTC"),
    "retired_by": pl.String(),
    "retire_reason": pl.String(),
}

_IN_FORCE = Snapshot.retired_at.is_(None)


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
    #: Open promises to pay that this snapshot decided (kept, partly kept, broken); filled in by
    #: ``collections.lifecycle``, which decides them after the commit.
    promises_decided: int = 0
    #: What the retirement hook undid for the snapshots this one replaced (e.g. verdicts reopened).
    undone_on_replace: int = 0
    scope: Scope = field(default_factory=Scope.whole_ledger)
    #: Snapshots of the same day and overlapping scope that this one replaced (retired).
    replaced: list[int] = field(default_factory=list)
    #: The file's own total rows per currency (empty when it has none).
    file_totals: dict[str, Decimal] = field(default_factory=dict)
    #: Per currency, the rows "commit only the valid rows" left out: ``{"rows", "amount"}``.
    excluded: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class ImportPreview:
    """What Validate tells the lead before Commit: the date and scope, and what would go wrong.

    ``problems`` block the commit (no as-of date, conflicting dates, rows outside the scope);
    ``warnings`` need a look (far fewer customers or items than the previous snapshot of the
    same scope); ``overlapping`` snapshots must be replaced explicitly.
    """

    as_of: date | None
    scope: Scope
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    overlapping: list[dict[str, Any]] = field(default_factory=list)
    duplicate_of: int | None = None
    excluded: dict[str, dict[str, Any]] = field(default_factory=dict)
    previous: dict[str, Any] | None = None


# --- reading: snapshots in force, and the composed ledger ------------------------------------


def _chain(conn: sa.Connection, snapshot_id: int) -> list[tuple[int, date, Scope]]:
    """The snapshots composing the ledger at ``snapshot_id``: the latest full one, then partials.

    Ordered by (as-of date, id); a retired snapshot composes only itself (read as imported).
    """
    snap = conn.execute(
        sa.select(Snapshot.id, Snapshot.as_of, Snapshot.scope, Snapshot.retired_at).where(
            Snapshot.id == snapshot_id
        )
    ).first()
    if snap is None:
        return []
    if snap.retired_at is not None:
        return [(snap.id, snap.as_of, Scope.whole_ledger())]
    rows = conn.execute(
        sa.select(Snapshot.id, Snapshot.as_of, Snapshot.scope)
        .where(
            _IN_FORCE,
            sa.tuple_(Snapshot.as_of, Snapshot.id) <= sa.tuple_(sa.literal(snap.as_of), sa.literal(snap.id)),
        )
        .order_by(Snapshot.as_of, Snapshot.id)
    ).all()
    chain: list[tuple[int, date, Scope]] = []
    for sid, as_of, scope_text in rows:
        scope = Scope.from_json(scope_text)
        if scope.full:
            chain = []
        chain.append((sid, as_of, scope))
    return chain


def ledger_key(engine: sa.Engine, snapshot_id: int) -> tuple[int, ...]:
    """What the ledger at ``snapshot_id`` is made of: its chain's snapshot ids (a retired one: negated).

    Snapshots are immutable, so equal keys mean equal ledgers: the key for caching what derives
    from them (a removal or a later partial import changes the key, nothing else does).
    """
    with engine.connect() as conn:
        retired = conn.execute(sa.select(Snapshot.retired_at).where(Snapshot.id == snapshot_id)).first()
        chain = _chain(conn, snapshot_id)
    if retired is not None and retired[0] is not None:
        return (-snapshot_id,)
    return tuple(sid for sid, _, _ in chain) or (snapshot_id,)


def load_snapshot_items(engine: sa.Engine, snapshot_id: int) -> pl.DataFrame:
    """The items of one snapshot exactly as imported (``ITEM_SCHEMA``), retired or not."""
    return bulk.load_items(engine, snapshot_id)


def load_items(engine: sa.Engine, snapshot_id: int) -> pl.DataFrame:
    """The ledger as of a snapshot (``ITEM_SCHEMA``, money exact), grouped by customer.

    For a full snapshot these are its own items; after a partial one, the items of the latest
    full snapshot with every later partial snapshot's scope replaced by that snapshot's items.
    """
    with engine.connect() as conn:
        chain = _chain(conn, snapshot_id)
    if not chain:
        return bulk.load_items(engine, snapshot_id)
    frames = [(scope, bulk.load_items(engine, sid)) for sid, _, scope in chain]
    base_scope, base = frames[0]
    if not base_scope.full:  # no full snapshot before: the ledger is what the partials showed
        base = base.clear()
        return compose(base, frames)
    return compose(base, frames[1:])


def _effective_as_of(result: ExtractResult, as_of: date | None) -> tuple[date | None, str | None]:
    """The file's own key date, else the one chosen at upload; a problem when none or two differ."""
    if result.as_of is None and as_of is None:
        return None, (
            f"{result.file_name}: no as-of (key) date: the file states none, so choose the date of the "
            "extract at upload (CLI: --as-of YYYY-MM-DD)"
        )
    if result.as_of is not None and as_of is not None and result.as_of != as_of:
        return None, (
            f"{result.file_name}: the file is as of {result.as_of:%d.%m.%Y} but {as_of:%d.%m.%Y} was "
            "chosen; choose the file's date or no date"
        )
    return result.as_of or as_of, None


def _blocking(result: ExtractResult) -> list[Any]:
    """Problems that block even "commit only the valid rows": file-level and reconciliation errors."""
    return list(result.blocking_errors)


def _file_totals(result: ExtractResult) -> dict[str, Decimal]:
    return dict(result.file_totals())


def _excluded(result: ExtractResult) -> dict[str, dict[str, Any]]:
    return dict(result.excluded_summary())


#: Rows left out that the import's audit record lists one by one (the counts cover them all).
AUDITED_EXCLUDED_ROWS = 1_000


def _excluded_rows(result: ExtractResult) -> list[dict[str, Any]]:
    frame = result.excluded
    return frame.head(AUDITED_EXCLUDED_ROWS).to_dicts() if frame is not None else []


def _check_importable(result: ExtractResult, commit_valid_rows: bool) -> None:
    errors = result.errors
    blocking = _blocking(result)
    if blocking:
        raise ValidationFailed(f"{result.file_name}: the file as a whole is unusable: {blocking[0]}")
    if errors and not commit_valid_rows:
        raise ValidationFailed(
            f"{result.file_name}: {len(errors)} problem(s) in {result.rejected_rows} row(s); nothing "
            "imported. Fix the file, or commit only the valid rows."
        )
    if result.items.is_empty():
        raise ValidationFailed(f"{result.file_name}: no valid items to import")


def find_snapshot_by_hash(engine: sa.Engine, file_hash: str) -> int | None:
    """The id of the snapshot in force imported from a file with this content hash, if any."""
    with engine.connect() as conn:
        return conn.execute(sa.select(Snapshot.id).where(Snapshot.file_hash == file_hash, _IN_FORCE)).scalar()


def _duplicate(result: ExtractResult, snapshot_id: int | None) -> DuplicateImport:
    return DuplicateImport(f"{result.file_name}: this file was already imported (snapshot {snapshot_id})")


def resolve_scope(engine: sa.Engine, scope: Scope) -> Scope:
    """Fix a scope chosen by collectors into the customers they own now (stored as such)."""
    if scope.full or not scope.collectors:
        return scope
    with engine.connect() as conn:
        owned = conn.execute(
            sa.select(Customer.customer_id).where(Customer.collector.in_(list(scope.collectors)))
        ).scalars()
        customers = sorted({*scope.customers, *owned})
    return Scope.partial(scope.company_codes, customers or ["(none)"], scope.collectors)


def _overlapping(conn: sa.Connection, as_of: date, scope: Scope) -> list[dict[str, Any]]:
    rows = conn.execute(
        sa.select(Snapshot.id, Snapshot.file_name, Snapshot.scope).where(_IN_FORCE, Snapshot.as_of == as_of)
    ).all()
    found = []
    for sid, name, text in rows:
        other = Scope.from_json(text)
        if other.overlaps(scope):
            found.append({"snapshot_id": sid, "file_name": name, "scope": other.describe()})
    return found


def _previous_counts(engine: sa.Engine, as_of: date, scope: Scope) -> dict[str, Any] | None:
    """The latest snapshot in force before ``as_of``: its open customers and items inside ``scope``.

    When that ledger is one full snapshot (the usual weekly case) and the new extract covers the
    whole ledger, the counts stored at its import answer; otherwise its items are counted.
    """
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(Snapshot.id, Snapshot.as_of, Snapshot.open_items, Snapshot.open_customers)
            .where(_IN_FORCE, Snapshot.as_of < as_of)
            .order_by(Snapshot.as_of.desc(), Snapshot.id.desc()).limit(1)
        ).first()  # fmt: skip
        if row is None:
            return None
        chain = _chain(conn, row.id)
        meta: dict[str, Any] = {"snapshot_id": row.id, "as_of": row.as_of}
        if len(chain) == 1 and chain[0][2].full:
            if scope.full and row.open_items is not None:  # counted at its import
                counted = {"customers_before": row.open_customers, "items_before": row.open_items}
                return {**meta, **counted}
            # one full snapshot (the usual weekly case): three columns of it suffice
            prev = bulk.read_snapshot_rows(
                conn, row.id, ["company_code", "customer_id", "clearing_date"], sort=False
            )
            prev = prev.filter(scope.contains())
            open_prev = open_items(prev, row.as_of)
            return {
                **meta,
                "customers_before": open_prev["customer_id"].n_unique(),
                "items_before": open_prev.height,
            }
    open_prev = open_items(load_items(engine, row.id).filter(scope.contains()), row.as_of)
    return {**meta, "customers_before": open_prev["customer_id"].n_unique(), "items_before": open_prev.height}


def _coverage_warnings(
    engine: sa.Engine, result: ExtractResult, as_of: date, scope: Scope
) -> tuple[list[str], dict[str, Any] | None]:
    from ar_core.settings import get_coverage_thresholds

    previous = _previous_counts(engine, as_of, scope)
    if previous is None:
        return [], None
    meta = {**previous, "customers": result.items["customer_id"].n_unique(), "items": result.items.height}
    warnings = []
    for what, pct in get_coverage_thresholds(engine).items():
        now, before = meta[what], meta[f"{what}_before"]
        if before and now * 100 < before * pct:
            warnings.append(
                f"{result.file_name}: covers {now:,} {what} where the snapshot of "
                f"{meta['as_of']:%d.%m.%Y} had {before:,} in the same scope ({scope.describe()}) — "
                f"fewer than {pct} %. Is this a filtered export? If it covers only part of the ledger, "
                "choose that scope; customers outside it keep their items."
            )
    return warnings, meta


def _outside_scope(result: ExtractResult, scope: Scope) -> list[str]:
    if scope.full:
        return []
    outside = result.items.filter(~scope.contains())
    if outside.is_empty():
        return []
    rows = outside["source_row"].head(10).to_list() if "source_row" in outside.columns else []
    where = f" (rows {', '.join(str(r) for r in rows)}{' …' if outside.height > 10 else ''})" if rows else ""
    return [
        f"{result.file_name}: {outside.height:,} item(s) lie outside the chosen scope "
        f"({scope.describe()}){where}"
    ]


def preview_import(
    engine: sa.Engine,
    actor: Actor,
    result: ExtractResult,
    *,
    as_of: date | None = None,
    scope: Scope | None = None,
) -> ImportPreview:
    """Everything Validate must say before Commit, with nothing stored (leads and admins)."""
    actor.require(*IMPORT_ROLES, doing="import extracts")
    effective, date_problem = _effective_as_of(result, as_of)
    chosen = resolve_scope(engine, scope) if scope is not None else Scope.of_items(result.items)
    problems = [date_problem] if date_problem else []
    problems += _outside_scope(result, chosen)
    preview = ImportPreview(
        as_of=effective, scope=chosen, problems=problems,
        duplicate_of=find_snapshot_by_hash(engine, result.file_hash),
        excluded=_excluded(result) if result.errors else {},
    )  # fmt: skip
    if effective is None or result.items.is_empty():
        return preview
    with engine.connect() as conn:
        overlapping = _overlapping(conn, effective, chosen)
    warnings, previous = _coverage_warnings(engine, result, effective, chosen)
    return replace(preview, overlapping=overlapping, warnings=warnings, previous=previous)


def import_extract(
    engine: sa.Engine,
    actor: Actor,
    result: ExtractResult,
    *,
    as_of: date | None = None,
    scope: Scope | None = None,
    replace_existing: bool = False,
    commit_valid_rows: bool = False,
    dry_run: bool = False,
    on_retire: RetireHook | None = None,
) -> ImportOutcome:
    """Commit a validated extract as a new snapshot of ``scope`` (leads and admins).

    ``scope`` defaults to the company codes the file lists (the whole ledger when it lists
    none). Raises ``PermissionDenied``, ``DuplicateImport`` (same file content in force),
    ``ValidationFailed`` (errors and the lead did not choose to commit only the valid rows, or a
    file-level error such as totals that do not reconcile, which always blocks),
    ``OverlappingSnapshot`` (same as-of date and overlapping scope, unless ``replace_existing``:
    then those snapshots are retired in the same transaction) or ``ArDeskError`` (no or
    conflicting as-of date, items outside the scope). A dry run checks all of that, stores
    nothing and reports what would be committed. ``on_retire`` runs for each replaced snapshot
    inside the import transaction (see :data:`RetireHook`).
    """
    preview = preview_import(engine, actor, result, as_of=as_of, scope=scope)
    _check_importable(result, commit_valid_rows)
    if preview.problems:
        raise ArDeskError("; ".join(preview.problems))
    if preview.duplicate_of is not None:
        raise _duplicate(result, preview.duplicate_of)
    effective: date = preview.as_of  # type: ignore[assignment]
    if preview.overlapping and not replace_existing:
        ids = ", ".join(str(o["snapshot_id"]) for o in preview.overlapping)
        raise OverlappingSnapshot(
            f"{result.file_name}: snapshot {ids} of {effective:%d.%m.%Y} already covers part of this "
            f"scope ({preview.scope.describe()}); replace it explicitly (CLI --replace) or stop"
        )
    items = result.items
    totals, open_totals = result.totals(), result.open_totals(effective)
    file_totals = _file_totals(result)
    excluded = _excluded(result) if result.errors else {}
    outcome = ImportOutcome(
        snapshot_id=None, as_of=effective, rows=items.height, customers=items["customer_id"].n_unique(),
        totals=totals, open_totals=open_totals, rejected_rows=result.rejected_rows,
        warnings=[str(p) for p in result.warnings] + preview.warnings, scope=preview.scope,
        replaced=[o["snapshot_id"] for o in preview.overlapping], file_totals=file_totals, excluded=excluded,
    )  # fmt: skip
    if dry_run:
        return outcome
    meta = {
        "as_of": effective,
        "file_name": result.file_name[:255],
        "file_hash": result.file_hash,
        "source_format": result.source_format[:200],
        "rows": outcome.rows,
        "customers": outcome.customers,
        "created_by": actor.username,
        "created_at": utcnow(),
        "scope": preview.scope.to_json(),
        **snapshot_facts(items, effective),
    }
    reopened = 0
    try:
        with bulk.import_transaction(engine, items) as tx:
            confirm_actor(tx.connection, actor)
            for old in outcome.replaced:
                reopened += _retire(
                    tx.connection, actor, old, f"replaced by {result.file_name[:200]}", on_retire
                )
            snapshot_id, merged = _write_snapshot(tx, meta, totals, open_totals, file_totals)
            after = {**meta, "snapshot_id": snapshot_id, "scope": preview.scope.as_dict(), "totals": totals,
                     "open_totals": open_totals, "file_totals": file_totals,
                     "difference": {c: totals.get(c, Decimal(0)) - t for c, t in file_totals.items()},
                     "excluded": excluded,
                     "excluded_rows": _excluded_rows(result) if excluded else [],
                     "rejected_rows": result.rejected_rows,
                     "commit_valid_rows": commit_valid_rows, "replaced": outcome.replaced,
                     "warnings": preview.warnings, "customers_added": len(merged["inserted"]),
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
        customers_updated=len(merged["updated"]), undone_on_replace=reopened,
    )  # fmt: skip


def is_full_snapshot(engine: sa.Engine, snapshot_id: int) -> bool:
    """Whether the ledger at ``snapshot_id`` is that snapshot's own items (no earlier base under it)."""
    with engine.connect() as conn:
        return len(_chain(conn, snapshot_id)) == 1


def _write_snapshot(
    tx: bulk.ImportTransaction,
    meta: dict[str, Any],
    totals: dict[str, Decimal],
    open_totals: dict[str, Decimal],
    file_totals: dict[str, Decimal],
) -> tuple[int, dict[str, Any]]:
    """The writes of an import, in the caller's transaction: snapshot, totals, items, customers."""
    conn = tx.connection
    snapshot_id = conn.execute(sa.insert(Snapshot).values(**meta).returning(Snapshot.id)).scalar_one()
    rows = [
        {"snapshot_id": snapshot_id, "currency": currency,
         "total_cents": to_cents(totals.get(currency, Decimal(0))),
         "open_total_cents": to_cents(open_totals.get(currency, Decimal(0))),
         "file_total_cents": to_cents(file_totals[currency]) if currency in file_totals else None}
        for currency in sorted({*totals, *file_totals})
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
    """``{"totals": {currency: Decimal}, "open_totals": {...}, "file_totals": {...}}`` of one snapshot."""
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(SnapshotTotal.currency, SnapshotTotal.total_cents, SnapshotTotal.open_total_cents,
                      SnapshotTotal.file_total_cents)
            .where(SnapshotTotal.snapshot_id == snapshot_id)
            .order_by(SnapshotTotal.currency)
        ).all()  # fmt: skip
    return {
        "totals": {c: from_cents(t) for c, t, _, _ in rows},
        "open_totals": {c: from_cents(o) for c, _, o, _ in rows},
        "file_totals": {c: from_cents(f) for c, _, _, f in rows if f is not None},
    }


def totals_history(engine: sa.Engine) -> pl.DataFrame:
    """Per snapshot in force and currency: total, open total and whether it is the whole ledger.

    Oldest first, for trend charts: a partial snapshot's totals cover only its scope.
    """
    query = (
        sa.select(Snapshot.id, Snapshot.as_of, SnapshotTotal.currency, SnapshotTotal.total_cents,
                  SnapshotTotal.open_total_cents, Snapshot.scope)
        .join(SnapshotTotal, SnapshotTotal.snapshot_id == Snapshot.id)
        .where(_IN_FORCE)
        .order_by(Snapshot.as_of, Snapshot.id, SnapshotTotal.currency)
    )  # fmt: skip
    schema = {"snapshot_id": pl.Int64(), "as_of": pl.Date(), "currency": pl.String(),
              "total_cents": pl.Int64(), "open_cents": pl.Int64(), "whole_ledger": pl.Boolean()}  # fmt: skip
    with engine.connect() as conn:
        rows = [(*r[:5], Scope.from_json(r[5]).full) for r in conn.execute(query)]
    frame = pl.DataFrame(rows, schema=schema, orient="row")
    return frame.select(
        "snapshot_id", "as_of", "currency",
        bulk.from_cents("total_cents").alias("total"), bulk.from_cents("open_cents").alias("open_total"),
        "whole_ledger",
    )  # fmt: skip


def list_snapshots(engine: sa.Engine, *, include_retired: bool = False) -> pl.DataFrame:
    """Snapshots in force (also the removed ones when asked), newest as-of date first."""
    rows = [(s.snapshot_id, s.as_of, s.file_name, s.source_format, s.rows, s.customers, s.created_by,
             s.created_at, _format_totals(s.totals), Scope.from_json(s.scope_json).describe(), s.scope_json,
             s.retired_at, s.retired_by, s.retire_reason)
            for s in snapshot_register(engine, include_retired=include_retired)]  # fmt: skip
    return pl.DataFrame(rows, schema=SNAPSHOT_LIST_SCHEMA, orient="row")


def delete_snapshot(
    engine: sa.Engine,
    actor: Actor,
    snapshot_id: int,
    reason: str = "",
    *,
    on_retire: RetireHook | None = None,
) -> int:
    """Remove a snapshot committed by mistake (leads and admins, audited) and undo what it did.

    The snapshot is retired, not erased: its items stay readable for the auditor (who removed it
    and when), but it no longer counts. The customers it created and the blanks it filled are
    undone; ``on_retire`` undoes the workflow's own effects in the same transaction (the promise
    verdicts, see ``collections.lifecycle.remove_snapshot``). Returns what the hook undid.
    """
    actor.require(*IMPORT_ROLES, doing="remove snapshots")
    with write_transaction(engine, actor) as conn:
        return _retire(conn, actor, snapshot_id, reason.strip()[:500] or "removed as a mistake", on_retire)


def _retire(
    conn: sa.Connection, actor: Actor, snapshot_id: int, reason: str, on_retire: RetireHook | None
) -> int:
    """Retire one snapshot on the caller's transaction; returns what ``on_retire`` undid."""
    snap = conn.execute(sa.select(Snapshot).where(Snapshot.id == snapshot_id, _IN_FORCE)).first()
    if snap is None:
        raise NotFound(f"no snapshot {snapshot_id} in force")
    before: dict[str, Any] = {c: getattr(snap, c) for c in Snapshot.__table__.columns.keys()}  # noqa: SIM118
    totals = conn.execute(sa.select(SnapshotTotal.currency, SnapshotTotal.total_cents)
                          .where(SnapshotTotal.snapshot_id == snapshot_id)).all()  # fmt: skip
    before["totals"] = {c: from_cents(t) for c, t in totals}
    now = utcnow()
    conn.execute(
        sa.update(Snapshot).where(Snapshot.id == snapshot_id)
        .values(retired_at=now, retired_by=actor.username, retire_reason=reason)
    )  # fmt: skip
    customers = undo_snapshot_changes(conn, actor, snapshot_id)
    reopened = on_retire(conn, actor, snap.as_of, snapshot_id) if on_retire else 0
    record(conn, actor, "delete_snapshot", "snapshot", snapshot_id, before=before,
           after={"retired_at": now, "reason": reason, "customers": customers,
                  "promises_reopened": reopened})  # fmt: skip
    return reopened


def _in_force_scopes(conn: sa.Connection) -> list[tuple[int, date, Scope]]:
    rows = conn.execute(
        sa.select(Snapshot.id, Snapshot.as_of, Snapshot.scope)
        .where(_IN_FORCE)
        .order_by(Snapshot.as_of, Snapshot.id)
    ).all()
    return [(sid, as_of, Scope.from_json(text)) for sid, as_of, text in rows]


def snapshot_scopes(engine: sa.Engine) -> dict[int, Scope]:
    """The scope of every snapshot in force, by id."""
    with engine.connect() as conn:
        return {sid: scope for sid, _, scope in _in_force_scopes(conn)}


def _empty_items() -> pl.DataFrame:
    return bulk.items_frame(pl.DataFrame(schema=dict.fromkeys(bulk.STORE_COLUMNS[1:], pl.Null())))


def customer_items_history(engine: sa.Engine, actor: Actor, customer_id: str) -> pl.DataFrame:
    """One customer's ledger as of every snapshot in force, with the snapshot's as-of date.

    Small by nature (one account), so an indexed plain query is the fast path here; the
    account view derives from it when an item appeared and when it was cleared. Each
    snapshot's lines are composed like the whole ledger: a partial snapshot that does not cover
    the customer repeats what the customer had before instead of making it look cleared.
    A collector reads only their own customers (PermissionDenied otherwise).
    """
    from ar_core.access import check_customer_access

    check_customer_access(engine, actor, customer_id, write=False)
    with engine.connect() as conn:
        scopes = _in_force_scopes(conn)
        rows = bulk.customer_rows(conn, [customer_id], [sid for sid, _, _ in scopes])
    empty = _empty_items().with_columns(
        pl.lit(None, pl.Date).alias("snapshot_as_of"), pl.lit(None, pl.Int64).alias("snapshot_id")
    )
    if rows.is_empty():
        return empty
    by_snapshot = rows["snapshot_id"].cast(pl.Int64)
    items = bulk.items_frame(rows.drop("snapshot_id")).with_columns(by_snapshot.alias("snapshot_id"))
    current = items.clear()
    frames = []
    for sid, as_of, scope in scopes:
        own = items.filter(pl.col("snapshot_id") == sid)
        current = own if scope.full else pl.concat([current.filter(~scope.contains()), own])
        if not current.is_empty():
            frames.append(current.with_columns(pl.lit(sid, pl.Int64).alias("snapshot_id"),
                                               pl.lit(as_of, pl.Date).alias("snapshot_as_of")))  # fmt: skip
    if not frames:
        return empty
    return pl.concat(frames).select(empty.columns)


def load_customer_items(engine: sa.Engine, snapshot_id: int, customer_ids: list[str]) -> pl.DataFrame:
    """A few customers' part of the ledger as of a snapshot (indexed reads; promises and accounts)."""
    if not customer_ids:
        return _empty_items()
    with engine.connect() as conn:
        chain = _chain(conn, snapshot_id)
        if not chain:
            return _empty_items()
        rows = bulk.customer_rows(conn, list(customer_ids), [sid for sid, _, _ in chain])
    frames = []
    for sid, _, scope in chain:
        own = rows.filter(pl.col("snapshot_id") == sid).drop("snapshot_id")
        frames.append((scope, bulk.items_frame(own) if not own.is_empty() else _empty_items()))
    base_scope, base = frames[0]
    return compose(base, frames[1:]) if base_scope.full else compose(base.clear(), frames)


def cleared_between_snapshots(engine: sa.Engine, prev_id: int, now_id: int) -> pl.DataFrame:
    """``ledger.clearing.cleared_between`` of two snapshots' ledgers (items open at the earlier
    snapshot's date that the later one no longer lists as open, plus ``cleared_on``).

    For two full snapshots only the identity and clearing-date columns are read, then the
    cleared items' versions; when neither snapshot holds an item identity twice, the versions
    both hold without a clearing date are left out as well (open in both, so never cleared and,
    identities being unique, matching no other item): most of two weeks' items. Otherwise the
    composed ledgers.
    """
    from ar_core.ledger.clearing import cleared_between

    with engine.connect() as conn:
        facts = {
            r.id: r
            for r in conn.execute(
                sa.select(Snapshot.id, Snapshot.as_of, Snapshot.unique_identities)
                .where(Snapshot.id.in_([prev_id, now_id]))
            )
        }  # fmt: skip
        if prev_id not in facts or now_id not in facts:
            raise NotFound(f"no snapshot {prev_id if prev_id not in facts else now_id}")
        chains = [_chain(conn, prev_id), _chain(conn, now_id)]
        prev_as_of, now_as_of = facts[prev_id].as_of, facts[now_id].as_of
        composed = any(len(c) != 1 or not c[0][2].full for c in chains)
        if not composed:
            unique = all(facts[s].unique_identities for s in (prev_id, now_id))
            full, order = _cleared_versions(conn, prev_id, now_id, prev_as_of, now_as_of, unique=unique)
    if composed:
        prev, now = load_items(engine, prev_id), load_items(engine, now_id)
        return cleared_between(prev, now, now_as_of, prev_as_of=prev_as_of)
    rows = bulk.customer_then_file_order(full.with_columns(order["source_row"], order["cleared_on"]))
    return bulk.items_frame(rows).with_columns(rows["cleared_on"])


def _cleared_versions(
    conn: sa.Connection, prev_id: int, now_id: int, prev_as_of: date, now_as_of: date, *, unique: bool
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The versions of ``prev_id`` cleared by ``now_id`` (full rows) and their source rows, cleared_on."""
    import numpy as np

    from ar_core.ledger.clearing import cleared_between  # the one clearing rule, on narrow frames

    prev_ids, prev_rows = bulk.snapshot_members(conn, prev_id)
    now_ids = bulk.snapshot_member_ids(conn, now_id)  # the later snapshot's file lines play no part
    narrow = ["id", "company_code", "customer_id", "fiscal_year", bulk.DOC_KEY, "line_item", "clearing_date"]
    # version ids are small dense integers: membership flags over their range give the union
    # and both masks in linear time (no sort, no binary searches)
    top = int(max(prev_ids.max(initial=-1), now_ids.max(initial=-1))) + 1
    flags = np.zeros(top, np.uint8)
    flags[prev_ids] |= 1
    flags[now_ids] |= 2
    both = np.flatnonzero(flags).astype(np.int64)
    held = flags[both]
    # the narrow columns of both snapshots' versions first (a column of a block is read alone),
    # every column only of the versions found cleared
    slim = bulk.read_versions(conn, both, narrow[1:])
    in_prev, in_now = (held & 1).astype(bool), (held & 2).astype(bool)  # masks over ``both``
    if unique:
        open_in_both = in_prev & in_now & slim["clearing_date"].is_null().to_numpy()
        prev_rows = prev_rows[~open_in_both[in_prev]]
        in_prev, in_now = in_prev & ~open_in_both, in_now & ~open_in_both
    prev = bulk.with_source_rows(slim.filter(pl.Series(in_prev)), prev_rows)
    now = slim.filter(pl.Series(in_now))
    cleared = cleared_between(prev, now, now_as_of, prev_as_of=prev_as_of)
    order = cleared.select("id", "source_row", "cleared_on").sort("id")
    return bulk.read_versions(conn, order["id"].to_numpy(), keep=True), order

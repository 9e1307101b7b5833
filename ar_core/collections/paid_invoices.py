"""Which invoices each customer paid, and when: the history that payment behaviour rests on.

Two sources, because most extracts list open items only:

- ``extract``: a clearing date an "all items" extract shows (the ledger at the snapshot, or the
  later snapshot of a pair that lists the item as cleared);
- ``vanished``: an invoice open in one full snapshot and no longer listed by the next one. The ERP
  did not say when it was paid, so its clearing date is the later snapshot's as-of date — the
  best-known upper bound (with weekly snapshots at most six days late in the estimate).

Invoices only (amount > 0), cleared on or before the snapshot's as-of date, one row per item
identity (``ledger.KEY``): an extract's clearing date wins over a vanished date, then the latest.
Snapshots are immutable, so each pair of consecutive snapshots is compared once per server
process (``ar_core.memo``; about a second at a million items) and the chain once per snapshot.
"""

from __future__ import annotations

from itertools import pairwise

import polars as pl
import sqlalchemy as sa

from ar_core import settings
from ar_core.access import Actor, check_customer_access
from ar_core.errors import NotFound
from ar_core.ledger import (
    KEY,
    Scope,
    cleared_between_snapshots,
    ledger_items,
    ledger_key,
    reporting_rates,
    snapshot_register,
    to_reporting,
    with_identity,
)
from ar_core.memo import memo
from ar_core.schema import MONEY

#: The history's columns, in order.
HISTORY_COLUMNS: tuple[str, ...] = (
    "customer_id", "company_code", "country", "collector", "doc_no", "doc_date", "due_date",
    "clearing_date", "amount", "currency", "amount_rep", "source",
)  # fmt: skip
_CARRIED = ("customer_id", "company_code", "country", "collector", "doc_no", "fiscal_year", "line_item",
            "doc_date", "due_date", "amount", "currency", "amount_reporting")  # fmt: skip


def _chain(engine: sa.Engine, snapshot_id: int) -> tuple[list[tuple[int, object]], object]:
    """The full snapshots in force up to ``snapshot_id`` (oldest first) ending with it, and its as-of."""
    register = snapshot_register(engine, include_retired=True)
    target = next((s for s in register if s.snapshot_id == snapshot_id), None)
    if target is None:
        raise NotFound(f"no snapshot {snapshot_id}")
    earlier = [
        (s.snapshot_id, s.as_of)
        for s in register
        if s.retired_at is None
        and s.snapshot_id != snapshot_id
        and (s.as_of, s.snapshot_id) < (target.as_of, target.snapshot_id)
        and Scope.from_json(s.scope_json).full
    ]
    return [*sorted(earlier, key=lambda p: (p[1], p[0])), (snapshot_id, target.as_of)], target.as_of


def _pair(engine: sa.Engine, prev_id: int, now_id: int, now_as_of) -> pl.DataFrame:
    """The invoices of ``prev_id`` no longer open at ``now_id``, dated (see the module docstring)."""

    def compute() -> pl.DataFrame:
        cleared = cleared_between_snapshots(engine, prev_id, now_id)
        return _shape(
            cleared.filter(pl.col("amount") > 0),
            pl.coalesce("cleared_on", pl.lit(now_as_of)),
            pl.when(pl.col("cleared_on").is_null()).then(pl.lit("vanished")).otherwise(pl.lit("extract")),
        )

    key = (ledger_key(engine, prev_id), ledger_key(engine, now_id))
    return memo(engine, "payment_history_pair", key, compute, keep=64)


def _shape(frame: pl.DataFrame, cleared: pl.Expr, source: pl.Expr) -> pl.DataFrame:
    return with_identity(frame).select(
        *KEY, *(c for c in _CARRIED if c not in KEY), cleared.alias("clearing_date"), source.alias("source")
    )


def _history(engine: sa.Engine, snapshot_id: int, chain: list, as_of, key: tuple) -> pl.DataFrame:

    def compute() -> pl.DataFrame:
        ledger = ledger_items(engine, snapshot_id)
        own = _shape(
            ledger.filter((pl.col("amount") > 0) & (pl.col("clearing_date") <= as_of)),
            pl.col("clearing_date"),
            pl.lit("extract"),
        )
        frames = [own] + [_pair(engine, a, b, b_as_of) for (a, _), (b, b_as_of) in pairwise(chain)]
        every = pl.concat(frames, how="vertical_relaxed").filter(pl.col("clearing_date") <= as_of)
        # one row per identity: the extract's date first, then the latest clearing
        return (
            every.sort(
                [pl.col("source") == "extract", "clearing_date"], descending=[True, True], maintain_order=True
            )
            .unique(subset=list(KEY), keep="first", maintain_order=True)
            .sort("customer_id", "clearing_date", "doc_no")
        )

    return memo(engine, "payment_history", key, compute, keep=4)


def payment_history(engine: sa.Engine, snapshot_id: int) -> pl.DataFrame:
    """Every customer's paid invoices known at ``snapshot_id`` (:data:`HISTORY_COLUMNS`; services only).

    Unscoped and shared: never mutate. ``amount_rep`` is the reporting currency at the snapshot's
    as-of date (null where a currency has no rate). People read :func:`customer_payment_history`.
    """
    chain, as_of = _chain(engine, snapshot_id)
    key = (ledger_key(engine, snapshot_id), tuple(ledger_key(engine, sid) for sid, _ in chain[:-1]))
    reporting = settings.get_reporting_currency(engine)
    fx = reporting_rates(engine, as_of, reporting)

    def compute() -> pl.DataFrame:
        history = _history(engine, snapshot_id, chain, as_of, key)
        converted, _missing = to_reporting(history, fx, reporting)
        return converted.with_columns(pl.col("amount_rep").cast(MONEY)).select(HISTORY_COLUMNS)

    return memo(engine, "payment_history_rep", (key, reporting, tuple(fx.iter_rows())), compute, keep=4)


def customer_payment_history(
    engine: sa.Engine, actor: Actor, snapshot_id: int, customer_id: str
) -> pl.DataFrame:
    """One customer's paid invoices at ``snapshot_id``; ``PermissionDenied`` outside the portfolio."""
    check_customer_access(engine, actor, customer_id, write=False)
    return payment_history(engine, snapshot_id).filter(pl.col("customer_id") == customer_id)

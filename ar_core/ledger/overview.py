"""Portfolio views over a snapshot's items: what is open and overdue, for everyone or one collector."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import polars as pl

from ar_core.ledger.items import open_items, overdue_debit
from ar_core.schema import MONEY


def open_summary(items: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Per currency: open balance, overdue (``due_date < as_of`` and amount > 0), credits, disputed, counts.

    Overdue follows the house rule: only debit items past their net due date are overdue;
    credits (negative amounts) are never overdue but are shown separately as credit balances.
    Used by the account view, where one customer's items stay in their own currencies.
    """
    open_ = open_items(items, as_of)
    zero = pl.lit(0).cast(MONEY)
    overdue = overdue_debit(as_of)
    return (
        open_.group_by("currency")
        .agg(
            pl.col("amount").sum().cast(MONEY).alias("open"),
            pl.when(overdue).then(pl.col("amount")).otherwise(zero).sum().cast(MONEY).alias("overdue"),
            pl.when(pl.col("amount") < 0)
            .then(pl.col("amount"))
            .otherwise(zero)
            .sum()
            .cast(MONEY)
            .alias("credits"),
            pl.when(pl.col("disputed").fill_null(False))
            .then(pl.col("amount"))
            .otherwise(zero)
            .sum()
            .cast(MONEY)
            .alias("disputed"),
            pl.len().alias("items"),
            pl.col("customer_id").n_unique().alias("customers"),
        )
        .sort("currency")
    )


def _money_sum(frame: pl.DataFrame, cond: pl.Expr | None = None) -> Decimal:
    col = pl.col("amount_rep")
    value = frame.select((col if cond is None else col.filter(cond)).sum().cast(MONEY)).item()
    return Decimal(value or 0).quantize(Decimal("0.01"))


def summary_tiles(
    items_now: pl.DataFrame,
    items_prev: pl.DataFrame | None,
    as_of: date,
    rates: pl.DataFrame | None,
    *,
    reporting: str = "EUR",
    prev_as_of: date | None = None,
) -> dict:
    """The overview tiles in the reporting currency, and the change since the previous snapshot.

    Keys: ``open, overdue, pct_overdue`` (Decimal, one decimal), ``over_90, credit_balances``
    (sum of credit items, negative), ``disputed`` (open disputed debits), ``customers`` (int),
    ``new_overdue`` (overdue now, not overdue or absent at ``prev_as_of``), ``cleared`` (net amount
    of previous open items cleared by ``as_of``), both None without a previous snapshot, and
    ``missing_currencies`` (list: items without a rate, left out of the sums, to warn about).
    ``prev_as_of`` defaults to a week before ``as_of`` (snapshots are weekly).
    """
    from ar_core.ledger.clearing import cleared_between
    from ar_core.ledger.fx import to_reporting
    from ar_core.ledger.items import KEY, with_identity

    now, missing = to_reporting(open_items(items_now, as_of), rates, reporting)
    debit_overdue = overdue_debit(as_of)
    open_ = _money_sum(now)
    overdue = _money_sum(now, debit_overdue)
    tiles: dict = {
        "open": open_,
        "overdue": overdue,
        "pct_overdue": (overdue * 100 / open_).quantize(Decimal("0.1")) if open_ > 0 else Decimal("0.0"),
        "over_90": _money_sum(
            now, debit_overdue & ((pl.lit(as_of) - pl.col("due_date")).dt.total_days() > 90)
        ),
        "credit_balances": _money_sum(now, pl.col("amount") < 0),
        "disputed": _money_sum(now, pl.col("disputed").fill_null(False) & (pl.col("amount") > 0)),
        "customers": now.get_column("customer_id").n_unique(),
        "new_overdue": None,
        "cleared": None,
        "missing_currencies": missing,
    }
    if items_prev is None:
        return tiles
    prev_as_of = prev_as_of or as_of - timedelta(days=7)
    key = list(KEY)
    was_overdue = (
        with_identity(open_items(items_prev, prev_as_of))
        .filter(overdue_debit(prev_as_of))
        .select(key)
        .unique()
    )
    newly = with_identity(now.filter(debit_overdue)).join(was_overdue, on=key, how="anti", nulls_equal=True)
    tiles["new_overdue"] = _money_sum(newly)
    cleared, more_missing = to_reporting(
        cleared_between(items_prev, items_now, as_of, prev_as_of=prev_as_of), rates, reporting
    )
    tiles["cleared"] = _money_sum(cleared)
    tiles["missing_currencies"] = sorted(set(missing) | set(more_missing))
    return tiles

"""Portfolio views over a snapshot's items: what is open and overdue, for everyone or one collector."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

import polars as pl

from ar_core.schema import MONEY


def in_portfolio(items: pl.DataFrame, customer_ids: Collection[str] | None) -> pl.DataFrame:
    """Restrict items to a portfolio; ``None`` means the whole ledger (lead, controller, admin)."""
    if customer_ids is None:
        return items
    return items.filter(pl.col("customer_id").is_in(list(customer_ids)))


def open_items(items: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Items still open at ``as_of``: not cleared, or cleared only after the as-of date."""
    return items.filter(pl.col("clearing_date").is_null() | (pl.col("clearing_date") > as_of))


def open_summary(items: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Per currency: open balance, overdue (``due_date < as_of`` and amount > 0), credits, counts.

    Overdue follows the house rule: only debit items past their net due date are overdue;
    credits (negative amounts) are never overdue but are shown separately as credit balances.
    """
    open_ = open_items(items, as_of)
    zero = pl.lit(0).cast(MONEY)
    overdue = (pl.col("due_date") < as_of) & (pl.col("amount") > 0)
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
            pl.len().alias("items"),
            pl.col("customer_id").n_unique().alias("customers"),
        )
        .sort("currency")
    )

"""How late each customer pays, from their paid invoices (pure: frame in, frame out).

The rule, exactly as computed by :func:`payment_behaviour`:

- days late of an invoice = max(0, clearing date − due date): paying early earns nothing;
- the year is the 365 days up to and including ``as_of`` (clearing date > as_of − 365 days), the
  recent window the last 90 days the same way; invoices cleared after ``as_of`` are ignored;
- ``avg_days_late`` is the plain mean over the year's invoices, ``weighted_days_late`` the mean
  weighted by amount (the reporting amount ``amount_rep`` where known, else ``amount``), so one
  large invoice paid late counts more than ten small ones paid on time;
- ``on_time_share`` is the percentage of the year's invoices with 0 days late;
- ``trend_days`` = recent weighted days late − the year's weighted days late;
- ``later_than_usual`` when at least ``min_recent`` invoices were paid in the last 90 days and
  ``trend_days`` ≥ ``threshold_days``: a customer slipping from their own habit, not one who
  always pays late.

Days are Float64 rounded to 2 places (days, not money).
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

#: The result's columns, in order.
BEHAVIOUR_COLUMNS: tuple[str, ...] = (
    "customer_id", "cleared_count", "avg_days_late", "weighted_days_late", "on_time_share",
    "recent_count", "recent_weighted_days_late", "trend_days", "later_than_usual",
)  # fmt: skip
YEAR_DAYS = 365
RECENT_DAYS = 90


def _weighted(days: pl.Expr, weight: pl.Expr) -> pl.Expr:
    return ((days * weight).sum() / weight.sum()).round(2)


def _paid_in_year(history: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """The invoices paid in the year up to ``as_of``: customer_id, clearing_date, ``days`` late
    (max(0, clearing − due)) and their weight ``w`` (reporting amount, else local amount)."""
    amount = pl.col("amount").cast(pl.Float64)
    weight = (
        pl.coalesce(pl.col("amount_rep").cast(pl.Float64), amount)
        if "amount_rep" in history.columns
        else amount
    )
    late = (pl.col("clearing_date") - pl.col("due_date")).dt.total_days().clip(lower_bound=0).cast(pl.Float64)
    return history.filter(
        (pl.col("clearing_date") <= as_of) & (pl.col("clearing_date") > as_of - timedelta(days=YEAR_DAYS))
    ).select("customer_id", "clearing_date", late.alias("days"), weight.alias("w"))


def payment_behaviour(
    history: pl.DataFrame, as_of: date, *, threshold_days: int = 10, min_recent: int = 3
) -> pl.DataFrame:
    """Per customer with an invoice paid in the year up to ``as_of``: :data:`BEHAVIOUR_COLUMNS`.

    ``history`` holds customer_id, due_date, clearing_date, amount (and optionally amount_rep),
    one row per paid invoice (``collections.payment_history``).
    """
    year = _paid_in_year(history, as_of)
    recent = pl.col("clearing_date") > as_of - timedelta(days=RECENT_DAYS)
    days, w = pl.col("days"), pl.col("w")
    out = (
        year.group_by("customer_id")
        .agg(
            pl.len().cast(pl.Int64).alias("cleared_count"),
            days.mean().round(2).alias("avg_days_late"),
            _weighted(days, w).alias("weighted_days_late"),
            ((days == 0).sum() * 100 / pl.len()).cast(pl.Float64).round(2).alias("on_time_share"),
            recent.sum().cast(pl.Int64).alias("recent_count"),
            _weighted(days.filter(recent), w.filter(recent)).alias("recent_weighted_days_late"),
        )
        .with_columns(
            (pl.col("recent_weighted_days_late") - pl.col("weighted_days_late")).round(2).alias("trend_days")
        )
        .with_columns(
            ((pl.col("recent_count") >= min_recent) & (pl.col("trend_days") >= threshold_days))
            .fill_null(False)
            .alias("later_than_usual")
        )
        .sort("customer_id")
    )
    return out.select(BEHAVIOUR_COLUMNS)


def days_late_by_month(history: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Per month of payment in the year up to ``as_of`` (``month`` = its first day): the invoices paid
    and their amount-weighted days late, for a chart of how a customer's habit moves."""
    return (
        _paid_in_year(history, as_of)
        .group_by(pl.col("clearing_date").dt.truncate("1mo").alias("month"))
        .agg(
            pl.len().cast(pl.Int64).alias("invoices"),
            _weighted(pl.col("days"), pl.col("w")).alias("weighted_days_late"),
        )
        .sort("month")
    )

"""Conversion of item amounts into the reporting currency.

A team compares customers across company codes only in one currency. The ERP's own reporting
amount wins where the extract carries it (it reconciles with the ledger); otherwise the local
amount is converted with the rate of the snapshot date. An item whose currency has no rate keeps
``amount_rep`` null and its currency is returned, so the page can warn: nothing is dropped silently.
"""

from __future__ import annotations

import polars as pl

from ar_core.schema import MONEY

#: Rates are "reporting currency per one unit of the item currency": ``amount_rep = amount * rate``.
RATE = pl.Decimal(18, 6)  # rates.RATE_PLACES: six places
DEFAULT_REPORTING = "EUR"


def rate_table(rates: pl.DataFrame | None, reporting: str = DEFAULT_REPORTING) -> pl.DataFrame:
    """``rates`` as ``[currency, rate Decimal(18,6)]`` with the reporting currency always at 1."""
    schema = {"currency": pl.String(), "rate": RATE}
    table = (
        pl.DataFrame(schema=schema) if rates is None else rates.select("currency", pl.col("rate").cast(RATE))
    )
    one = pl.DataFrame({"currency": [reporting], "rate": [1]}).cast(schema)  # type: ignore[arg-type]
    return pl.concat([one, table.filter(pl.col("currency") != reporting)]).unique("currency", keep="first")


def amount_rep_expr(reporting_col: str | None = "amount_reporting") -> pl.Expr:
    """``amount_rep`` from ``amount`` and a joined ``rate`` column, rounded half away from zero."""
    converted = (pl.col("amount") * pl.col("rate")).round(2, mode="half_away_from_zero").cast(MONEY)
    if reporting_col is None:
        return converted.alias("amount_rep")
    return pl.coalesce(pl.col(reporting_col).cast(MONEY), converted).alias("amount_rep")


def to_reporting(
    items: pl.DataFrame, rates: pl.DataFrame | None, reporting: str = DEFAULT_REPORTING
) -> tuple[pl.DataFrame, list[str]]:
    """Add ``amount_rep`` (MONEY, reporting currency) to ``items``.

    Returns the frame (same rows, same order) and the sorted currencies that had an item needing
    a rate and none was given; those items keep ``amount_rep`` null.
    """
    # The extract's reporting amount is in the group currency (EUR); in any other reporting
    # currency it would be mislabelled, so then every amount is converted from local currency.
    has_rep = "amount_reporting" in items.columns and reporting == DEFAULT_REPORTING
    table = rate_table(rates, reporting)
    joined = items.join(table, on="currency", how="left", maintain_order="left")
    out = joined.with_columns(amount_rep_expr("amount_reporting" if has_rep else None)).drop("rate")
    missing = (
        out.filter(pl.col("amount_rep").is_null() & pl.col("amount").is_not_null())
        .get_column("currency")
        .unique()
        .sort()
        .to_list()
    )
    return out, [str(c) for c in missing]

"""Item identity and the rules every area shares about an item: open at a date, its document key."""

from __future__ import annotations

from datetime import date

import polars as pl


def open_items(items: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Items still open at ``as_of``: not cleared, or cleared only after the as-of date."""
    return items.filter(pl.col("clearing_date").is_null() | (pl.col("clearing_date") > as_of))


#: The matching key columns added by :func:`with_identity`.
KEY: tuple[str, ...] = ("company_code", "fiscal_year", "_doc_key", "line_item")


def doc_key_expr(col: str = "doc_no") -> pl.Expr:
    """The document number without leading zeros ("0090001234" and "90001234" are one document)."""
    stripped = pl.col(col).str.strip_chars().str.strip_chars_start("0")
    # an all-zero number stays "0" rather than becoming empty
    return pl.when(stripped == "").then(pl.lit("0")).otherwise(stripped).alias("_doc_key")


def with_identity(items: pl.DataFrame) -> pl.DataFrame:
    """``items`` plus the ``_doc_key`` column of :data:`KEY`."""
    return items.with_columns(doc_key_expr())

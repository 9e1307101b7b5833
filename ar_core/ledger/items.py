"""Item identity and the rules every area shares about an item: open at a date, its document key."""

from __future__ import annotations

from datetime import date

import polars as pl

from ar_core.schema import doc_key, doc_key_expr  # the one rule, shared with ingest


def open_items(items: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Items still open at ``as_of``: not cleared, or cleared only after the as-of date."""
    return items.filter(pl.col("clearing_date").is_null() | (pl.col("clearing_date") > as_of))


#: The matching key columns added by :func:`with_identity`.
KEY: tuple[str, ...] = ("company_code", "fiscal_year", "_doc_key", "line_item")


__all__ = ["KEY", "doc_key", "doc_key_expr", "open_items", "overdue_debit", "snapshot_facts", "with_identity"]


def overdue_debit(as_of: date) -> pl.Expr:
    """Overdue at ``as_of``: a debit (amount > 0) past its net due date; credits are never overdue."""
    return (pl.col("due_date") < as_of) & (pl.col("amount") > 0)


def with_identity(items: pl.DataFrame) -> pl.DataFrame:
    """``items`` plus the ``_doc_key`` column of :data:`KEY` (kept when a store read derived it)."""
    return items if "_doc_key" in items.columns else items.with_columns(doc_key_expr())


def snapshot_facts(items: pl.DataFrame, as_of: date) -> dict[str, int | bool]:
    """What an import stores about its items: open items and customers at ``as_of``, and
    whether no item identity (:data:`KEY`) occurs twice — the condition under which two
    snapshots' shared item versions can be left out of "cleared between" (see ``snapshots``).
    """
    still_open = open_items(items, as_of)
    return {
        "open_items": still_open.height,
        "open_customers": still_open["customer_id"].n_unique(),
        "unique_identities": not with_identity(items).select(KEY).is_duplicated().any(),
    }

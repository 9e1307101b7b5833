"""The controllership view of the dunning cycle: items and customers per level, the letters due at
the next run, what is blocked and why, the ERP's dunning level against the procedure (a control
check), and the levels per snapshot over time. Pure: frames in, frames out.

Three levels are told apart: AR Desk's *recorded* level (the letters it released), the level the
*procedure* gives by days overdue alone, and the *ERP*'s level from the extract's ``dunning_level``
column. A customer whose ERP level differs from the procedure's is listed: either the ERP dunned
outside the procedure or the extract's level is stale.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import polars as pl

from ar_core.recovery.dunning_run import RunProposal
from ar_core.recovery.procedure import LEVEL_LABELS, Procedure, level_by_days, procedure_for
from ar_core.schema import item_key_expr

MONEY = pl.Decimal(18, 2)
LEVEL_SUMMARY_SCHEMA: dict[str, pl.DataType] = {
    "level": pl.Int64(),
    "label": pl.String(),
    "items": pl.UInt32(),
    "customers": pl.UInt32(),
    "amount": MONEY,
}
DUE_SCHEMA: dict[str, pl.DataType] = {
    "level": pl.Int64(),
    "label": pl.String(),
    "letters": pl.UInt32(),
    "currency": pl.String(),
    "total": MONEY,
}
BLOCK_SUMMARY_SCHEMA: dict[str, pl.DataType] = {
    "reason": pl.String(),
    "items": pl.UInt32(),
    "customers": pl.UInt32(),
    "amount": MONEY,
}
MISMATCH_SCHEMA: dict[str, pl.DataType] = {
    "customer_id": pl.String(),
    "erp_level": pl.Int64(),
    "procedure_level": pl.Int64(),
    "recorded_level": pl.Int64(),
    "overdue": MONEY,
    "max_days_overdue": pl.Int64(),
}
TREND_SCHEMA: dict[str, pl.DataType] = {
    "as_of": pl.Date(),
    "source": pl.String(),
    "level": pl.Int64(),
    "items": pl.UInt32(),
    "amount": MONEY,
}


def _label(level: int) -> str:
    return LEVEL_LABELS.get(level, "Not dunned")


def with_levels(
    items: pl.DataFrame, levels: pl.DataFrame, procedures: Mapping[str, Procedure], as_of: date
) -> pl.DataFrame:
    """The overdue debits of ``items`` with ``days_overdue``, ``procedure_level``, ``recorded_level``
    (AR Desk's, 0 when never dunned) and ``erp_level`` (the extract's, 0 when empty)."""
    if "_item_key" not in items.columns:
        items = items.with_columns(item_key_expr())
    overdue = items.filter((pl.col("amount") > 0) & (pl.col("due_date") < as_of)).with_columns(
        (pl.lit(as_of) - pl.col("due_date")).dt.total_days().cast(pl.Int64).alias("days_overdue")
    )
    proc = [
        level_by_days(d, procedure_for(procedures, c))
        for d, c in zip(overdue["days_overdue"], overdue["company_code"], strict=True)
    ]
    recorded = levels.select("_item_key", pl.col("level").cast(pl.Int64).alias("recorded_level"))
    erp = (
        pl.col("dunning_level").cast(pl.Int64).fill_null(0) if "dunning_level" in items.columns else pl.lit(0)
    )
    return (
        overdue.with_columns(pl.Series("procedure_level", proc, dtype=pl.Int64), erp.alias("erp_level"))
        .join(recorded, on="_item_key", how="left")
        .with_columns(pl.col("recorded_level").fill_null(0))
    )


def level_summary(leveled: pl.DataFrame, column: str = "recorded_level") -> pl.DataFrame:
    """Overdue items, customers and amount per level (``column`` of :func:`with_levels`), level 0 first."""
    if leveled.is_empty():
        return pl.DataFrame(schema=LEVEL_SUMMARY_SCHEMA)
    out = (
        leveled.group_by(pl.col(column).alias("level"))
        .agg(
            pl.len().alias("items"),
            pl.col("customer_id").n_unique().alias("customers"),
            pl.col("amount").sum().cast(MONEY),
        )
        .sort("level")
    )
    labels = pl.Series("label", [_label(int(n)) for n in out["level"]], dtype=pl.String)
    return out.with_columns(labels).select(list(LEVEL_SUMMARY_SCHEMA)).cast(LEVEL_SUMMARY_SCHEMA)


def letters_due(proposal: RunProposal) -> pl.DataFrame:
    """The letters a run as of the next run date would propose, per level and currency."""
    rows = [(x.level, _label(x.level), x.currency, x.total) for x in proposal.letters]
    if not rows:
        return pl.DataFrame(schema=DUE_SCHEMA)
    frame = pl.DataFrame(rows, schema=["level", "label", "currency", "total"], orient="row")
    return (
        frame.group_by("level", "label", "currency")
        .agg(pl.len().alias("letters"), pl.col("total").sum())
        .sort("level", "currency")
        .select(list(DUE_SCHEMA))
        .cast(DUE_SCHEMA)
    )


def blocked_summary(leveled: pl.DataFrame, blocked: pl.DataFrame) -> pl.DataFrame:
    """Overdue items held back per reason (an item under a customer block counts for that block).

    An item with two reasons counts under each; the amounts are the items' open amounts.
    """
    by_item = leveled.join(
        blocked.filter(pl.col("_item_key").is_not_null()).select("_item_key", "reason"), on="_item_key"
    )
    by_customer = leveled.join(
        blocked.filter(pl.col("_item_key").is_null()).select("customer_id", "reason"), on="customer_id"
    )
    both = pl.concat(
        [
            by_item.select("reason", "_item_key", "customer_id", "amount"),
            by_customer.select("reason", "_item_key", "customer_id", "amount"),
        ]
    ).unique()
    if both.is_empty():
        return pl.DataFrame(schema=BLOCK_SUMMARY_SCHEMA)
    return (
        both.group_by("reason")
        .agg(
            pl.len().alias("items"),
            pl.col("customer_id").n_unique().alias("customers"),
            pl.col("amount").sum(),
        )
        .sort(["amount", "reason"], descending=[True, False])
        .cast(BLOCK_SUMMARY_SCHEMA)
    )


def erp_mismatches(leveled: pl.DataFrame) -> pl.DataFrame:
    """Customers whose ERP dunning level (highest of their overdue items) is not the procedure's.

    The control check: the ERP dunned outside the procedure, or its level is stale. Largest overdue first.
    """
    if leveled.is_empty():
        return pl.DataFrame(schema=MISMATCH_SCHEMA)
    per = leveled.group_by("customer_id").agg(
        pl.col("erp_level").max(),
        pl.col("procedure_level").max(),
        pl.col("recorded_level").max(),
        pl.col("amount").sum().alias("overdue"),
        pl.col("days_overdue").max().alias("max_days_overdue"),
    )
    return (
        per.filter(pl.col("erp_level") != pl.col("procedure_level"))
        .sort(["overdue", "customer_id"], descending=[True, False])
        .select(list(MISMATCH_SCHEMA))
        .cast(MISMATCH_SCHEMA)
    )


def level_trend(
    snapshots: Sequence[tuple[date, pl.DataFrame]],
    procedures: Mapping[str, Procedure],
    *,
    by_customer: bool = False,
) -> pl.DataFrame:
    """Per snapshot (its as-of date and open items) the overdue items and amount per level, once by the
    procedure's days overdue and once by the ERP's level (``source`` "procedure" / "ERP").

    ``by_customer`` keeps a ``customer_id`` column (a team-wide result a service scopes afterwards,
    then sums with :func:`trend_total`).
    """
    empty = pl.DataFrame(schema={"_item_key": pl.String(), "level": pl.Int64()})
    keys = ["customer_id"] if by_customer else []
    schema = {**TREND_SCHEMA, **({"customer_id": pl.String()} if by_customer else {})}
    parts = []
    for as_of, items in snapshots:
        leveled = with_levels(items, empty, procedures, as_of)
        for source, column in (("procedure", "procedure_level"), ("ERP", "erp_level")):
            part = leveled.group_by(pl.col(column).alias("level"), *keys).agg(
                pl.len().alias("items"), pl.col("amount").sum().cast(MONEY)
            )
            parts.append(part.with_columns(pl.lit(as_of).alias("as_of"), pl.lit(source).alias("source")))
    if not parts:
        return pl.DataFrame(schema=schema)
    return pl.concat([p.select(list(schema)).cast(schema) for p in parts]).sort(
        "as_of", "source", "level", *keys
    )


def trend_total(per_customer: pl.DataFrame) -> pl.DataFrame:
    """:func:`level_trend` ``by_customer`` summed over the customers (:data:`TREND_SCHEMA`)."""
    return (
        per_customer.group_by("as_of", "source", "level")
        .agg(pl.col("items").sum(), pl.col("amount").sum())
        .select(list(TREND_SCHEMA))
        .cast(TREND_SCHEMA)
        .sort("as_of", "source", "level")
    )

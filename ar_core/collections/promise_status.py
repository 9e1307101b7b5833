"""Promise-to-pay verdicts from the clearing seen in later snapshots.

Nobody should have to tick "kept" by hand: the ledger says whether the money came. A promise is
watched from the snapshot at or before its creation to the first snapshot after its deadline
(promised date + grace days); what cleared in that window (by consecutive snapshot pairs, see
:mod:`ar_core.ledger.clearing`) is compared with the promised amount.

Rules (first match wins):

- ``kept``: the cleared amount reached the promised amount (decided by the snapshot that showed it,
  possibly before the deadline);
- ``open``: no snapshot after the deadline exists yet (on or before ``as_of``): no verdict without
  evidence, so a promise whose deadline is today or later is always open;
- ``partly kept``: something, but less than promised, cleared in the window;
- ``broken``: nothing cleared in the window.

A promise passed in with the status ``cancelled`` (withdrawn by the collector) keeps it: it is
never decided, whatever cleared.

Cleared amount: for a promise that lists items, what those items cleared (net); otherwise the
customer's cleared *debit* items. Items clearing after the deadline (per the clearing date the
later snapshot shows) do not count. Amounts count in the promise's currency: the local amount when
the item's currency matches, else the document amount when the document currency matches.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import date, timedelta

import polars as pl

from ar_core.ledger import cleared_between
from ar_core.schema import MONEY, doc_key_expr

#: Status of a promise whose deadline (promised date + grace days) has not passed yet.
OPEN = "open"
#: The statuses :func:`decide` gives.
STATUSES: tuple[str, ...] = (OPEN, "kept", "partly kept", "broken")
#: A withdrawn promise: passed through :func:`decide` untouched.
CANCELLED = "cancelled"
_ID = ("company_code", "fiscal_year", "_doc_key", "line_item")
_LISTED = {
    "_pid": pl.UInt32(),
    "company_code": pl.String(),
    "fiscal_year": pl.Int32(),
    "_doc_key": pl.String(),
    "line_item": pl.Int32(),
}
_EVENT_COLS = ("customer_id", "company_code", "fiscal_year", "doc_no", "line_item", "amount", "currency")


def _events(snaps: list[tuple[date, pl.DataFrame]], customers: list[str]) -> pl.DataFrame:
    """Every clearing seen between consecutive snapshots, for the given customers."""
    frames = []
    for (d_prev, prev), (d_now, now) in itertools.pairwise(snaps):
        prev_c = prev.filter(pl.col("customer_id").is_in(customers))
        now_c = now.filter(pl.col("customer_id").is_in(customers))
        cols = [*_EVENT_COLS, *(c for c in ("amount_doc", "doc_currency") if c in prev.columns)]
        cleared = cleared_between(prev_c.select(*cols, "clearing_date"), now_c, d_now, prev_as_of=d_prev)
        frames.append(
            cleared.drop("clearing_date").with_columns(
                pl.lit(d_prev).alias("seen_from"), pl.lit(d_now).alias("seen_at")
            )
        )
    if not frames:
        return pl.DataFrame()
    out = pl.concat(frames, how="diagonal_relaxed")
    for col, dtype in (("amount_doc", MONEY), ("doc_currency", pl.String())):
        if col not in out.columns:
            out = out.with_columns(pl.lit(None, dtype=dtype).alias(col))
    return out.with_columns(
        doc_key_expr(), pl.col("fiscal_year").cast(pl.Int32), pl.col("line_item").cast(pl.Int32)
    )


def _promise_items(promises: pl.DataFrame) -> pl.DataFrame:
    """One row per (promise, listed item identity)."""
    empty = pl.DataFrame(schema=_LISTED)
    if "items" not in promises.columns:
        return empty
    exploded = promises.select("_pid", "items").explode("items").drop_nulls("items")
    if exploded.is_empty() or not isinstance(exploded.schema["items"], pl.Struct):
        return empty
    flat = exploded.unnest("items")
    for col, dtype in (("company_code", pl.String()), ("fiscal_year", pl.Int32()), ("line_item", pl.Int32())):
        flat = flat.with_columns(
            (pl.col(col) if col in flat.columns else pl.lit(None)).cast(dtype).alias(col)
        )
    return flat.with_columns(doc_key_expr().cast(pl.String)).select("_pid", *_ID).cast(_LISTED)


def decide(
    promises: pl.DataFrame,
    snapshots: Sequence[tuple[date, pl.DataFrame]],
    as_of: date,
    grace_days: int = 3,
) -> pl.DataFrame:
    """``promises`` with ``status``, ``status_decided_on`` and ``cleared_amount`` (re)computed.

    ``promises`` needs ``customer_id, amount, currency, promised_date, created_at`` (date or
    datetime) and may carry ``items`` (list of identity structs: company_code, fiscal_year, doc_no,
    line_item). ``snapshots`` are ``(as_of, items)`` pairs; those after ``as_of`` are ignored.
    """
    snaps = sorted(((d, f) for d, f in snapshots if d <= as_of), key=lambda s: s[0])
    withdrawn = (
        (promises.get_column("status") == CANCELLED).fill_null(False)
        if "status" in promises.columns
        else pl.Series([False] * promises.height, dtype=pl.Boolean)
    )
    p = promises.drop("status", "status_decided_on", "cleared_amount", strict=False).with_row_index("_pid")
    dates = pl.Series([d for d, _ in snaps], dtype=pl.Date())
    deadline = p.get_column("promised_date") + timedelta(days=grace_days)
    created = p.get_column("created_at").cast(pl.Date)
    n = dates.len()
    if n:
        start_idx = (dates.search_sorted(created, side="right").cast(pl.Int64) - 1).clip(0, n - 1)
        end_idx = dates.search_sorted(deadline, side="right").cast(pl.Int64)
        start = dates.gather(start_idx)
        end = pl.Series([dates[int(i)] if i < n else None for i in end_idx], dtype=pl.Date())
    else:
        start = end = pl.Series([None] * p.height, dtype=pl.Date())
    p = p.with_columns(_start=start, _end=end, _deadline=deadline, _made=created)

    cleared = _cleared(p, _events(snaps, p.get_column("customer_id").unique().to_list()))
    zero = pl.lit(0).cast(MONEY)
    p = p.join(cleared, on="_pid", how="left").with_columns(
        pl.col("cleared_amount").fill_null(zero).cast(MONEY)
    )
    status = (
        pl.when(pl.col("_kept_on").is_not_null())
        .then(pl.lit("kept"))
        .when(pl.col("_end").is_null())
        .then(pl.lit("open"))
        .when(pl.col("cleared_amount") > 0)
        .then(pl.lit("partly kept"))
        .otherwise(pl.lit("broken"))
    )
    decided = pl.when(pl.col("_kept_on").is_not_null()).then(pl.col("_kept_on")).otherwise(pl.col("_end"))
    cancelled = pl.col("_pid").is_in(pl.Series(withdrawn.arg_true(), dtype=pl.UInt32).implode())
    return (
        p.with_columns(
            pl.when(cancelled).then(pl.lit(CANCELLED)).otherwise(status).alias("status"),
            pl.when(cancelled).then(None).otherwise(decided).alias("status_decided_on"),
        )
        .sort("_pid")
        .drop("_pid", "_start", "_end", "_deadline", "_made", "_kept_on")
    )


def _cleared(p: pl.DataFrame, events: pl.DataFrame) -> pl.DataFrame:
    """Per promise: ``cleared_amount`` in the window and ``_kept_on`` (snapshot reaching the amount)."""
    schema = {"_pid": pl.UInt32(), "cleared_amount": MONEY, "_kept_on": pl.Date()}
    if events.is_empty() or p.is_empty():
        return pl.DataFrame(schema=schema)
    listed = _promise_items(p)
    by_items = listed.join(events, on=list(_ID), how="inner", nulls_equal=True)
    listed_ids = listed.get_column("_pid").unique()
    by_customer = (
        p.filter(~pl.col("_pid").is_in(listed_ids.implode()))
        .select("_pid", "customer_id")
        .join(events.filter(pl.col("amount") > 0), on="customer_id", how="inner")
    )
    cols = ["_pid", "seen_from", "seen_at", "amount", "currency", "amount_doc", "doc_currency", "cleared_on"]
    matched = pl.concat([by_items.select(cols), by_customer.select(cols)]).join(
        p.select("_pid", "_start", "_end", "_deadline", "_made", pl.col("currency").alias("_p_cur")),
        on="_pid",
    )
    value = (
        pl.when(pl.col("currency") == pl.col("_p_cur"))
        .then(pl.col("amount"))
        .when(pl.col("doc_currency") == pl.col("_p_cur"))
        .then(pl.col("amount_doc"))
    )
    in_window = (
        (pl.col("seen_from") >= pl.col("_start"))
        & (pl.col("_end").is_null() | (pl.col("seen_at") <= pl.col("_end")))
        & (pl.col("cleared_on").is_null() | (pl.col("cleared_on") <= pl.col("_deadline")))
        # money that came in before the promise was made did not keep it
        & (pl.col("cleared_on").is_null() | (pl.col("cleared_on") >= pl.col("_made")))
    )
    per_snap = (
        matched.filter(in_window)
        .group_by("_pid", "seen_at")
        .agg(value.sum().cast(MONEY).alias("_v"))
        .sort("_pid", "seen_at")
        .with_columns(pl.col("_v").cum_sum().over("_pid").alias("_cum"))
        .join(p.select("_pid", pl.col("amount").cast(MONEY).alias("_promised")), on="_pid")
    )
    return per_snap.group_by("_pid").agg(
        pl.col("_v").sum().cast(MONEY).alias("cleared_amount"),
        pl.col("seen_at").filter(pl.col("_cum") >= pl.col("_promised")).min().alias("_kept_on"),
    )

"""Follow-up KPIs of a period: promise-to-pay kept rate, dispute cycle time and open dispute age.

Pure rules: frames in (promises, cases), values out; the period is passed in.

- Promises *due* in ``start``..``end``: not cancelled, promised date within the period (both days
  included). *Kept*: the status the snapshots decided is ``kept`` (``collections.promise_status``:
  the cleared amount reached the promised amount); ``partly kept`` and ``broken`` are not kept, and
  a promise still ``open`` (no snapshot after its deadline yet) counts as due but not kept, named
  in the notes. Kept rate = kept ÷ due × 100, by count and by amount (reporting currency).
- Dispute cycle time: the mean of opened → resolved in calendar days over the disputes resolved
  within the period, as ``disputes.cycle_time`` counts it. Open disputes: open at ``end`` (opened on
  or before it, not resolved by then, ``disputes.open_cases``); their age = ``end`` − opened.

Every value is a ``Decimal`` rounded half up to 2 places, ``None`` with a note when there is
nothing to divide by.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import polars as pl

from ar_core.disputes import cycle_time, open_cases
from ar_core.schema import MONEY

_PLACES = Decimal("0.01")
_RATIO = pl.Decimal(18, 2)

#: The promise columns :func:`promise_kpis` gives after the grouping column.
PROMISE_KPI_SCHEMA: dict[str, pl.DataType] = {
    "promises_due": pl.Int64(),
    "promises_kept": pl.Int64(),
    "promises_undecided": pl.Int64(),
    "promises_due_amount": MONEY,
    "promises_kept_amount": MONEY,
    "promise_kept_rate": _RATIO,
    "promise_kept_rate_amount": _RATIO,
}
#: The dispute columns :func:`dispute_kpis` gives after the grouping column.
DISPUTE_KPI_SCHEMA: dict[str, pl.DataType] = {
    "disputes_resolved": pl.Int64(),
    "dispute_cycle_days": _RATIO,
    "open_disputes": pl.Int64(),
    "open_dispute_age_days": _RATIO,
}


def _share(part: object, whole: object, factor: int = 100) -> Decimal | None:
    whole = Decimal(str(whole or 0))
    if whole == 0:
        return None
    return (Decimal(str(part or 0)) / whole * factor).quantize(_PLACES, ROUND_HALF_UP)


def _grouped(frame: pl.DataFrame, by: str | None, aggs: list[pl.Expr]) -> pl.DataFrame:
    return frame.group_by(by).agg(*aggs) if by else frame.select(*aggs)


def promise_kpis(promises: pl.DataFrame, start: date, end: date, *, by: str | None = None) -> pl.DataFrame:
    """Promise kept rate of ``start``..``end`` per group (:data:`PROMISE_KPI_SCHEMA`).

    ``promises``: ``status``, ``promised_date``, ``amount`` (reporting currency) and the ``by``
    column. ``by=None``: one row, also when there is no promise.
    """
    due = promises.filter(
        (pl.col("status") != "cancelled") & pl.col("promised_date").is_between(start, end, closed="both")
    )
    kept = pl.col("status") == "kept"
    out = _grouped(
        due,
        by,
        [
            pl.len().cast(pl.Int64).alias("promises_due"),
            kept.sum().cast(pl.Int64).alias("promises_kept"),
            (pl.col("status") == "open").sum().cast(pl.Int64).alias("promises_undecided"),
            pl.col("amount").sum().cast(MONEY).alias("promises_due_amount"),
            pl.col("amount").filter(kept).sum().cast(MONEY).alias("promises_kept_amount"),
        ],
    )
    rates = [
        (_share(k, d), _share(ka, da))
        for k, d, ka, da in out.select(
            "promises_kept", "promises_due", "promises_kept_amount", "promises_due_amount"
        ).iter_rows()
    ]
    return out.with_columns(
        pl.Series("promise_kept_rate", [r[0] for r in rates], dtype=_RATIO),
        pl.Series("promise_kept_rate_amount", [r[1] for r in rates], dtype=_RATIO),
    ).select(*([by] if by else []), *PROMISE_KPI_SCHEMA)


def dispute_kpis(cases: pl.DataFrame, start: date, end: date, *, by: str | None = None) -> pl.DataFrame:
    """Dispute cycle time (resolved in the period) and age of the disputes open at ``end``, per group.

    ``cases``: ``disputes.CASE_SCHEMA`` (disputes only; inquiries are left out here); grouping by
    ``collector`` groups on its ``collector`` column, so a caller sets the portfolio owner there.
    """
    disputes = cases.filter(pl.col("type") == "dispute")
    key = by or "company_code"  # the total: summed over any grouping
    cycles = cycle_time(disputes, by=key, start=start, end=end).select(
        key,
        pl.col("n").alias("disputes_resolved"),
        (pl.col("mean_days") * pl.col("n")).round(0).alias("_days"),
    )
    still_open = open_cases(disputes, end).with_columns(
        (pl.lit(end) - pl.col("opened")).dt.total_days().alias("_age")
    )
    ages = still_open.group_by(key).agg(
        pl.len().cast(pl.Int64).alias("open_disputes"), pl.col("_age").sum().alias("_age_days")
    )
    joined = cycles.join(ages, on=key, how="full", coalesce=True, nulls_equal=True)
    sums = [
        pl.col("disputes_resolved").sum().cast(pl.Int64),
        pl.col("_days").sum(),
        pl.col("open_disputes").sum().cast(pl.Int64),
        pl.col("_age_days").sum(),
    ]
    out = joined.group_by(by).agg(*sums) if by else joined.select(*sums)
    values = [
        (_share(d, n, 1), _share(a, o, 1))
        for n, d, o, a in out.select("disputes_resolved", "_days", "open_disputes", "_age_days").iter_rows()
    ]
    return out.with_columns(
        pl.Series("dispute_cycle_days", [v[0] for v in values], dtype=_RATIO),
        pl.Series("open_dispute_age_days", [v[1] for v in values], dtype=_RATIO),
    ).select(*([by] if by else []), *DISPUTE_KPI_SCHEMA)


def followup_notes(row: dict) -> list[str]:
    """Why a follow-up KPI of one result row is empty, or what it leaves undecided."""
    notes = []
    if not row.get("promises_due"):
        notes.append("promise_kept_rate: no promise to pay fell due in the period")
    elif row.get("promises_undecided"):
        notes.append(
            f"promise_kept_rate: {row['promises_undecided']} promise(s) due in the period not decided yet "
            "(no snapshot after their deadline): counted as not kept"
        )
    if not row.get("disputes_resolved"):
        notes.append("dispute_cycle_days: no dispute resolved in the period")
    if not row.get("open_disputes"):
        notes.append("open_dispute_age_days: no dispute open at the end of the period")
    return notes

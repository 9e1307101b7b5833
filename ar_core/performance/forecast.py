"""When open invoices will be paid, the cash to expect per week, and how good that guess was.

The rules (pure: frames in, frames out, ``as_of`` passed in):

- **Usual days late** of a customer = the amount-weighted mean of max(0, clearing − due) over its
  invoices cleared on or before the day the forecast is made, rounded to whole days; used when it
  rests on at least ``min_invoices`` (default :data:`MIN_INVOICES`) invoices. Otherwise the
  customer's **segment** (country × company code) with the same rule, else 0 (the due date).
- **Expected payment date** of an open invoice = due date + usual days late, never before
  ``as_of``: an invoice expected in the past is expected on ``as_of`` (so in the as-of week).
- **Promises to pay** win: an open promise is expected on its promised date (``as_of`` when that
  has passed) with its promised amount; the invoices it names leave the prediction, and a promise
  naming none covers the customer's overdue invoices (due before ``as_of``).
- Credit notes and payments on account (amount ≤ 0) are **excluded**: they are not cash a customer
  sends, and netting them would move cash into weeks by the ERP's clearing habits, not the customer's.
- **Expected cash** per ISO week (Monday to Sunday) for ``weeks`` weeks starting with the as-of
  week, per collector, split into promised and predicted (Decimal, in the reporting currency:
  the totals are sums of the parts, to the cent).
- **Backtest**: cutoff = ``as_of`` − :data:`BACKTEST_DAYS` (the last quarter, 13 weeks); for
  every invoice cleared after the cutoff and on or before ``as_of``, the expected date is computed
  as above from the history cleared on or before the cutoff only (never before the cutoff); the
  mean absolute error in days is compared with the naive rule "pays on the due date".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import polars as pl

from ar_core.schema import MONEY

MIN_INVOICES = 3
WEEKS = 8
BACKTEST_DAYS = 91
SEGMENT: tuple[str, ...] = ("country", "company_code")
BASES: tuple[str, ...] = ("promise", "customer", "segment", "due date")

EXPECTED_SCHEMA: dict[str, pl.DataType] = {
    "customer_id": pl.String(),
    "collector": pl.String(),
    "doc_no": pl.String(),
    "due_date": pl.Date(),
    "amount": MONEY,  # reporting currency
    "expected_date": pl.Date(),
    "basis": pl.String(),  # one of BASES
    "kind": pl.String(),  # promised / predicted
}
WEEK_SCHEMA: dict[str, pl.DataType] = {
    "week_start": pl.Date(),
    "collector": pl.String(),
    "promised": MONEY,
    "predicted": MONEY,
    "expected": MONEY,
}


@dataclass(frozen=True)
class Backtest:
    """The backtest's result: invoices judged and both mean absolute errors (None when none)."""

    cutoff: date
    as_of: date
    invoices: int
    mae_days: float | None
    naive_mae_days: float | None
    #: invoices judged per basis of the prediction ("customer", "segment", "due date")
    bases: dict[str, int] = field(default_factory=dict)


def _weight(frame: pl.DataFrame) -> pl.Expr:
    amount = pl.col("amount").cast(pl.Float64)
    if "amount_rep" not in frame.columns:
        return amount
    return pl.coalesce(pl.col("amount_rep").cast(pl.Float64), amount)


def usual_days_late(
    history: pl.DataFrame, known_by: date, *, min_invoices: int = MIN_INVOICES
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Per customer and per segment: invoices cleared on or before ``known_by`` and the usual days late.

    Only groups with at least ``min_invoices`` invoices are returned (the others fall back).
    """
    late = (pl.col("clearing_date") - pl.col("due_date")).dt.total_days().clip(lower_bound=0).cast(pl.Float64)
    inv = history.filter(
        (pl.col("amount") > 0) & pl.col("due_date").is_not_null() & (pl.col("clearing_date") <= known_by)
    ).select("customer_id", *SEGMENT, late.alias("_d"), _weight(history).alias("_w"))
    usual = ((pl.col("_d") * pl.col("_w")).sum() / pl.col("_w").sum() + 0.5).floor().cast(pl.Int32)

    def per(keys: list[str], name: str) -> pl.DataFrame:
        return (
            inv.group_by(keys)
            .agg(pl.len().alias(f"{name}_invoices"), usual.alias(f"{name}_days"))
            .filter(pl.col(f"{name}_invoices") >= min_invoices)
        )

    return per(["customer_id"], "customer"), per(list(SEGMENT), "segment")


def _with_expected(invoices: pl.DataFrame, history: pl.DataFrame, known_by: date, floor: date,
                   min_invoices: int) -> pl.DataFrame:  # fmt: skip
    customers, segments = usual_days_late(history, known_by, min_invoices=min_invoices)
    days = pl.coalesce("customer_days", "segment_days", pl.lit(0))
    basis = (
        pl.when(pl.col("customer_days").is_not_null())
        .then(pl.lit("customer"))
        .when(pl.col("segment_days").is_not_null())
        .then(pl.lit("segment"))
        .otherwise(pl.lit("due date"))
    )
    expected = pl.col("due_date") + pl.duration(days=days)
    return (
        invoices.join(customers, on="customer_id", how="left")
        .join(segments, on=list(SEGMENT), how="left", nulls_equal=True)
        .with_columns(pl.max_horizontal(expected, pl.lit(floor)).alias("expected_date"), basis.alias("basis"))
    )


def expected_payments(
    open_items: pl.DataFrame,
    history: pl.DataFrame,
    as_of: date,
    promises: pl.DataFrame | None = None,
    *,
    min_invoices: int = MIN_INVOICES,
) -> pl.DataFrame:
    """Every open invoice's and open promise's expected payment (:data:`EXPECTED_SCHEMA`).

    ``open_items``: the items open at ``as_of`` (customer_id, collector, country, company_code,
    doc_no, due_date, amount, amount_rep; optionally fiscal_year, line_item). ``history``: cleared
    invoices (customer_id, country, company_code, due_date, clearing_date, amount[, amount_rep]).
    ``promises``: open promises (customer_id, amount_rep, promised_date, items[, collector]).
    """
    invoices = open_items.filter(pl.col("amount") > 0)
    if "amount_rep" not in invoices.columns:
        invoices = invoices.with_columns(pl.col("amount").alias("amount_rep"))
    promised = _promise_rows(promises, invoices, as_of)
    if promised is not None:
        invoices = _uncovered(invoices, promises, as_of)  # type: ignore[arg-type]
    predicted = _with_expected(invoices, history, as_of, as_of, min_invoices).select(
        "customer_id", "collector", "doc_no", "due_date", pl.col("amount_rep").alias("amount"),
        "expected_date", "basis", pl.lit("predicted").alias("kind"),
    )  # fmt: skip
    frames = [predicted.cast(EXPECTED_SCHEMA)]  # type: ignore[arg-type]
    if promised is not None:
        frames.append(promised.cast(EXPECTED_SCHEMA))  # type: ignore[arg-type]
    return pl.concat(frames).select(list(EXPECTED_SCHEMA))


def _promise_rows(promises: pl.DataFrame | None, invoices: pl.DataFrame, as_of: date) -> pl.DataFrame | None:
    if promises is None or promises.is_empty():
        return None
    collectors = invoices.group_by("customer_id").agg(pl.col("collector").drop_nulls().first().alias("_c"))
    amount = pl.col("amount_rep") if "amount_rep" in promises.columns else pl.col("amount")
    own = pl.col("collector") if "collector" in promises.columns else pl.lit(None, pl.String)
    return promises.join(collectors, on="customer_id", how="left").select(
        "customer_id",
        pl.coalesce(own, "_c").alias("collector"),
        pl.lit(None, pl.String).alias("doc_no"),
        pl.lit(None, pl.Date).alias("due_date"),
        amount.cast(MONEY).alias("amount"),
        pl.max_horizontal("promised_date", pl.lit(as_of)).alias("expected_date"),
        pl.lit("promise").alias("basis"),
        pl.lit("promised").alias("kind"),
    )


def _uncovered(invoices: pl.DataFrame, promises: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """The invoices no open promise covers (named items; a promise naming none: overdue invoices)."""
    has_items = pl.col("items").list.len().fill_null(0) > 0
    general = promises.filter(~has_items)["customer_id"].unique()
    out = invoices.filter(~(pl.col("customer_id").is_in(general.implode()) & (pl.col("due_date") < as_of)))
    named = promises.filter(has_items).select("items").explode("items").unnest("items")
    if named.is_empty():
        return out
    keys = [c for c in ("company_code", "doc_no", "fiscal_year", "line_item") if c in out.columns]
    named = named.select(keys).cast({k: out.schema[k] for k in keys})
    lax = [k for k in keys if k in ("fiscal_year", "line_item")]  # a promise may leave these blank
    strict = [k for k in keys if k not in lax]
    exact = named.filter(pl.all_horizontal(pl.col(k).is_not_null() for k in lax)) if lax else named
    out = out.join(exact, on=keys, how="anti", nulls_equal=True)
    if lax:
        loose = named.filter(pl.any_horizontal(pl.col(k).is_null() for k in lax)).select(strict)
        out = out.join(loose, on=strict, how="anti", nulls_equal=True)
    return out


def week_start(day: date) -> date:
    """The Monday of ``day``'s ISO week."""
    return day - timedelta(days=day.weekday())


def weekly_cash(expected: pl.DataFrame, as_of: date, *, weeks: int = WEEKS) -> pl.DataFrame:
    """Per ISO week (``weeks`` from the as-of week) and collector: promised, predicted, expected.

    Every week appears for every collector with an expected payment (zeros where none), so a
    chart shows empty weeks as empty. Payments expected after the last week are not in these
    rows: :func:`later_cash` gives their sum, so nothing is dropped silently.
    """
    first = week_start(as_of)
    end = first + timedelta(weeks=weeks)
    zero = pl.lit(0).cast(MONEY)
    rows = expected.filter(pl.col("expected_date") < end).with_columns(
        pl.col("expected_date").dt.truncate("1w").alias("week_start")
    )
    sums = rows.group_by("week_start", "collector").agg(
        pl.col("amount").filter(pl.col("kind") == "promised").sum().cast(MONEY).alias("promised"),
        pl.col("amount").filter(pl.col("kind") == "predicted").sum().cast(MONEY).alias("predicted"),
    )
    grid = pl.DataFrame({"week_start": [first + timedelta(weeks=w) for w in range(weeks)]}).join(
        expected.select(pl.col("collector").cast(pl.String)).unique(), how="cross"
    )
    return (
        grid.join(sums, on=["week_start", "collector"], how="left", nulls_equal=True)
        .with_columns(pl.col("promised", "predicted").fill_null(zero).cast(MONEY))
        .with_columns((pl.col("promised") + pl.col("predicted")).cast(MONEY).alias("expected"))
        .select(list(WEEK_SCHEMA))
        .cast(WEEK_SCHEMA)  # type: ignore[arg-type]
        .sort("week_start", "collector", nulls_last=True)
    )


def later_cash(expected: pl.DataFrame, as_of: date, *, weeks: int = WEEKS) -> Decimal:
    """The expected amount due after the last of :func:`weekly_cash`'s weeks (to the cent)."""
    end = week_start(as_of) + timedelta(weeks=weeks)
    total = expected.filter(pl.col("expected_date") >= end)["amount"].cast(MONEY).sum()
    return Decimal(total or 0).quantize(Decimal("0.01"))


def weekly_totals(weekly: pl.DataFrame) -> pl.DataFrame:
    """:func:`weekly_cash` summed over collectors: week_start, promised, predicted, expected."""
    return (
        weekly.group_by("week_start")
        .agg(pl.col("promised", "predicted", "expected").sum().cast(MONEY))
        .sort("week_start")
    )


def backtest(history: pl.DataFrame, as_of: date, *, min_invoices: int = MIN_INVOICES) -> Backtest:
    """The model's and the naive rule's mean absolute error in days (module docstring)."""
    cutoff = as_of - timedelta(days=BACKTEST_DAYS)
    judged = history.filter(
        (pl.col("amount") > 0)
        & pl.col("due_date").is_not_null()
        & (pl.col("clearing_date") > cutoff)
        & (pl.col("clearing_date") <= as_of)
    )
    if judged.is_empty():
        return Backtest(cutoff, as_of, 0, None, None)
    known = history.filter(pl.col("clearing_date") <= cutoff)
    predicted = _with_expected(judged, known, cutoff, cutoff, min_invoices)

    def mae(col: str) -> float:
        err = (pl.col("clearing_date") - pl.col(col)).dt.total_days().abs().cast(pl.Float64)
        return round(float(predicted.select(err.mean()).item()), 2)

    bases = dict(predicted.group_by("basis").len().sort("basis").iter_rows())
    return Backtest(cutoff, as_of, predicted.height, mae("expected_date"), mae("due_date"), bases)

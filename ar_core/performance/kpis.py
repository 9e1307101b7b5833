"""Order-to-cash KPIs as the Credit Research Foundation defines them, each shown with its inputs.

Pure rules: an extract of items goes in (:data:`ar_core.schema.ITEM_SCHEMA`; signed ``amount``,
positive = the customer owes; the extract holds cleared items too, so AR at any date can be
reconstructed), values come out. Dates are passed in, never read from the clock. No store, no UI.

For a period ``start``..``end`` (both days included):

- D = the days of the period; N = the calendar months it touches (01.09.–30.11.: D = 91, N = 3).
- AR at a date ``d`` (:func:`ar_at`): items dated (``doc_date``) on or before ``d`` and not cleared
  by ``d`` (``clearing_date`` null or after ``d``). Beginning AR = AR at ``start`` − 1 day, ending
  AR = AR at ``end``; ending *current* AR = the part of ending AR due on or after ``end``.
- Credit sales (:func:`credit_sales`) = invoices dated within the period; an invoice is an item with
  ``amount > 0`` (credit notes, payments and payments on account are negative). ``source`` says
  ``"invoices"``; when the extracts hold open items only, :func:`kpis` takes the credit sales per
  month from a monthly sales table instead (``sales=``, source ``"sales_file"``).
- Beginning AR may come from another extract than ending AR (``beginning=``): the snapshot of the
  day before the period, when the one used for ending AR does not reach back.
- DSO (simple) = ending AR ÷ credit sales × D.
- DSO (count-back): from ending AR subtract each month's credit sales, newest month first, adding
  that month's days (within the period), until the remainder is smaller than a month's sales; that
  month counts as remainder ÷ its sales × its days. No credit sales: ``None``; ending AR 0: 0.
- Best possible DSO = ending current AR ÷ credit sales × D; ADD = DSO (simple) − best possible DSO.
- CEI = (beginning AR + credit sales ÷ N − ending AR) ÷ (beginning AR + credit sales ÷ N − ending
  current AR) × 100.
- % current and % over 90 days past due at ``end``, of ending AR (by due date, whatever the sign:
  credit notes and payments on account sit in their bucket, so the buckets sum to the total).
- Days late of the invoices (``amount > 0``) cleared within the period: max(0, clearing date − due
  date), averaged by count and weighted by amount.

Types: money is :class:`~decimal.Decimal` (frames: ``Decimal(18, 2)``), never a float. Every ratio,
percentage and number of days is a ``Decimal`` rounded half-up to 2 places. A KPI whose denominator
is zero (no sales, no AR, N = 0, ...) is ``None`` with a reason, never a ``ZeroDivisionError``.
Amounts are summed as given (``amount``, the company-code currency): pass the column that is in one
currency (for example ``amount_reporting``) as ``amount=`` when groups mix currencies.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import polars as pl

from ar_core.errors import InvalidInput
from ar_core.schema import MONEY

#: The groupings :func:`kpis` accepts besides ``None`` (the total).
GROUPINGS: tuple[str, ...] = ("company_code", "collector", "country")

#: Ratios, percentages and days: two decimals, half up.
_PLACES = Decimal("0.01")
_RATIO = pl.Decimal(18, 2)
_ZERO = Decimal("0.00")
_HUNDRED = Decimal(100)

#: The columns of :func:`kpis` after the grouping column: inputs first, then the KPIs.
KPI_SCHEMA: dict[str, pl.DataType] = {
    "start": pl.Date(),
    "end": pl.Date(),
    "days": pl.Int32(),  # D
    "months": pl.Int32(),  # N
    "beginning_ar": MONEY,
    "ending_ar": MONEY,
    "ending_current_ar": MONEY,
    "ending_over_90_ar": MONEY,
    "credit_sales": MONEY,
    #: Credit sales per month of the period, oldest first: {year, month, days, sales}.
    "monthly_sales": pl.List(
        pl.Struct({"year": pl.Int32(), "month": pl.Int32(), "days": pl.Int32(), "sales": MONEY})
    ),
    "cleared_count": pl.Int64(),
    "cleared_amount": MONEY,
    "dso_simple": _RATIO,
    "dso_count_back": _RATIO,
    "best_possible_dso": _RATIO,
    "add": _RATIO,
    "cei": _RATIO,
    "pct_current": _RATIO,
    "pct_over_90": _RATIO,
    "avg_days_late": _RATIO,
    "weighted_days_late": _RATIO,
    "source": pl.String(),
    #: Why a KPI is empty: "kpi: reason" joined by "; ", null when every KPI has a value (for a text
    #: cell: a report's, a CSV's).
    "notes": pl.String(),
    #: The same notes one by one: read these, never split ``notes`` (a note may hold "; ").
    "note_list": pl.List(pl.String()),
}


@dataclass(frozen=True)
class Kpi:
    """One KPI value (a ``Decimal`` rounded to 2 places) or ``None`` with the ``reason`` why not."""

    value: Decimal | None
    reason: str | None = None


def _ratio(numerator: Decimal, denominator: Decimal, factor: Decimal | int, why: str) -> Kpi:
    if denominator == 0:
        return Kpi(None, why)
    return Kpi((Decimal(numerator) / Decimal(denominator) * Decimal(factor)).quantize(_PLACES, ROUND_HALF_UP))


# --- the formulas -----------------------------------------------------------------------------------


def dso_simple(ending_ar: Decimal, sales: Decimal, days: int) -> Kpi:
    """DSO (simple) = ending AR ÷ credit sales × D, in days (``Decimal``, 2 places)."""
    return _ratio(ending_ar, sales, days, "no credit sales in the period")


def best_possible_dso(ending_current: Decimal, sales: Decimal, days: int) -> Kpi:
    """Best possible DSO = ending current (not yet due) AR ÷ credit sales × D, in days (2 places)."""
    return _ratio(ending_current, sales, days, "no credit sales in the period")


def add(dso: Decimal | Kpi | None, best: Decimal | Kpi | None) -> Kpi:
    """Average days delinquent = DSO (simple) − best possible DSO, in days (``Decimal``, 2 places)."""
    dso = dso.value if isinstance(dso, Kpi) else dso
    best = best.value if isinstance(best, Kpi) else best
    if dso is None or best is None:
        return Kpi(None, "needs DSO (simple) and best possible DSO")
    return Kpi((Decimal(dso) - Decimal(best)).quantize(_PLACES, ROUND_HALF_UP))


def dso_count_back(ending_ar: Decimal, monthly: Sequence[tuple[int, Decimal]]) -> Kpi:
    """DSO (count-back) in days (``Decimal``, 2 places); ``monthly`` = ``(days, sales)``, newest first.

    Subtracts each month's sales from ending AR and adds its days until the remainder is smaller
    than a month's sales, which counts as remainder ÷ its sales × its days. ``None`` without credit
    sales in the months (nothing to count back over, as DSO simple), when ending AR is negative or
    larger than all the months' sales together (count-back needs earlier months); 0 when ending AR
    is 0 (a newest month without sales would otherwise add its days to an AR of nothing).
    """
    remainder = Decimal(ending_ar)
    if not any(Decimal(month_sales) > 0 for _days, month_sales in monthly):
        return Kpi(None, "no credit sales in the period")
    if remainder < 0:
        return Kpi(None, "ending AR is negative")
    if remainder == 0:
        return Kpi(_ZERO)
    total = Decimal(0)
    for days, month_sales in monthly:
        sales = Decimal(month_sales)
        if remainder < sales:
            return Kpi((total + remainder / sales * days).quantize(_PLACES, ROUND_HALF_UP))
        remainder -= sales
        total += days
    if remainder == 0:
        return Kpi(total.quantize(_PLACES))
    return Kpi(None, "ending AR exceeds the credit sales of the period's months")


def cei(
    beginning_ar: Decimal, sales: Decimal, months: int, ending_ar: Decimal, ending_current: Decimal
) -> Kpi:
    """Collection effectiveness index in percent (``Decimal``, 2 places).

    (beginning AR + sales ÷ N − ending AR) ÷ (beginning AR + sales ÷ N − ending current AR) × 100.
    """
    if months <= 0:
        return Kpi(None, "the period has no months")
    collectible = Decimal(beginning_ar) + Decimal(sales) / months
    return _ratio(collectible - Decimal(ending_ar), collectible - Decimal(ending_current), _HUNDRED,
                  "nothing was collectible (beginning AR + sales ÷ N = ending current AR)")  # fmt: skip


def percent_of(part: Decimal, total: Decimal) -> Kpi:
    """``part`` as a percentage of ``total`` (``Decimal``, 2 places); ``None`` when the total is 0."""
    return _ratio(part, total, _HUNDRED, "no AR at the end of the period")


def days_late(count: int, days_sum: int, amount: Decimal, days_amount: Decimal) -> tuple[Kpi, Kpi]:
    """Average days late by count (``days_sum / count``) and weighted by amount, 2 places each.

    ``days_amount`` is the sum of days late × amount over the same cleared invoices as ``amount``.
    """
    by_count = _ratio(Decimal(days_sum), Decimal(count), 1, "no invoices cleared in the period")
    weighted = _ratio(Decimal(days_amount), Decimal(amount), 1, "no invoices cleared in the period")
    return by_count, weighted


# --- the inputs from an extract ---------------------------------------------------------------------


def period_days(start: date, end: date) -> int:
    """D: the days from ``start`` to ``end``, both included."""
    if end < start:
        raise InvalidInput("end", f"the period ends ({end:%d.%m.%Y}) before it starts ({start:%d.%m.%Y})")
    return (end - start).days + 1


def _months(start: date, end: date) -> list[tuple[int, int, int]]:
    """``(year, month, days of that month within start..end)`` for each month touched, oldest first."""
    period_days(start, end)
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        first = max(start, date(year, month, 1))
        last = min(end, date(year, month, calendar.monthrange(year, month)[1]))
        months.append((year, month, (last - first).days + 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def ar_at(items: pl.DataFrame, d: date) -> pl.DataFrame:
    """Items open at the end of ``d``: dated on or before ``d`` and not cleared by ``d``.

    Reconstructs AR at any date from an extract that holds cleared items (``clearing_date`` set);
    the columns are those of ``items`` (:data:`~ar_core.schema.ITEM_SCHEMA`).
    """
    return items.filter(_open_at(d).fill_null(False))


def _open_at(d: date) -> pl.Expr:
    return (pl.col("doc_date") <= d) & (pl.col("clearing_date").is_null() | (pl.col("clearing_date") > d))


def _invoices_in(start: date, end: date) -> pl.Expr:
    return (pl.col("amount") > 0) & pl.col("doc_date").is_between(start, end, closed="both")


def credit_sales(items: pl.DataFrame, start: date, end: date, *, amount: str = "amount") -> Decimal:
    """Credit sales: the sum of invoices (``amount > 0``) dated within ``start``..``end``, a ``Decimal``."""
    period_days(start, end)
    total = items.filter(_invoices_in(start, end).fill_null(False)).get_column(amount).sum()
    return Decimal(total or 0).quantize(_PLACES)


def monthly_sales(
    items: pl.DataFrame, start: date, end: date, *, amount: str = "amount"
) -> list[tuple[int, int, int, Decimal]]:
    """Credit sales per calendar month of the period, oldest first: ``(year, month, days, sales)``.

    ``days`` counts only the days of that month within the period; a month without invoices has
    sales ``Decimal("0.00")``. The sales sum to :func:`credit_sales`.
    """
    sold = items.filter(_invoices_in(start, end).fill_null(False))
    per = {
        (y, m): total
        for y, m, total in sold.group_by(
            pl.col("doc_date").dt.year().alias("y"), pl.col("doc_date").dt.month().alias("m")
        )
        .agg(pl.col(amount).sum())
        .iter_rows()
    }
    return [(y, m, days, Decimal(per.get((y, m)) or 0).quantize(_PLACES))
            for y, m, days in _months(start, end)]  # fmt: skip


# --- everything at once ------------------------------------------------------------------------------


#: The monthly sales table :func:`kpis` accepts as ``sales=`` (plus the grouping column when grouped).
SALES_SCHEMA: dict[str, pl.DataType] = {"year": pl.Int32(), "month": pl.Int32(), "sales": MONEY}


def kpis(
    items: pl.DataFrame,
    start: date,
    end: date,
    *,
    by: str | None = None,
    amount: str = "amount",
    beginning: pl.DataFrame | None = None,
    sales: pl.DataFrame | None = None,
    source: str | None = None,
) -> pl.DataFrame:
    """Every KPI of ``start``..``end`` with its inputs (:data:`KPI_SCHEMA`), one row per group.

    ``by=None`` gives one row, the total; ``by`` one of :data:`GROUPINGS` gives one row per value of
    that column (first column, sorted, nulls last) among the items dated up to ``end``, so the money
    inputs of the groups sum to the total. ``items`` is an extract holding cleared items.

    ``beginning``: the extract beginning AR is taken from (default ``items``). ``sales``: credit
    sales per month (:data:`SALES_SCHEMA`, plus the ``by`` column when grouped) used instead of the
    invoices of ``items``; months of the period missing from it count 0. ``source`` is written to
    the ``source`` column (default ``"sales_file"`` with ``sales``, else ``"invoices"``).
    """
    if by is not None and by not in GROUPINGS:
        raise InvalidInput("by", f"KPIs are grouped by one of {', '.join(GROUPINGS)}, not {by!r}")
    days = period_days(start, end)
    months = _months(start, end)
    before = start - timedelta(days=1)
    money = pl.col(amount)

    relevant = items.filter(pl.col("doc_date") <= end)
    open_begin = _open_at(before)
    open_end = _open_at(end)
    overdue_days = (pl.lit(end) - pl.col("due_date")).dt.total_days()
    cleared = (pl.col("amount") > 0) & pl.col("clearing_date").is_between(start, end, closed="both")
    cleared = cleared & pl.col("due_date").is_not_null()
    late = pl.max_horizontal(pl.lit(0), (pl.col("clearing_date") - pl.col("due_date")).dt.total_days())
    sold = _invoices_in(start, end)

    def total(cond: pl.Expr) -> pl.Expr:
        return money.filter(cond.fill_null(False)).sum()

    aggs = [
        total(open_begin).alias("beginning_ar"),
        total(open_end).alias("ending_ar"),
        total(open_end & (pl.col("due_date") >= end)).alias("ending_current_ar"),
        total(open_end & (overdue_days > 90)).alias("ending_over_90_ar"),
        total(sold).alias("credit_sales"),
        cleared.fill_null(False).sum().alias("cleared_count"),
        late.filter(cleared.fill_null(False)).sum().alias("_days"),
        total(cleared).alias("cleared_amount"),
        (money * late).filter(cleared.fill_null(False)).sum().alias("_days_amount"),
    ]
    year, month = pl.col("doc_date").dt.year(), pl.col("doc_date").dt.month()
    month_aggs = [
        total(sold & (year == y) & (month == m)).alias(f"_m{i}") for i, (y, m, _d) in enumerate(months)
    ]
    keys = [by] if by else []
    every = [*aggs, *month_aggs]
    grouped = relevant.group_by(by).agg(*every) if by else relevant.select(*every)
    if beginning is not None:
        begun = beginning.filter(pl.col("doc_date") <= before)
        begun = begun.group_by(by).agg(aggs[0]) if by else begun.select(aggs[0])
        grouped = _replace(grouped.drop("beginning_ar"), begun, by)
    if sales is not None:
        per_month = [
            pl.col("sales").filter((pl.col("year") == y) & (pl.col("month") == m)).sum().alias(f"_m{i}")
            for i, (y, m, _d) in enumerate(months)
        ]
        sold_frame = sales.group_by(by).agg(*per_month) if by else sales.select(*per_month)
        sold_frame = sold_frame.with_columns(
            pl.sum_horizontal(f"_m{i}" for i in range(len(months))).cast(MONEY).alias("credit_sales")
        )
        grouped = _replace(
            grouped.drop("credit_sales", *(f"_m{i}" for i in range(len(months)))), sold_frame, by
        )
    if by:
        grouped = grouped.sort(by, nulls_last=True)
    label = source or ("sales_file" if sales is not None else "invoices")

    rows = []
    for row in grouped.iter_rows(named=True):
        rows.append({**{k: row[k] for k in keys}, **_row(row, start, end, days, months), "source": label})
    schema = {**({by: items.schema.get(by, pl.String())} if by else {}), **KPI_SCHEMA}
    return pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)


def _replace(grouped: pl.DataFrame, columns: pl.DataFrame, by: str | None) -> pl.DataFrame:
    """``grouped`` with ``columns`` beside it, per group (a group in only one of them counts 0 there)."""
    if by is None:
        return pl.concat([grouped, columns], how="horizontal")
    return grouped.join(columns, on=by, how="full", coalesce=True, nulls_equal=True)


def _money(value: object) -> Decimal:
    return Decimal(value or 0).quantize(_PLACES)


def _row(row: dict, start: date, end: date, days: int, months: list[tuple[int, int, int]]) -> dict:
    beginning, ending = _money(row["beginning_ar"]), _money(row["ending_ar"])
    current, over_90 = _money(row["ending_current_ar"]), _money(row["ending_over_90_ar"])
    sales = _money(row["credit_sales"])
    monthly = [{"year": y, "month": m, "days": d, "sales": _money(row[f"_m{i}"])}
               for i, (y, m, d) in enumerate(months)]  # fmt: skip
    simple = dso_simple(ending, sales, days)
    best = best_possible_dso(current, sales, days)
    values = {
        "dso_simple": simple,
        "dso_count_back": dso_count_back(ending, [(m["days"], m["sales"]) for m in reversed(monthly)]),
        "best_possible_dso": best,
        "add": add(simple, best),
        "cei": cei(beginning, sales, len(months), ending, current),
        "pct_current": percent_of(current, ending),
        "pct_over_90": percent_of(over_90, ending),
    }
    values["avg_days_late"], values["weighted_days_late"] = days_late(
        int(row["cleared_count"] or 0),
        int(row["_days"] or 0),
        _money(row["cleared_amount"]),
        Decimal(row["_days_amount"] or 0),
    )
    notes = [f"{name}: {kpi.reason}" for name, kpi in values.items() if kpi.reason]
    return {
        "start": start,
        "end": end,
        "days": days,
        "months": len(months),
        "beginning_ar": beginning,
        "ending_ar": ending,
        "ending_current_ar": current,
        "ending_over_90_ar": over_90,
        "credit_sales": sales,
        "monthly_sales": monthly,
        "cleared_count": int(row["cleared_count"] or 0),
        "cleared_amount": _money(row["cleared_amount"]),
        **{name: kpi.value for name, kpi in values.items()},
        "source": "invoices",
        "notes": "; ".join(notes) or None,
        "note_list": notes,
    }


#: :func:`kpis` under the name the package façade exports (a façade name may not equal its module's).
kpi_frame = kpis


#: How each KPI is computed, by its column: one text for the page, the CLI and the reports.
KPI_DEFINITIONS: dict[str, str] = {
    "dso_simple": "ending AR ÷ credit sales × D",
    "dso_count_back": "ending AR counted back over the months' credit sales, newest month first",
    "best_possible_dso": "ending current AR ÷ credit sales × D",
    "add": "DSO (simple) − best possible DSO",
    "cei": "(beginning AR + credit sales ÷ N − ending AR) ÷ "
    "(beginning AR + credit sales ÷ N − ending current AR) × 100",
    "pct_current": "ending current AR ÷ ending AR × 100",
    "pct_over_90": "ending AR more than 90 days past due ÷ ending AR × 100",
    "avg_days_late": "mean of max(0, clearing date − due date) of the invoices cleared in the period",
    "weighted_days_late": "the same, weighted by the invoices' amounts",
    "promise_kept_rate": "promises kept ÷ promises due in the period × 100",
    "promise_kept_rate_amount": "amount of the promises kept ÷ amount of the promises due × 100",
    "dispute_cycle_days": "mean days from opened to resolved of the disputes resolved in the period",
    "open_dispute_age_days": "mean age at the end of the period of the disputes open then",
}


def last_full_periods(today: date, kind: str, count: int) -> list[tuple[date, date]]:
    """The last ``count`` full months (``kind="month"``) or quarters before ``today``, newest first."""
    if kind not in ("month", "quarter"):
        raise InvalidInput("kind", f"a period is a month or a quarter, not {kind!r}")
    step = 1 if kind == "month" else 3
    first = date(today.year, today.month if kind == "month" else (today.month - 1) // 3 * 3 + 1, 1)
    periods = []
    for _ in range(count):
        month = first.month - step
        start = date(first.year - (month < 1), (month - 1) % 12 + 1, 1)
        periods.append((start, first - timedelta(days=1)))
        first = start
    return periods

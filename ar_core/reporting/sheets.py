"""The topic frames of a report: one pure function per topic of ``layouts.TOPICS``.

Frames in, frames out, the as-of date passed in. What a topic needs comes in :class:`Inputs`;
the heavy or store-bound parts (the worklist, the cases, the KPIs of a period, older snapshots)
are callables the service fills, so a layout that does not use a topic costs nothing for it.
Money stays ``Decimal(18, 2)``; percentages are in percent (55.90 = 55.9 %), as the KPIs give them.
The aging sheets keep each currency apart and carry ``totals`` per currency for the totals check.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import polars as pl

from ar_core.credit import credits_by
from ar_core.disputes import opened_between, pareto
from ar_core.errors import ArDeskError
from ar_core.ledger import aging_table, bucket_labels, with_aging
from ar_core.recovery import register_rows
from ar_core.reporting.layouts import TOPICS, Column, Layout, SheetSpec
from ar_core.schema import MONEY

#: The label of a total row, and of a row whose group is missing.
TOTAL = "Total"
NONE = "(none)"
_PCT = pl.Decimal(18, 2)


@dataclass(frozen=True)
class Inputs:
    """What the topics are computed from, for one actor and one snapshot."""

    as_of: date
    #: The day asked for (on or after ``as_of``): promises and cases due are judged at it.
    today: date
    #: The composed ledger at the snapshot as the actor may read it (``ITEM_SCHEMA``).
    items: pl.DataFrame
    reporting: str
    edges: tuple[int, ...]
    #: The ranked worklist (``collections.WORKLIST_COLUMNS`` + extras), amounts in ``reporting``.
    worklist: Callable[[], pl.DataFrame]
    #: Promises not cancelled (``collections.PROMISE_SCHEMA``).
    promises: Callable[[], pl.DataFrame]
    #: Cases being worked (``disputes.LIST_SCHEMA``).
    open_cases: Callable[[], pl.DataFrame]
    #: Every case in the frame ``disputes.analysis`` works on (reporting currency).
    analysis_cases: Callable[[], pl.DataFrame]
    #: ``(by, start, end)`` -> KPI rows (``performance.KPI_SCHEMA`` after the ``by`` column).
    kpis: Callable[[str | None, date, date], pl.DataFrame]
    #: ``start`` -> ``[(as_of, items)]`` of the snapshots dated ``start``..``as_of``, oldest first.
    trend: Callable[[date], list[tuple[date, pl.DataFrame]]]
    #: Approved write-off requests (``access.REQUEST_SCHEMA``).
    write_offs: Callable[[], pl.DataFrame]
    #: Allocation suggestions with their decisions (``credit.DECIDED_SCHEMA``); none by default.
    credit_suggestions: Callable[[], pl.DataFrame] = pl.DataFrame
    #: Write-off requests (``recovery.WRITE_OFF_SCHEMA``) for the write-off register; none by default.
    write_off_requests: Callable[[], pl.DataFrame] = pl.DataFrame


@dataclass(frozen=True)
class Check:
    """A total the sheet shows that is one snapshot's own open total, to tie to what that snapshot
    stored at import (``checks.totals_check``): the snapshot of the day ``as_of``, when there is one."""

    name: str
    as_of: date
    #: Per currency, the sheet's figure.
    totals: dict[str, Decimal]
    #: A figure converted to this (reporting) currency: it ties only to a snapshot that holds
    #: nothing open in any other currency (else it is not checked).
    only_currency: str | None = None


@dataclass(frozen=True)
class Sheet:
    """One produced sheet: its frame (columns in output order) with headings and kinds."""

    title: str
    topic: str
    frame: pl.DataFrame
    columns: tuple[Column, ...]
    #: Per currency, what the sheet shows as the whole portfolio's open amount (checked sheets).
    totals: dict[str, Decimal] | None = None
    #: One line under the sheet's table: the period, a threshold, why it is empty.
    note: str | None = None
    #: Further totals that are a snapshot's own (of the report's snapshot or another day's).
    checks: tuple[Check, ...] = ()


# --- periods ---------------------------------------------------------------------------------


def _month_end(d: date) -> date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def period_for(period: str, as_of: date) -> tuple[date, date]:
    """``week``: the 7 days ending at ``as_of``; ``month``: the calendar month ending at or before
    ``as_of`` (the month of ``as_of`` when it is its last day, else the month before);
    ``quarter``: the three calendar months ending with that month."""
    if period == "week":
        return as_of - timedelta(days=6), as_of
    end = as_of if _month_end(as_of) == as_of else as_of.replace(day=1) - timedelta(days=1)
    start = end.replace(day=1)
    if period == "quarter":
        for _ in range(2):
            start = (start - timedelta(days=1)).replace(day=1)
    return start, end


def _day(d: date) -> str:
    return d.strftime("%d.%m.%Y")


# --- helpers ---------------------------------------------------------------------------------


def _columns(spec: SheetSpec, extra: dict[str, tuple[Column, ...]] | None = None) -> tuple[Column, ...]:
    """The sheet's columns in the layout's order, headings applied, placeholders expanded."""
    topic = {c.name: c for c in TOPICS[spec.topic].columns}
    out: list[Column] = []
    for name in spec.columns:
        if extra and name in extra:
            out += extra[name]
            continue
        column = topic[name]
        out.append(Column(name, spec.headings.get(name, column.heading), column.kind))
    return tuple(out)


def _select(frame: pl.DataFrame, columns: tuple[Column, ...]) -> pl.DataFrame:
    return frame.select(
        (pl.col(c.name) if c.name in frame.columns else pl.lit(None)).alias(c.name) for c in columns
    )


def _customers(items: pl.DataFrame) -> pl.DataFrame:
    return items.group_by("customer_id").agg(
        pl.col("customer_name").drop_nulls().first(), pl.col("collector").drop_nulls().first()
    )


def _message(columns: tuple[Column, ...], text: str) -> pl.DataFrame:
    """A one-row frame saying why a sheet has no rows (in its first text column)."""
    first = next((c.name for c in columns if c.kind == "text"), columns[0].name)
    return pl.DataFrame(
        {c.name: [text if c.name == first else None] for c in columns},
        schema={c.name: pl.String() if c.name == first else pl.Null() for c in columns},
    )


def _percent(part: pl.Expr, whole: pl.Expr) -> pl.Expr:
    return pl.when(whole > 0).then((part.cast(pl.Float64) * 100 / whole.cast(pl.Float64)).round(2)).cast(_PCT)


# --- daily -----------------------------------------------------------------------------------


def worklist_coverage(spec: SheetSpec, inputs: Inputs) -> Sheet:
    """Per collector: how much of the top of their own list was contacted lately."""
    top_n, days = int(spec.thresholds["top_n"]), int(spec.thresholds["contact_days"])
    work = inputs.worklist().with_columns(pl.col("collector").fill_null(NONE))
    work = work.sort("rank").with_columns(pl.int_range(1, pl.len() + 1).over("collector").alias("_own"))
    contacted = pl.col("days_since_contact").is_not_null() & (pl.col("days_since_contact") <= days)
    top = pl.col("_own") <= top_n
    aggs = [
        pl.len().cast(pl.Int64).alias("customers"),
        (pl.col("overdue_amount") > 0).sum().cast(pl.Int64).alias("overdue_customers"),
        top.sum().cast(pl.Int64).alias("top_n"),
        (top & contacted).sum().cast(pl.Int64).alias("top_contacted"),
        pl.col("overdue_amount").sum().cast(MONEY).alias("overdue_amount"),
    ]
    per = work.group_by("collector").agg(aggs).sort("collector")
    total = work.select(aggs).with_columns(pl.lit(TOTAL).alias("collector"))
    frame = pl.concat([per, total.select(per.columns)]).with_columns(
        _percent(pl.col("top_contacted"), pl.col("top_n")).alias("coverage"),
        pl.lit(inputs.reporting).alias("currency"),
    )
    columns = _columns(spec)
    note = f"Top {top_n} of each collector's own worklist; contacted = a contact within {days} days."
    return Sheet(spec.title, spec.topic, _select(frame, columns), columns, note=note)


def promises_due(spec: SheetSpec, inputs: Inputs) -> Sheet:
    """Open promises due by the as-of date + ``days_ahead``, the earliest first."""
    until = inputs.today + timedelta(days=int(spec.thresholds["days_ahead"]))
    due = inputs.promises().filter((pl.col("status") == "open") & (pl.col("promised_date") <= until))
    frame = (
        due.join(_customers(inputs.items), on="customer_id", how="left")
        .with_columns((pl.col("promised_date") - pl.lit(inputs.today)).dt.total_days().alias("days_to_due"))
        .sort(["promised_date", "amount"], descending=[False, True])
    )
    columns = _columns(spec)
    note = f"Open promises due on or before {_day(until)}."
    if frame.is_empty():
        return Sheet(spec.title, spec.topic, _message(columns, "No open promise due."), columns, note=note)
    return Sheet(spec.title, spec.topic, _select(frame, columns), columns, note=note)


def disputes_due(spec: SheetSpec, inputs: Inputs) -> Sheet:
    """Cases being worked whose due date comes by the as-of date + ``days_ahead``."""
    until = inputs.today + timedelta(days=int(spec.thresholds["days_ahead"]))
    cases = inputs.open_cases().filter(pl.col("due").is_not_null() & (pl.col("due") <= until))
    frame = cases.with_columns(
        (pl.col("due") - pl.lit(inputs.today)).dt.total_days().alias("days_to_due")
    ).sort(["due", "amount", "case_id"], descending=[False, True, False])
    columns = _columns(spec)
    note = f"Open cases due on or before {_day(until)} (negative days: past due)."
    if frame.is_empty():
        return Sheet(spec.title, spec.topic, _message(columns, "No open case due."), columns, note=note)
    return Sheet(spec.title, spec.topic, _select(frame, columns), columns, note=note)


def new_overdue(spec: SheetSpec, inputs: Inputs) -> Sheet:
    """Open invoices 1..``window_days`` days overdue: what fell due since the last report."""
    window = int(spec.thresholds["window_days"])
    aged = with_aging(inputs.items, inputs.as_of, inputs.edges)
    frame = aged.filter((pl.col("amount") > 0) & pl.col("days_overdue").is_between(1, window)).sort(
        ["days_overdue", "amount"], descending=[False, True]
    )
    columns = _columns(spec)
    note = f"Invoices that fell due in the {window} day(s) before {_day(inputs.as_of)}."
    if frame.is_empty():
        return Sheet(spec.title, spec.topic, _message(columns, "Nothing fell overdue."), columns, note=note)
    return Sheet(spec.title, spec.topic, _select(frame, columns), columns, note=note)


# --- aging -----------------------------------------------------------------------------------


def _bucket_columns(edges: tuple[int, ...]) -> tuple[Column, ...]:
    return tuple(Column(label, label, "money") for label in bucket_labels(edges))


def _with_total_rows(table: pl.DataFrame, label_col: str, labels: list[str]) -> pl.DataFrame:
    """``table`` plus one total row per currency (``label_col`` = "Total")."""
    sums = table.group_by("currency").agg(pl.col([*labels, "total"]).sum().cast(MONEY)).sort("currency")
    sums = sums.with_columns(pl.lit(TOTAL).cast(table.schema[label_col]).alias(label_col))
    return pl.concat([table, sums.select(table.columns)], how="vertical_relaxed")


def _totals(table: pl.DataFrame) -> dict[str, Decimal]:
    grouped = table.group_by("currency").agg(pl.col("total").sum().cast(MONEY))
    return {row["currency"]: row["total"] for row in grouped.iter_rows(named=True)}


def aging(spec: SheetSpec, inputs: Inputs) -> Sheet:
    """Open items by bucket per group and currency (local amounts), with a total row per currency."""
    group = spec.group_by or "currency"
    labels = bucket_labels(inputs.edges)
    aged = with_aging(inputs.items, inputs.as_of, inputs.edges)
    by = ["currency"] if group == "currency" else [group, "currency"]
    table = aging_table(aged, by, edges=inputs.edges)
    table = table.with_columns(pl.col(group).cast(pl.String).fill_null(NONE).alias("group"))
    table = table.select("group", "currency", *labels, "total").sort("group", "currency")
    totals = _totals(table)
    frame = _with_total_rows(table, "group", labels) if table.height and group != "currency" else table
    columns = _columns(spec, {"buckets": _bucket_columns(inputs.edges)})
    note = f"Open items at {_day(inputs.as_of)} by days past the net due date; amounts in each currency."
    return Sheet(spec.title, spec.topic, _select(frame, columns), columns, totals=totals, note=note)


def aging_trend(spec: SheetSpec, inputs: Inputs) -> Sheet:
    """The aging per currency of every snapshot of the last ``months`` months."""
    months = int(spec.thresholds["months"])
    start = inputs.as_of.replace(day=1)
    for _ in range(months - 1):
        start = (start - timedelta(days=1)).replace(day=1)
    labels = bucket_labels(inputs.edges)
    tables = []
    for d, items in inputs.trend(start):
        table = aging_table(with_aging(items, d, inputs.edges), ["currency"], edges=inputs.edges)
        tables.append(
            table.with_columns(pl.lit(d).alias("as_of")).select("as_of", "currency", *labels, "total")
        )
    frame = (
        pl.concat(tables)
        if tables
        else pl.DataFrame(
            schema={"as_of": pl.Date(), "currency": pl.String(), **dict.fromkeys([*labels, "total"], MONEY)}
        )
    )
    frame = frame.sort("as_of", "currency")
    columns = _columns(spec, {"buckets": _bucket_columns(inputs.edges)})
    note = f"Every snapshot from {_day(start)} to {_day(inputs.as_of)}; each is checked against its own."
    checks = tuple(
        Check(f"{spec.title} {_day(d)}", d, _totals(frame.filter(pl.col("as_of") == d)))
        for d in sorted({*frame["as_of"].to_list(), inputs.as_of})  # the report's day fails when missing
    )
    return Sheet(spec.title, spec.topic, _select(frame, columns), columns, note=note, checks=checks)


# --- KPIs ------------------------------------------------------------------------------------


def _kpi_rows(spec: SheetSpec, layout: Layout, inputs: Inputs) -> tuple[pl.DataFrame, date, date]:
    start, end = period_for(str(spec.thresholds.get("period") or layout.period), inputs.as_of)
    total = inputs.kpis(None, start, end).with_columns(pl.lit(TOTAL).alias("group"))
    if spec.group_by is None:
        return total, start, end
    grouped = inputs.kpis(spec.group_by, start, end)
    grouped = grouped.with_columns(pl.col(spec.group_by).cast(pl.String).fill_null(NONE).alias("group"))
    return (
        pl.concat(
            [grouped.drop(spec.group_by), total.select(grouped.drop(spec.group_by).columns)],
            how="vertical_relaxed",
        ),
        start,
        end,
    )


def _unavailable(spec: SheetSpec, layout: Layout, inputs: Inputs, exc: ArDeskError) -> Sheet:
    """A KPI sheet whose period the store cannot give (no snapshot at its start): said in a row."""
    start, end = period_for(str(spec.thresholds.get("period") or layout.period), inputs.as_of)
    columns = _columns(spec)
    text = f"No KPIs for {_day(start)} to {_day(end)}: {exc}"
    return Sheet(spec.title, spec.topic, _message(columns, text), columns, note=text)


def kpis(spec: SheetSpec, inputs: Inputs, layout: Layout) -> Sheet:
    """The KPIs of the period with their inputs, per group and in total."""
    try:
        frame, start, end = _kpi_rows(spec, layout, inputs)
    except ArDeskError as exc:
        return _unavailable(spec, layout, inputs, exc)
    if "currency" not in frame.columns:
        frame = frame.with_columns(pl.lit(inputs.reporting).alias("currency"))
    columns = _columns(spec)
    note = f"Period {_day(start)} to {_day(end)}; amounts in {inputs.reporting}."
    return Sheet(
        spec.title, spec.topic, _select(frame, columns), columns, note=note,
        checks=_kpi_checks(spec, frame, start, end, inputs.reporting),
    )  # fmt: skip


def _kpi_checks(
    spec: SheetSpec, frame: pl.DataFrame, start: date, end: date, reporting: str
) -> tuple[Check, ...]:
    """The total row's beginning AR (end of the day before ``start``) and ending AR (end of
    ``end``), where the sheet shows them: each is the snapshot's own total when that day has one."""
    total = frame.filter(pl.col("group") == TOTAL)
    if total.is_empty():
        return ()
    row = total.row(0, named=True)
    wanted = (("beginning_ar", "beginning AR", start - timedelta(days=1)), ("ending_ar", "ending AR", end))
    return tuple(
        Check(f"{spec.title}: {label} {_day(day)}", day, {reporting: row[column]}, only_currency=reporting)
        for column, label, day in wanted
        if column in spec.columns and row.get(column) is not None
    )


#: KPI -> (unit, definition, the input columns it is computed from).
KPI_DEFINITIONS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "dso_simple": (
        "days",
        "Ending total AR ÷ credit sales of the period × D.",
        ("ending_ar", "credit_sales", "days"),
    ),
    "dso_count_back": (
        "days",
        "From ending AR subtract each month's credit sales, newest first, adding its "
        "days, until the remainder is smaller than a month's sales; that month counts as "
        "remainder ÷ its sales × its days.",
        ("ending_ar", "monthly_sales"),
    ),
    "best_possible_dso": (
        "days",
        "Ending current (not yet due) AR ÷ credit sales × D.",
        ("ending_current_ar", "credit_sales", "days"),
    ),
    "add": (
        "days",
        "Average days delinquent = DSO (simple) − best possible DSO.",
        ("dso_simple", "best_possible_dso"),
    ),
    "cei": (
        "%",
        "(Beginning AR + credit sales ÷ N − ending total AR) ÷ (beginning AR + credit sales ÷ N − "
        "ending current AR) × 100.",
        ("beginning_ar", "credit_sales", "months", "ending_ar", "ending_current_ar"),
    ),
    "pct_current": ("%", "Ending current AR ÷ ending total AR × 100.", ("ending_current_ar", "ending_ar")),
    "pct_over_90": (
        "%",
        "Ending AR more than 90 days past due ÷ ending total AR × 100.",
        ("ending_over_90_ar", "ending_ar"),
    ),
    "avg_days_late": (
        "days",
        "Average of max(0, clearing date − due date) over the invoices cleared in the period.",
        ("cleared_count",),
    ),
    "weighted_days_late": (
        "days",
        "The same, weighted by the invoices' amounts.",
        ("cleared_count", "cleared_amount"),
    ),
    "promise_kept_rate": (
        "%",
        "Promises due in the period that were kept ÷ promises due × 100 (by count).",
        ("promises_due", "promises_kept"),
    ),
    "promise_kept_rate_amount": (
        "%",
        "Amount of the kept promises ÷ amount of the promises due × 100.",
        ("promises_due_amount", "promises_kept_amount"),
    ),
    "dispute_cycle_days": (
        "days",
        "Average days from opening to resolution of the disputes resolved in the period.",
        ("disputes_resolved",),
    ),
    "open_dispute_age_days": (
        "days",
        "Average age in days of the disputes open at the end of the period.",
        ("open_disputes",),
    ),
}
_KPI_NAMES = {c.name: c.heading for c in TOPICS["kpis"].columns}


def _input_text(row: dict, name: str, reporting: str) -> str:
    value = row.get(name)
    label = _KPI_NAMES.get(name, name.replace("_", " "))
    if name == "monthly_sales" and value is not None:
        parts = [f"{m['year']}-{m['month']:02d}: {m['sales']:,.2f} ({m['days']} d)" for m in value]
        return "monthly sales " + ", ".join(parts)
    if isinstance(value, Decimal) and name.endswith(("_ar", "sales", "amount")) and name != "promises_due":
        return f"{label} {value:,.2f} {reporting}"
    return f"{label} {'n/a' if value is None else value}"


def kpi_definitions(spec: SheetSpec, inputs: Inputs, layout: Layout) -> Sheet:
    """One row per KPI of the period's total: value, definition and inputs."""
    start, end = period_for(str(spec.thresholds.get("period") or layout.period), inputs.as_of)
    try:
        total = inputs.kpis(None, start, end)
    except ArDeskError as exc:
        return _unavailable(spec, layout, inputs, exc)
    row = total.row(0, named=True) if total.height else {}
    # one by one (``note_list``), never the joined ``notes``: a reason may hold "; " itself
    notes = dict(part.split(": ", 1) for part in row.get("note_list") or [] if ": " in part)
    rows = []
    for name, (unit, definition, used) in KPI_DEFINITIONS.items():
        if name not in row:  # the pure KPIs have no promise or dispute figures
            continue
        value = row.get(name)
        inputs_text = "; ".join(_input_text(row, n, inputs.reporting) for n in used)
        if value is None and name in notes:
            inputs_text += f" (no value: {notes[name]})"
        rows.append(
            {
                "kpi": _KPI_NAMES.get(name, name),
                "value": value,
                "unit": unit,
                "definition": definition,
                "inputs": inputs_text,
            }
        )
    frame = pl.DataFrame(
        rows,
        schema={
            "kpi": pl.String(),
            "value": _PCT,
            "unit": pl.String(),
            "definition": pl.String(),
            "inputs": pl.String(),
        },
    )
    columns = _columns(spec)
    source = row.get("source") or row.get("sales_source") or "invoices"
    note = (
        f"Period {_day(start)} to {_day(end)} (D = {row.get('days')}, N = {row.get('months')}); amounts in "
        f"{inputs.reporting}; credit sales from {source}."
    )
    return Sheet(spec.title, spec.topic, _select(frame, columns), columns, note=note)


# --- cases, worklist, credits ----------------------------------------------------------------


def top_cases(spec: SheetSpec, inputs: Inputs) -> Sheet:
    """The first ``top_n`` customers of the team's worklist."""
    top_n = int(spec.thresholds["top_n"])
    work = inputs.worklist().sort("rank").head(top_n)
    if work.schema.get("reasons") == pl.List(pl.String):
        work = work.with_columns(pl.col("reasons").list.join("; "))
    columns = _columns(spec)
    note = f"The top {top_n} customers by priority score; amounts in {inputs.reporting}."
    if work.is_empty():
        return Sheet(
            spec.title, spec.topic, _message(columns, "No customer with open items."), columns, note=note
        )
    return Sheet(spec.title, spec.topic, _select(work, columns), columns, note=note)


def disputes(spec: SheetSpec, inputs: Inputs) -> Sheet:
    """The cases being worked, largest first."""
    limit = int(spec.thresholds["limit"])
    cases = (
        inputs.open_cases()
        .with_columns((pl.lit(inputs.as_of) - pl.col("opened")).dt.total_days().alias("days_open"))
        .sort(["amount", "case_id"], descending=[True, False])
    )
    columns = _columns(spec)
    note = f"{cases.height} open case(s){'' if cases.height <= limit else f', the largest {limit} shown'}."
    if cases.is_empty():
        return Sheet(spec.title, spec.topic, _message(columns, "No open case."), columns, note=note)
    return Sheet(spec.title, spec.topic, _select(cases.head(limit), columns), columns, note=note)


def credits(spec: SheetSpec, inputs: Inputs) -> Sheet:
    """Open credits per group and currency."""
    group = spec.group_by or "collector"
    summary = credits_by(inputs.items, inputs.as_of, group, edges=inputs.edges)
    key = "age_bucket" if group == "age" else group
    frame = summary.with_columns(pl.col(key).cast(pl.String).fill_null(NONE).alias("group"))
    if frame.height:
        sums = frame.group_by("currency").agg(pl.col("count").sum(), pl.col("total").sum().cast(MONEY))
        sums = sums.sort("currency").with_columns(pl.lit(TOTAL).alias("group"))
        frame = pl.concat(
            [
                frame.select("group", "currency", "count", "total"),
                sums.select("group", "currency", "count", "total"),
            ],
            how="vertical_relaxed",
        )
    columns = _columns(spec)
    note = "Credits (amount < 0) open at the as-of date: money the customer may ask back or nobody applied."
    if frame.is_empty():
        return Sheet(spec.title, spec.topic, _message(columns, "No open credit."), columns, note=note)
    return Sheet(spec.title, spec.topic, _select(frame, columns), columns, note=note)


def credit_suggestions(spec: SheetSpec, inputs: Inputs) -> Sheet:
    """The allocation suggestions and decisions of the open credits, largest credit first."""
    limit = int(spec.thresholds["limit"])
    frame = inputs.credit_suggestions()
    columns = _columns(spec)
    if frame.is_empty():
        return Sheet(spec.title, spec.topic, _message(columns, "No credit with a suggestion."), columns)
    frame = frame.with_columns(
        pl.col("invoice_docs").list.join(", "),
        (pl.col("confidence") * 100).round(2).cast(_PCT),
    ).sort(["credit_amount", "credit_key"], descending=[True, False], nulls_last=True)
    note = f"{frame.height} credit(s){'' if frame.height <= limit else f', the largest {limit} shown'}."
    return Sheet(spec.title, spec.topic, _select(frame.head(limit), columns), columns, note=note)


def write_offs(spec: SheetSpec, inputs: Inputs, layout: Layout) -> Sheet:
    """Write-offs approved in the period (four eyes), or a row saying there were none."""
    start, end = period_for(str(spec.thresholds.get("period") or layout.period), inputs.as_of)
    frame = inputs.write_offs().with_columns(pl.col("decided_at").dt.date().alias("decided_on"))
    frame = frame.filter(pl.col("decided_on").is_between(start, end)).sort("decided_on", "request_id")
    columns = _columns(spec)
    note = f"Approved from {_day(start)} to {_day(end)}."
    if frame.is_empty():
        text = f"No write-off approved from {_day(start)} to {_day(end)}."
        return Sheet(spec.title, spec.topic, _message(columns, text), columns, note=note)
    return Sheet(spec.title, spec.topic, _select(frame, columns), columns, note=note)


def write_off_register(spec: SheetSpec, inputs: Inputs, layout: Layout) -> Sheet:
    """The period's write-off register (``recovery.register_rows``) per reason and collector, with totals."""
    start, end = period_for(str(spec.thresholds.get("period") or layout.period), inputs.as_of)
    requests = inputs.write_off_requests()
    columns = _columns(spec)
    note = f"Write-offs approved from {_day(start)} to {_day(end)}, per currency."
    table = register_rows(requests, start=start, end=end) if requests.width else None
    if table is None or table.is_empty():
        text = f"No write-off approved from {_day(start)} to {_day(end)}."
        return Sheet(spec.title, spec.topic, _message(columns, text), columns, note=note)
    sums = (pl.col("requests").sum(), pl.col("amount").sum())
    rows = table.group_by("reason", "collector", "currency").agg(*sums)
    total = (
        table.group_by("currency")
        .agg(*sums)
        .with_columns(pl.lit(TOTAL).alias("reason"), pl.lit(None, pl.String).alias("collector"))
    )
    frame = pl.concat(
        [rows.sort("currency", "reason", "collector"), total.sort("currency")],
        how="diagonal_relaxed",
    ).with_columns(pl.col("requests").cast(pl.Int64), pl.col("amount").cast(MONEY))
    return Sheet(spec.title, spec.topic, _select(frame, columns), columns, note=note)


def disputes_root_cause(spec: SheetSpec, inputs: Inputs, layout: Layout) -> Sheet:
    """The disputes opened in the period per root cause, largest amount first."""
    start, end = period_for(str(spec.thresholds.get("period") or layout.period), inputs.as_of)
    by = spec.group_by or "category"
    cases = opened_between(inputs.analysis_cases().filter(pl.col("type") == "dispute"), start, end)
    columns = _columns(spec)
    note = f"Disputes opened from {_day(start)} to {_day(end)}; amounts in {inputs.reporting}."
    if cases.is_empty():
        return Sheet(
            spec.title, spec.topic, _message(columns, "No dispute opened in the period."), columns, note=note
        )
    table = pareto(cases, by).with_columns(
        pl.col(by).cast(pl.String).fill_null(NONE).alias("key"),
        pl.lit(inputs.reporting).alias("currency"),
        (pl.col("share") * 100).round(2).cast(_PCT),
        (pl.col("cumulative_share") * 100).round(2).cast(_PCT),
    )
    return Sheet(spec.title, spec.topic, _select(table, columns), columns, note=note)


_PLAIN = {
    "worklist_coverage": worklist_coverage,
    "promises_due": promises_due,
    "disputes_due": disputes_due,
    "new_overdue": new_overdue,
    "aging": aging,
    "aging_trend": aging_trend,
    "top_cases": top_cases,
    "disputes": disputes,
    "credits": credits,
    "credit_suggestions": credit_suggestions,
}
_PERIODIC = {
    "kpis": kpis,
    "kpi_definitions": kpi_definitions,
    "write_offs": write_offs,
    "write_off_register": write_off_register,
    "disputes_root_cause": disputes_root_cause,
}


def build_sheet(spec: SheetSpec, inputs: Inputs, layout: Layout) -> Sheet:
    """The sheet of one layout entry."""
    if spec.topic in _PERIODIC:
        return _PERIODIC[spec.topic](spec, inputs, layout)
    return _PLAIN[spec.topic](spec, inputs)


def build_sheets(layout: Layout, inputs: Inputs) -> list[Sheet]:
    """Every sheet of ``layout``, in its order."""
    return [build_sheet(spec, inputs, layout) for spec in layout.sheets]

"""The root-cause analysis as one formatted XLSX workbook, for the meeting with the internal customer.

One sheet per view of :mod:`ar_core.disputes.analysis` plus a "Cases" sheet with every case
behind the figures, so each number can be traced in the room. Headers are frozen and filterable,
amounts typed with two decimals, dates ``dd.mm.yyyy``, shares as percentages; every text cell
goes through :func:`ar_core.spreadsheet.neutralise_expr` (case data is customer text: a customer named
``=HYPERLINK(...)`` stays text).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

import polars as pl

from ar_core.disputes.analysis import (
    UNMAPPED,
    credit_note_share,
    cycle_time,
    open_cases,
    opened_between,
    pareto,
    past_due,
    trend,
)
from ar_core.spreadsheet import neutralise_expr, new_workbook, write_row

#: Pareto sheets: sheet name -> grouping.
PARETO_SHEETS: dict[str, str] = {
    "Pareto reason": "reason",
    "Pareto category": "category",
    "Pareto customer": "customer",
    "Pareto resolver": "resolver",
    "Pareto company code": "company_code",
    "Pareto country": "country",
    "Pareto collector": "collector",
}
#: What the past-due sheet shows of each late case (the Cases sheet has the rest).
PAST_DUE_COLUMNS: tuple[str, ...] = (
    "case_id", "type", "customer_id", "customer_name", "reason", "category", "status", "collector",
    "resolver_department", "resolver", "level", "opened", "due", "days_late", "amount", "priority",
)  # fmt: skip
#: Column titles a reader of the workbook understands; ``{cur}`` is the reporting currency.
TITLES: dict[str, str] = {
    "case_id": "Case", "type": "Type", "customer_id": "Customer", "customer_name": "Customer name",
    "company_code": "Company code", "country": "Country", "collector": "Owner",
    "resolver_department": "Resolver department", "resolver": "Resolver", "reason": "Reason code",
    "category": "Root-cause category", "status": "Status", "resolution": "Resolution",
    "opened": "Opened", "due": "Due", "resolved": "Resolved", "level": "Escalation level",
    "amount": "Amount ({cur})", "credited": "Credited ({cur})", "currency": "Currency",
    "count": "Cases", "share": "Share", "cumulative_share": "Cumulative share",
    "within_80": "Vital few (80 %)", "n": "Resolved cases", "median_days": "Median days",
    "p90_days": "90th percentile days", "mean_days": "Mean days", "past_sla": "Past SLA",
    "as_of": "As of", "new": "New cases", "new_amount": "New amount ({cur})",
    "resolved_amount": "Resolved amount ({cur})", "open": "Open cases", "open_amount": "Open amount ({cur})",
    "median_age_days": "Median age (days)", "mean_age_days": "Mean age (days)",
    "days_late": "Days late", "priority": "Amount × days late", "credit_notes": "Credit notes",
    "open_at_as_of": "Open at as-of date", "days": "Days open / to resolve",
    "resolved_past_sla": "Resolved past SLA",
}  # fmt: skip
#: Where a column means something else on one sheet (a count of resolved cases, not a date).
VIEW_TITLES: dict[str, dict[str, str]] = {
    "Pareto resolver": {"resolver": "Resolver department"},
    "Trend": {"resolved": "Resolved cases"},
    "Credit notes": {"n": "Resolved disputes"},
}
#: Float columns that are fractions, shown as percentages.
PERCENT_COLUMNS = frozenset({"share", "cumulative_share", "past_sla"})
_MAX_WIDTH = 60


def root_cause_workbook(
    cases: pl.DataFrame,
    as_of: date,
    dates: Sequence[date],
    *,
    start: date | None = None,
    end: date | None = None,
) -> bytes:
    """The whole analysis of ``cases`` (already filtered as the page shows them) as XLSX bytes.

    As the CLI reads it: the Pareto sheets count the cases open at ``as_of``, or, with a period,
    the cases opened from ``start`` to ``end``; cycle time and credit notes count the cases
    resolved in the period (all resolved cases without one); the trend runs over the snapshot
    ``dates``; past due is as of ``as_of``. Without a period the Pareto uses the open cases.
    """
    period = start is not None or end is not None
    basis = opened_between(cases, start or date.min, end or date.max) if period else open_cases(cases, as_of)
    currency = str(cases["currency"].first()) if cases.height else ""
    views: dict[str, pl.DataFrame] = {name: pareto(basis, by) for name, by in PARETO_SHEETS.items()}
    views["Trend"] = trend(cases, dates)
    views["Cycle time reason"] = cycle_time(cases, "reason", start, end)
    views["Cycle time category"] = cycle_time(cases, "category", start, end)
    views["Past due"] = past_due(cases, as_of).select(PAST_DUE_COLUMNS)
    views["Credit notes"] = credit_note_share(cases, "category", start, end)
    views["Cases"] = _cases_sheet(cases, as_of)

    out = io.BytesIO()
    book = new_workbook(out)
    formats = _formats(book)
    _about(book, formats, as_of, dates, currency, start, end)
    for name, frame in views.items():
        titles = {**TITLES, **VIEW_TITLES.get(name, {})}
        _write_frame(book.add_worksheet(name), frame, formats, currency, titles)
    book.close()
    return out.getvalue()


def _cases_sheet(cases: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Every case with what places it in the figures: open at the as-of date, days, lateness."""
    is_open = (pl.col("opened") <= as_of) & (pl.col("resolved").is_null() | (pl.col("resolved") > as_of))
    end = pl.when(is_open).then(pl.lit(as_of)).otherwise(pl.col("resolved"))
    late = (pl.lit(as_of) - pl.col("due")).dt.total_days()
    return cases.sort("case_id").with_columns(
        pl.col("category").fill_null(UNMAPPED),
        is_open.alias("open_at_as_of"),
        (end - pl.col("opened")).dt.total_days().alias("days"),
        pl.when(is_open & (late > 0)).then(late).alias("days_late"),
        pl.when(pl.col("resolved").is_not_null())
        .then(pl.col("resolved") > pl.col("due"))
        .alias("resolved_past_sla"),
    )


def _formats(book) -> dict[str, object]:
    return {
        "header": book.add_format({"bold": True, "bottom": 1, "bg_color": "#E8EEF4", "text_wrap": True}),
        "title": book.add_format({"bold": True, "font_size": 14}),
        "bold": book.add_format({"bold": True}),
        "money": book.add_format({"num_format": "#,##0.00"}),
        "day": book.add_format({"num_format": "dd.mm.yyyy"}),
        "percent": book.add_format({"num_format": "0.0%"}),
        "decimal": book.add_format({"num_format": "0.0"}),
    }


def _period(what: str, start: date | None, end: date | None, otherwise: str) -> str:
    if start is not None and end is not None:
        return f"{what} from {start:%d.%m.%Y} to {end:%d.%m.%Y}"
    if start is not None:
        return f"{what} on or after {start:%d.%m.%Y}"
    if end is not None:
        return f"{what} on or before {end:%d.%m.%Y}"
    return otherwise


def _about(book, formats, as_of, dates, currency, start, end) -> None:  # noqa: PLR0917
    """A first sheet that says what the figures count, so the workbook stands on its own."""
    sheet = book.add_worksheet("About")
    snapshots = f"{dates[0]:%d.%m.%Y} to {dates[-1]:%d.%m.%Y}, {len(dates)} snapshots" if dates else "none"
    lines = [
        ["As of", f"{as_of:%d.%m.%Y}"],
        ["Amounts in", currency],
        ["Pareto sheets", _period("cases opened", start, end, f"cases open at {as_of:%d.%m.%Y}")],
        ["Vital few", "rows up to and including the one whose cumulative share reaches 80 %"],
        ["Trend", f"snapshot dates {snapshots}"],
        ["Cycle time, credit notes", _period("cases resolved", start, end, "all resolved cases")],
        ["Past due", f"open at {as_of:%d.%m.%Y} with a due date before it, by amount × days late"],
        ["Cases", "every case behind the figures"],
    ]
    write_row(sheet, 0, ["Disputes and inquiries: root causes"], formats["title"])
    for r, (label, text) in enumerate(lines, start=2):
        write_row(sheet, r, [label], formats["bold"])
        write_row(sheet, r, [None, text])
    sheet.set_column(0, 0, 26)
    sheet.set_column(1, 1, 80)


def _title(column: str, currency: str, titles: dict[str, str]) -> str:
    return titles.get(column, column.replace("_", " ").capitalize()).format(cur=currency)


#: Day 0 of Excel's date serial numbers (valid from 1 March 1900, long before any case).
_EXCEL_EPOCH = date(1899, 12, 30)


def _cells(frame: pl.DataFrame) -> pl.DataFrame:
    """The values as the sheet stores them, converted in one pass instead of cell by cell.

    Text neutralised against formulas, amounts as doubles (xlsx stores nothing else), dates as
    Excel serial day numbers (shown through the date format), flags as Yes/No.
    """
    converted = []
    for name, dtype in frame.schema.items():
        col = pl.col(name)
        if dtype == pl.String:
            converted.append(neutralise_expr(name))
        elif dtype == pl.Decimal or dtype.is_integer():
            converted.append(col.cast(pl.Float64))
        elif dtype == pl.Date:
            converted.append((col - pl.lit(_EXCEL_EPOCH)).dt.total_days().cast(pl.Float64))
        elif dtype == pl.Boolean:
            converted.append(pl.when(col).then(pl.lit("Yes")).when(col.not_()).then(pl.lit("No")).alias(name))
        else:
            converted.append(col)
    return frame.select(converted)


def _cell_format(dtype: pl.DataType, column: str, formats):
    if dtype == pl.Decimal:
        return formats["money"]
    if dtype == pl.Date:
        return formats["day"]
    if dtype.is_float():
        return formats["percent"] if column in PERCENT_COLUMNS else formats["decimal"]
    return None


def _width(frame: pl.DataFrame, column: str, title: str) -> int:
    """Wide enough for the title's longest word and the longest value, within bounds."""
    dtype = frame.schema[column]
    if dtype.is_float() or dtype == pl.Date:
        longest = 10
    elif frame.height:
        longest = frame.select(pl.col(column).cast(pl.String).str.len_chars().max()).item() or 0
        longest += longest // 3 if dtype == pl.Decimal else 0  # thousands separators
    else:
        longest = 0
    words = max((len(w) for w in title.split()), default=0)
    return min(max(longest, words, 6) + 2, _MAX_WIDTH)


def _write_frame(sheet, frame: pl.DataFrame, formats, currency: str, names: dict[str, str]) -> None:
    """One view: a frozen, filterable header row of readable titles, then the typed rows."""
    titles = [_title(c, currency, names) for c in frame.columns]
    write_row(sheet, 0, titles, formats["header"])
    cells = _cells(frame)
    for c, (column, dtype) in enumerate(frame.schema.items()):
        text = cells.schema[column] == pl.String
        write = sheet.write_string if text else sheet.write_number
        fmt = _cell_format(dtype, column, formats)
        for r, value in enumerate(cells[column].to_list(), start=1):
            if value is not None:
                write(r, c, value, fmt)
        sheet.set_column(c, c, _width(frame, column, titles[c]))
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(frame.height, 1), len(titles) - 1)

"""What the Collector metrics sections share: metric labels and units, the chosen weeks, formatting."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import polars as pl
import streamlit as st

from ar_core.performance import METRIC_DEFINITIONS
from ui import fmt
from ui.components import count_column, date_column, money_column

#: metric -> (label, unit); the order the tables and the metric choice show them in.
METRICS: dict[str, tuple[str, str]] = {
    "cash_collected": ("Cash collected", "money"),
    "overdue_start": ("Overdue at start", "money"),
    "overdue_end": ("Overdue at end", "money"),
    "overdue_reduction": ("Overdue reduction", "money"),
    "over_90_start": ("Over 90 at start", "money"),
    "over_90_end": ("Over 90 at end", "money"),
    "over_90_reduction": ("Over-90 reduction", "money"),
    "contacts": ("Contacts logged", "count"),
    "accounts_touched": ("Accounts touched", "count"),
    "portfolio_accounts": ("Accounts in portfolio", "count"),
    "accounts_touched_pct": ("Accounts touched %", "percent"),
    "top_n": ("Top N", "count"),
    "top_n_contacted": ("Top N contacted", "count"),
    "top_n_coverage_pct": ("Top-N coverage %", "percent"),
    "promises_taken": ("Promises taken", "count"),
    "promises_kept": ("Promises kept", "count"),
    "promises_partly_kept": ("Promises partly kept", "count"),
    "promises_broken": ("Promises broken", "count"),
    "promises_kept_pct": ("Promises kept %", "percent"),
    "disputes_opened": ("Disputes opened", "count"),
    "disputes_resolved": ("Disputes resolved", "count"),
    "dispute_cycle_days": ("Dispute cycle time (days)", "days"),
    "credits_allocated": ("Credits allocated", "count"),
    "credits_allocated_amount": ("Credits allocated (amount)", "money"),
}
#: The metrics a chart or a comparison offers first.
HEADLINE = ("cash_collected", "overdue_reduction", "over_90_reduction", "accounts_touched_pct",
            "top_n_coverage_pct", "promises_kept_pct", "disputes_resolved", "credits_allocated")  # fmt: skip


def label(metric: str, currency: str) -> str:
    name, unit = METRICS[metric]
    return f"{name} ({currency})" if unit == "money" else name


def help_text(metric: str) -> str:
    return METRIC_DEFINITIONS.get(metric, "")


def value_text(value: object, metric: str, currency: str, *, whole: bool = False) -> str:
    """One figure as a person reads it: money as money (``whole``: without cents, for a tile),
    shares with %, days with one decimal."""
    if value is None:
        return "—"
    unit = METRICS.get(metric, ("", "count"))[1]
    if unit == "money":
        if whole:
            return f"{currency} {Decimal(str(value)).quantize(Decimal(1), ROUND_HALF_UP):,}"
        return fmt.money(value, currency)  # type: ignore[arg-type]
    if unit == "percent":
        return f"{float(value):.1f} %"  # type: ignore[arg-type]
    if unit == "days":
        return f"{float(value):.1f} days"  # type: ignore[arg-type]
    number = float(value)  # type: ignore[arg-type]
    return f"{number:,.0f}" if number == int(number) else f"{number:,.1f}"


def columns(currency: str) -> dict:
    """Column labels and formats of a weekly metrics table."""
    config: dict = {"week_start": date_column("Week from (after)"), "week_end": date_column("Week to")}
    for metric, (_name, unit) in METRICS.items():
        text = label(metric, currency)
        if unit == "money":
            config[metric] = money_column(text, help=help_text(metric))
        elif unit == "count":
            config[metric] = count_column(text, help=help_text(metric))
        else:
            config[metric] = st.column_config.NumberColumn(text, format="%.1f", help=help_text(metric))
    return config


def choose_weeks(weeks: pl.DataFrame) -> tuple[date, date]:
    """The weeks shown: a range of week ends (default the last four)."""
    ends = weeks["week_end"].to_list()
    default = (ends[max(0, len(ends) - 4)], ends[-1])
    if len(ends) == 1:
        st.caption(f"One week so far: {fmt.day(weeks['week_start'][0])} – {fmt.day(ends[0])}.")
        return ends[0], ends[0]
    picked = st.select_slider(
        "Weeks ending", options=ends, value=default, format_func=fmt.day, key="cm_weeks",
        help="A week runs from the day after one snapshot to the next snapshot's date.",
    )  # fmt: skip
    return picked[0], picked[1]


def within(frame: pl.DataFrame, weeks: tuple[date, date]) -> pl.DataFrame:
    return frame.filter(pl.col("week_end").is_between(*weeks))

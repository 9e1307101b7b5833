"""The KPIs of one row (the total or one group): each value with its definition, then its inputs."""

from __future__ import annotations

from decimal import Decimal

import polars as pl
import streamlit as st

from ar_core.performance import KPI_DEFINITIONS
from ui import fmt
from ui.components import record_table
from ui.text import escape

#: Column -> (label, unit) of every KPI shown, in reading order.
KPIS: dict[str, tuple[str, str]] = {
    "dso_simple": ("DSO (simple)", "days"),
    "dso_count_back": ("DSO (count-back)", "days"),
    "best_possible_dso": ("Best possible DSO", "days"),
    "add": ("Average days delinquent (ADD)", "days"),
    "cei": ("Collection effectiveness index (CEI)", "%"),
    "pct_current": ("Current (not yet due)", "%"),
    "pct_over_90": ("Over 90 days past due", "%"),
    "avg_days_late": ("Average days late", "days"),
    "weighted_days_late": ("Average days late, weighted", "days"),
    "promise_kept_rate": ("Promises kept", "%"),
    "promise_kept_rate_amount": ("Promises kept, by amount", "%"),
    "dispute_cycle_days": ("Dispute cycle time", "days"),
    "open_dispute_age_days": ("Age of open disputes", "days"),
}
TILES = ("dso_simple", "best_possible_dso", "add", "cei", "pct_over_90", "avg_days_late")


def value_text(value: Decimal | None, unit: str) -> str:
    if value is None:
        return "—"
    return f"{fmt.amount(value)} %" if unit == "%" else f"{fmt.amount(value)} days"


def show(row: dict) -> None:
    cur = row["currency"]
    for col, key in zip(st.columns(len(TILES)), TILES, strict=True):
        label, unit = KPIS[key]
        col.metric(label, value_text(row[key], unit), help=KPI_DEFINITIONS[key])
    table = pl.DataFrame(
        [(label, value_text(row[key], unit), KPI_DEFINITIONS[key]) for key, (label, unit) in KPIS.items()],
        schema={"kpi": pl.String(), "value": pl.String(), "definition": pl.String()},
        orient="row",
    )
    st.subheader("Every KPI and how it is computed")
    record_table(table, {"kpi": "KPI", "value": "Value", "definition": "How it is computed"})
    st.subheader("Inputs")
    start, end = fmt.day(row["start"]), fmt.day(row["end"])
    sold = "monthly sales file" if row["sales_source"] == "sales_file" else "invoices dated in the period"
    promised = f"{fmt.money(row['promises_due_amount'], cur)} / {fmt.money(row['promises_kept_amount'], cur)}"
    inputs = [
        (
            "Beginning AR",
            fmt.money(row["beginning_ar"], cur),
            f"day before {start}: {row['beginning_source']}",
        ),
        ("Ending AR", fmt.money(row["ending_ar"], cur), f"end of {end}: {row['ending_source']}"),
        ("Ending current AR", fmt.money(row["ending_current_ar"], cur), f"due on or after {end}"),
        ("Ending AR over 90 days past due", fmt.money(row["ending_over_90_ar"], cur), "due > 90 days before"),
        ("Credit sales", fmt.money(row["credit_sales"], cur), f"from the {sold}"),
        ("D (days)", str(row["days"]), "days of the period, both ends included"),
        ("N (months)", str(row["months"]), "calendar months the period touches"),
        ("Invoices cleared in the period", str(row["cleared_count"]), fmt.money(row["cleared_amount"], cur)),
        ("Promises due / kept", f"{row['promises_due']} / {row['promises_kept']}", promised),
        ("Disputes resolved / open at the end", f"{row['disputes_resolved']} / {row['open_disputes']}", ""),
    ]
    record_table(
        pl.DataFrame(
            inputs, schema={"input": pl.String(), "value": pl.String(), "source": pl.String()}, orient="row"
        ),
        {"input": "Input", "value": "Value", "source": "Source / rule"},
    )
    per_month = row["monthly_sales"] or []
    months = pl.DataFrame(
        [(f"{m['year']}-{m['month']:02d}", m["days"], fmt.money(m["sales"], cur)) for m in per_month],
        schema={"month": pl.String(), "days": pl.Int32(), "sales": pl.String()},
        orient="row",
    )  # fmt: skip
    st.caption("Credit sales per month (the count-back works through them, newest first)")
    record_table(months, {"month": "Month", "days": "Days in the period", "sales": "Credit sales"})
    for note in row["note_list"] or []:  # one by one: a note may hold "; "
        st.caption(f"ℹ️ {escape(note)}")

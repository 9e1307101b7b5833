"""The KPIs side by side per company code, collector or country, with DSO, best possible DSO and ADD drawn."""

from __future__ import annotations

import altair as alt
import polars as pl
import streamlit as st

from pages.kpis_parts.period import GROUPS
from ui.components import count_column, money_column, record_table

#: The table's columns after the group, with their labels.
COLUMNS = {
    "dso_simple": "DSO (days)", "dso_count_back": "DSO count-back", "best_possible_dso": "Best possible DSO",
    "add": "ADD", "cei": "CEI %", "pct_current": "Current %", "pct_over_90": "Over 90 %",
    "avg_days_late": "Days late", "weighted_days_late": "Days late (weighted)",
    "promise_kept_rate": "Promises kept %", "dispute_cycle_days": "Dispute cycle (days)",
}  # fmt: skip
MONEY = {"beginning_ar": "Beginning AR", "ending_ar": "Ending AR", "ending_current_ar": "Ending current AR",
         "credit_sales": "Credit sales"}  # fmt: skip
MEASURES = {"dso_simple": "DSO (simple)", "best_possible_dso": "Best possible DSO", "add": "ADD"}
NONE = "(none)"


def show(frame: pl.DataFrame, by: str, currency: str) -> None:
    name = GROUPS[by]
    shown = frame.with_columns(pl.col(by).cast(pl.String).fill_null(NONE))
    long = shown.select(by, *MEASURES).unpivot(index=by, variable_name="measure", value_name="days")
    long = long.with_columns(pl.col("days").cast(pl.Float64), pl.col("measure").replace_strict(MEASURES))
    chart = (
        alt.Chart(long.drop_nulls("days"))
        .mark_bar()
        .encode(
            x=alt.X(f"{by}:N", title=name, sort=shown[by].to_list()),
            xOffset=alt.XOffset("measure:N", sort=list(MEASURES.values())),
            y=alt.Y("days:Q", title="Days"),
            color=alt.Color("measure:N", title=None, sort=list(MEASURES.values())),
            tooltip=[alt.Tooltip(f"{by}:N", title=name), "measure:N", alt.Tooltip("days:Q", format=".2f")],
        )
        .properties(height=280)
    )
    st.altair_chart(chart, width="stretch")
    config = {
        by: name,
        **{c: st.column_config.NumberColumn(label, format="%.2f") for c, label in COLUMNS.items()},
        **{c: money_column(f"{label} ({currency})") for c, label in MONEY.items()},
        "days": count_column("D"),
        "months": count_column("N"),
        "sales_source": "Credit sales from",
        "notes": "Notes",
    }
    table = shown.select(by, *COLUMNS, *MONEY, "days", "months", "sales_source", "notes")
    record_table(table, config, download=f"kpis-per-{by}")

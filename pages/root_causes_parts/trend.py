"""The trend per snapshot date: new, resolved and open cases, the open amount and the backlog's age."""

from __future__ import annotations

from datetime import date

import altair as alt
import polars as pl
import streamlit as st

from ar_core.disputes import trend
from pages.root_causes_parts.controls import Scope
from ui.components import count_column, date_column, money_column, record_table

SERIES = {"new": "New", "resolved": "Resolved", "open": "Open"}
DATE_AXIS = alt.Axis(format="%d %b %Y", labelAngle=-35, title=None)


def show(scope: Scope, dates: list[date], currency: str) -> None:
    if not dates:
        st.info("The trend starts with the first snapshot.")
        return
    frame = trend(scope.cases, dates)
    st.caption(
        "Per snapshot date: cases opened and resolved since the previous snapshot (the first counts every "
        "case up to it), cases open at the date, and how long the open ones have waited."
    )
    counts = frame.select("as_of", *SERIES).unpivot(index="as_of", variable_name="series", value_name="cases")
    counts = counts.with_columns(pl.col("series").replace_strict(SERIES))
    left, right = st.columns(2)
    left.markdown("**Cases per snapshot**")
    left.altair_chart(
        alt.Chart(counts)
        .mark_line(point=True)
        .encode(
            x=alt.X("as_of:T", axis=DATE_AXIS),
            y=alt.Y("cases:Q", title="Cases"),
            color=alt.Color("series:N", title=None, sort=list(SERIES.values())),
            tooltip=[alt.Tooltip("as_of:T", title="As of", format="%d %b %Y"), "series:N", "cases:Q"],
        )
        .properties(height=300)
    )
    amounts = frame.with_columns(pl.col("open_amount").cast(pl.Float64).alias("open_f"))
    base = alt.Chart(amounts).encode(x=alt.X("as_of:T", axis=DATE_AXIS))
    bars = base.mark_bar(opacity=0.6).encode(
        y=alt.Y("open_f:Q", title=f"Open amount ({currency})", axis=alt.Axis(format=",.0f")),
        tooltip=[
            alt.Tooltip("as_of:T", title="As of", format="%d %b %Y"),
            alt.Tooltip("open_f:Q", title=f"Open ({currency})", format=",.2f"),
            alt.Tooltip("median_age_days:Q", title="Median age (days)", format=".1f"),
        ],
    )
    age = base.mark_line(color="#c0392b", point=True).encode(
        y=alt.Y("median_age_days:Q", title="Median backlog age (days)")
    )
    right.markdown("**Open amount and backlog age**")
    right.altair_chart(alt.layer(bars, age).resolve_scale(y="independent").properties(height=300))
    record_table(
        frame.sort("as_of", descending=True),
        {
            "as_of": date_column("As of"),
            "new": count_column("New"),
            "new_amount": money_column(f"New ({currency})"),
            "resolved": count_column("Resolved"),
            "resolved_amount": money_column(f"Resolved ({currency})"),
            "open": count_column("Open"),
            "open_amount": money_column(f"Open ({currency})"),
            "median_age_days": st.column_config.NumberColumn("Median age (days)", format="%.1f"),
            "mean_age_days": st.column_config.NumberColumn("Mean age (days)", format="%.1f"),
        },
        download="dispute-trend",
        placeholder="—",
        height=min(38 + 35 * frame.height, 320),
    )

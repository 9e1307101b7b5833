"""Cycle time (opened → resolved) per reason or category: median, 90th percentile, past SLA, the spread."""

from __future__ import annotations

import altair as alt
import polars as pl
import streamlit as st

from ar_core.disputes import UNMAPPED, cycle_time, cycle_time_distribution
from pages.root_causes_parts.controls import Scope
from ui.components import count_column, record_table

BY = {"reason": "Reason", "category": "Root-cause category"}
#: About this many bars in the histogram, whatever the longest cycle.
BINS = 30


def _histogram(days: pl.DataFrame) -> pl.DataFrame:
    """Cases per bin of days and whether they were resolved past their SLA (binned here: few rows to draw)."""
    width = max(1, -(-int(days["days"].max() or 0) // BINS))
    return (
        days.with_columns((pl.col("days") // width * width).alias("start"))
        .group_by("start", "past_sla")
        .agg(pl.len().alias("cases"))
        .with_columns(
            (pl.col("start") + width).alias("end"),
            pl.when(pl.col("past_sla")).then(pl.lit("past SLA")).otherwise(pl.lit("within SLA")).alias("sla"),
        )
        .sort("start")
    )


def show(scope: Scope) -> None:
    c1, c2 = st.columns([2, 3])
    by = c1.radio("By", list(BY), format_func=BY.get, key="rc_cycle_by", horizontal=True)
    table = cycle_time(scope.cases, by, scope.start, scope.end)
    if table.is_empty():
        st.info("No case resolved yet" + (" in this period." if scope.start else "."))
        return
    keys = [k if k is not None else UNMAPPED for k in table[by].to_list()]
    one = c2.selectbox(
        "Distribution of",
        ["all", *keys],
        format_func=lambda k: "all cases" if k == "all" else k,
        key=f"rc_cycle_key_{by}",
    )
    record_table(
        table.with_columns(pl.col(by).fill_null(UNMAPPED)),
        {
            by: BY[by],
            "n": count_column("Resolved cases"),
            "median_days": st.column_config.NumberColumn("Median days", format="%.1f"),
            "p90_days": st.column_config.NumberColumn("90th percentile days", format="%.1f"),
            "mean_days": st.column_config.NumberColumn("Mean days", format="%.1f"),
            "past_sla": st.column_config.NumberColumn("Past SLA", format="percent"),
        },
        download=f"cycle-time-{by}",
        height=min(38 + 35 * table.height, 320),
    )
    days = cycle_time_distribution(scope.cases, by, scope.start, scope.end)
    if one != "all":
        days = days.filter(pl.col(by).fill_null(UNMAPPED) == one)
    bins = _histogram(days)
    st.markdown(f"**Days from opening to resolution** ({days.height:,} cases)")
    st.altair_chart(
        alt.Chart(bins)
        .mark_bar()
        .encode(
            x=alt.X("start:Q", title="Days to resolve", bin="binned"),
            x2="end:Q",
            y=alt.Y("cases:Q", title="Cases", stack=True),
            color=alt.Color(
                "sla:N",
                title=None,
                scale=alt.Scale(domain=["within SLA", "past SLA"], range=["#1f4e79", "#c0392b"]),
            ),
            tooltip=[
                alt.Tooltip("start:Q", title="From day"),
                alt.Tooltip("end:Q", title="To day"),
                "sla:N",
                alt.Tooltip("cases:Q", title="Cases"),
            ],
        )
        .properties(height=280)
    )

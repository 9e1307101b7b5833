"""The lead's view of the team: every collector side by side over the chosen weeks."""

from __future__ import annotations

from datetime import date

import altair as alt
import polars as pl
import streamlit as st

from ar_core.performance import CollectorMetrics, period_totals
from pages.metrics_parts.common import HEADLINE, METRICS, label, value_text, within
from ui.components import count_column, money_column, record_table


def show(view: CollectorMetrics, weeks: tuple[date, date]) -> None:
    totals = period_totals(within(view.rows, weeks), *weeks)
    if totals.is_empty():
        st.info("No week ends in the chosen range.")
        return
    median = period_totals(within(view.median, weeks), *weeks).row(0, named=True)
    named = totals.with_columns(
        pl.col("collector").replace_strict(view.names, default=pl.col("collector")).alias("name")
    )
    offered = [*HEADLINE, *(m for m in METRICS if m not in HEADLINE and m in totals.columns)]
    metric = st.selectbox(
        "Compare by", offered, key="cm_compare", format_func=lambda m: label(m, view.reporting)
    )
    bars = named.select("name", pl.col(metric).cast(pl.Float64).alias("value"))
    chart = alt.Chart(bars).mark_bar().encode(
        x=alt.X("value:Q", title=label(metric, view.reporting)),
        y=alt.Y("name:N", title=None, sort="-x"),
        tooltip=[alt.Tooltip("name:N", title="Collector"),
                 alt.Tooltip("value:Q", title="Value", format=",.2f")],
    )  # fmt: skip
    if median[metric] is not None:
        rule = alt.Chart(pl.DataFrame({"median": [float(median[metric])]})).mark_rule(
            color="#c0392b", strokeDash=[4, 3]
        ).encode(x="median:Q")  # fmt: skip
        chart = alt.layer(chart, rule)
    st.altair_chart(chart.properties(height=max(160, 34 * bars.height)))
    middle = value_text(median[metric], metric, view.reporting)
    st.caption(
        f"Dashed line: the team median, {middle}. Amounts and counts add up over the chosen weeks; "
        "shares are of the summed counts."
    )
    config: dict = {"name": "Collector", "weeks": count_column("Weeks")}
    for m in (*HEADLINE, "contacts", "promises_taken", "disputes_opened", "dispute_cycle_days"):
        unit, text = METRICS[m][1], label(m, view.reporting)
        config[m] = (
            money_column(text) if unit == "money"
            else count_column(text) if unit == "count"
            else st.column_config.NumberColumn(text, format="%.1f")
        )  # fmt: skip
    record_table(named.select(*config), config, download="collector-comparison")

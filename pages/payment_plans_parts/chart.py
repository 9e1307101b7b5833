"""The instalment tracking chart: one bar per payment on its due date, coloured by its status."""

from __future__ import annotations

import altair as alt
import polars as pl
import streamlit as st

from pages.payment_plans_parts.common import INSTALMENT_LABELS

#: Status colours a collector reads at a glance: green paid, amber late or overdue, red broken.
COLOURS = {"Kept": "#2e7d32", "Paid late": "#f9a825", "Overdue": "#ef6c00", "Broken": "#c62828",
           "Not yet due": "#90a4ae"}  # fmt: skip


def show(instalments: pl.DataFrame, currency: str) -> None:
    """Bars of the schedule over time (amount per due date), coloured by the tracked status."""
    if instalments.is_empty():
        st.info("This plan has no instalments.")
        return
    bars = instalments.select(
        pl.col("due_on").cast(pl.String).alias("due"),
        pl.col("amount").cast(pl.Float64).alias("amount"),  # drawn only; the table shows exact cents
        pl.col("status").replace_strict(INSTALMENT_LABELS, default=pl.col("status")).alias("status"),
        pl.col("kind"),
    )
    chart = (
        alt.Chart(bars)
        .mark_bar()
        .encode(
            x=alt.X("due:O", title="Due", axis=alt.Axis(labelAngle=-45)),
            y=alt.Y("amount:Q", title=f"Amount ({currency})"),
            color=alt.Color(
                "status:N",
                title="Status",
                scale=alt.Scale(domain=list(COLOURS), range=list(COLOURS.values())),
            ),
            tooltip=[
                alt.Tooltip("due:O", title="Due"),
                alt.Tooltip("kind:N", title="Payment"),
                alt.Tooltip("amount:Q", title="Amount", format=",.2f"),
                alt.Tooltip("status:N", title="Status"),
            ],
        )
        .properties(height=240)
    )
    st.altair_chart(chart, width="stretch")
